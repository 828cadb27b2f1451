/** The node's own identity (peer ID and public key), as `id` prints it before the network is up. */
import { fromString as u8FromString } from 'uint8arrays/from-string'
import { toString as u8ToString } from 'uint8arrays/to-string'
import type { Components } from '../node.ts'
import { InvalidArgumentError, InvalidConfigError } from '../errors.ts'
import pkg from '../../../package.json' with { type: 'json' }

/** What identify and `id` announce: Kubo's form, kubo/<version>[/<commit>]; no commit is known here */
export const AGENT_VERSION = `tsipfs/${pkg.version}`

export function createIdentityApi ({ repo }: Pick<Components, 'repo'>) {
  return {
    /** Kubo's `id` output for this node (no addresses until the swarm runs) */
    async id (): Promise<{ ID: string, PublicKey: string, Addresses: string[] | null, AgentVersion: string, Protocols: string[] | null }> {
      const { PrivKey } = repo.config.Identity
      if (PrivKey === undefined) throw new InvalidConfigError('config has no Identity.PrivKey')
      // loaded on use: the key libraries cost every other command ~15 MB of memory
      const { privateKeyFromProtobuf, publicKeyToProtobuf } = await import('@libp2p/crypto/keys')
      const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
      const key = privateKeyFromProtobuf(u8FromString(PrivKey, 'base64pad'))
      const peerId = peerIdFromPrivateKey(key)
      return {
        ID: peerId.toString(),
        PublicKey: u8ToString(publicKeyToProtobuf(key.publicKey), 'base64pad'),
        Addresses: null,
        AgentVersion: AGENT_VERSION,
        Protocols: null
      }
    }
  }
}

/**
 * A peer ID as `id --peerid-base` prints it: `b58mh` (the default) is the base58btc multihash (12D3…, Qm…);
 * any multibase name or prefix (base36/k, base32/b, …) prints it as a CIDv1 libp2p-key in that base
 */
export async function formatPeerId (id: string, base: string): Promise<string> {
  if (base === '' || base === 'b58mh') return id
  const { baseByName } = await import('../bases.ts')
  const { peerIdFromString } = await import('@libp2p/peer-id')
  let codec
  try {
    codec = baseByName(base)
  } catch {
    throw new InvalidArgumentError(`unsupported multibase encoding: ${base}`)
  }
  return peerIdFromString(id).toCID().toString(codec.encoder)
}
