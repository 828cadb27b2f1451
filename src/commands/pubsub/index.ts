/** `tsipfs pubsub …`: publish and subscribe on libp2p pubsub topics through the daemon */
import type { Command } from '../command.ts'
import ls from './ls.ts'
import peers from './peers.ts'
import pub from './pub.ts'
import sub from './sub.ts'

export default [ls, peers, pub, sub] as Command[]
