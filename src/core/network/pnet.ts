/**
 * Private networks, as in Kubo: a `$IPFS_PATH/swarm.key` in the /key/swarm/psk/1.0.0/ format (a line
 * naming the format, a line naming the encoding (/base16/, /base64/ or /bin/), then the 32-byte key) makes
 * every connection pass through @libp2p/pnet's XSalsa20 protector, so that only peers with the same key can
 * talk to this node. LIBP2P_FORCE_PNET=1 refuses to start the swarm without a key. QUIC cannot be
 * protected this way (its encryption is built in), so with a key QUIC is off, as Kubo does.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { preSharedKey } from '@libp2p/pnet'
import { salsa20 } from '@noble/ciphers/salsa.js'
import { shake128 } from '@noble/hashes/sha3.js'
import type { ConnectionProtector } from '@libp2p/interface'
import { InvalidConfigError } from '../errors.ts'

export interface PrivateNetwork {
  protector: (components: any) => ConnectionProtector
  /** Kubo's fingerprint of the key, for the start-up line */
  fingerprint: string
}

/** The 32-byte key from a key file (base16, base64 or binary), with a clear error for anything else */
export function decodeSwarmKey (bytes: Uint8Array, path = 'swarm.key'): Uint8Array {
  const buf = Buffer.from(bytes)
  const first = buf.indexOf(10)
  const second = first < 0 ? -1 : buf.indexOf(10, first + 1)
  if (second < 0 || buf.subarray(0, first).toString('latin1').trim() !== '/key/swarm/psk/1.0.0/') throw new InvalidConfigError(`${path}: not a swarm key (the first line must be /key/swarm/psk/1.0.0/)`)
  const enc = buf.subarray(first + 1, second).toString('latin1').trim()
  // a binary key is the bytes after the encoding line as they are (they may include line breaks)
  const rest = buf.subarray(second + 1)
  const text = rest.toString('latin1').trim()
  let key: Buffer
  if (enc === '/base16/' && /^[0-9a-fA-F]*$/.test(text)) key = Buffer.from(text, 'hex')
  else if (enc === '/base64/') key = Buffer.from(text, 'base64')
  else if (enc === '/bin/') key = rest.byteLength > 32 && (rest.at(-1) === 10) ? rest.subarray(0, 32) : rest
  else throw new InvalidConfigError(`${path}: unknown key encoding ${JSON.stringify(enc)} (use /base16/, /base64/ or /bin/)`)
  if (key.byteLength !== 32) throw new InvalidConfigError(`${path}: the key must be 32 bytes`)
  return new Uint8Array(key)
}

/**
 * Kubo's "Swarm key fingerprint": the Salsa20 keystream of the key with the nonce "finprint" (64 bytes),
 * hashed to 16 bytes with SHAKE-128, so the key itself never goes through the hash. Checked against
 * Kubo 0.42's output for the same key (test/unit/swarm.test.ts).
 */
export function swarmKeyFingerprint (key: Uint8Array): string {
  const stream = salsa20(key, new TextEncoder().encode('finprint'), new Uint8Array(64))
  return Buffer.from(shake128(stream, { dkLen: 16 })).toString('hex')
}

/** The protector for the repo's swarm.key, or undefined when there is none (and none is required) */
export async function privateNetwork (repoPath: string, env: NodeJS.ProcessEnv = process.env): Promise<PrivateNetwork | undefined> {
  const path = join(repoPath, 'swarm.key')
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new InvalidConfigError(`could not read ${path}: ${(err as Error).message}`)
    if (env.LIBP2P_FORCE_PNET === '1') throw new InvalidConfigError('private network was not configured but is enforced by the environment (LIBP2P_FORCE_PNET=1): put a swarm.key in the repo')
    return undefined
  }
  const key = decodeSwarmKey(bytes, path)
  // @libp2p/pnet reads the file format, but only with a lower-case base16 key: hand it that form
  const psk = new TextEncoder().encode(`/key/swarm/psk/1.0.0/\n/base16/\n${Buffer.from(key).toString('hex')}`)
  return { protector: preSharedKey({ psk }), fingerprint: swarmKeyFingerprint(key) }
}
