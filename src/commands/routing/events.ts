/** Shared by the routing, dht and provide commands: Kubo's routing event shape and argument parsing */
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import { InvalidArgumentError } from '../../core/errors.ts'
import { parseCid } from '../../core/path.ts'
import type { RoutingEvent } from '../../core/routing/api.ts'

export type { RoutingEvent }

export const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'

export async function parsePeerId (text: string): Promise<PeerId> {
  const { peerIdFromString } = await import('@libp2p/peer-id')
  try {
    return peerIdFromString(text.replace(/^\/p2p\//, '').replace(/^\/ipfs\//, ''))
  } catch (err) {
    throw new InvalidArgumentError(`invalid peer ID ${JSON.stringify(text)}: ${(err as Error).message}`)
  }
}

export function parseKeyCid (text: string): CID {
  return parseCid(text.replace(/^\/ipfs\//, ''))
}
