/** Peer IDs given as text by the user, with one clear error for every malformed form. */
import type { PeerId } from '@libp2p/interface'
import { InvalidArgumentError } from '../errors.ts'

/**
 * A peer ID from a base58btc multihash (12D3KooW…, Qm…) or a CIDv1 of a libp2p key (k51…, bafz…), optionally
 * after /p2p/ or /ipfs/. The library's own errors ("Please pass a multibase decoder…") say nothing useful here
 */
export async function peerIdFromText (text: string): Promise<PeerId> {
  const { peerIdFromString } = await import('@libp2p/peer-id')
  try {
    return peerIdFromString(text.replace(/^\/p2p\//, '').replace(/^\/ipfs\//, ''))
  } catch {
    throw new InvalidArgumentError(`invalid peer ID ${JSON.stringify(text)}: not a base58btc multihash (12D3KooW…, Qm…) or a libp2p-key CID (k51…, bafz…)`)
  }
}
