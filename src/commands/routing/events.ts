/** Shared by the routing, dht and provide commands: Kubo's routing event shape and argument parsing */
import type { CID } from 'multiformats/cid'
import { parseCid } from '../../core/path.ts'
import type { RoutingEvent } from '../../core/routing/api.ts'

export type { RoutingEvent }

export const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'

export function parseKeyCid (text: string): CID {
  return parseCid(text.replace(/^\/ipfs\//, ''))
}
