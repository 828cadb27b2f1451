/**
 * Multihash functions tsipfs can hash with (add --hash, block put --mhtype) and verify with. Names are the
 * multicodec table's, as Kubo prints them in `cid hashes`.
 */
import { from } from 'multiformats/hashes/hasher'
import type { MultihashHasher } from 'multiformats/hashes/interface'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { identity } from 'multiformats/hashes/identity'
import { blake2b256, blake2b512 } from '@multiformats/blake2/blake2b'
import { blake3 as nobleBlake3 } from '@noble/hashes/blake3.js'
import { TooLargeError, UnsupportedError } from '../errors.ts'

export const blake3 = from({ name: 'blake3', code: 0x1e, encode: (input: Uint8Array) => nobleBlake3(input, { dkLen: 32 }) })

/** Kubo's limit on identity digests (boxo verifcid): a larger block cannot be inlined into its CID */
export const MAX_IDENTITY_DIGEST = 128

const boundedIdentity = from({
  name: 'identity',
  code: identity.code,
  encode: (input: Uint8Array) => {
    if (input.byteLength > MAX_IDENTITY_DIGEST) throw new TooLargeError(`digest too large: identity digest got ${input.byteLength} bytes, maximum ${MAX_IDENTITY_DIGEST}`)
    return new Uint8Array(input)
  }
})

const HASHERS: Array<MultihashHasher<number>> = [sha256, sha512, blake2b256, blake2b512, blake3, boundedIdentity]

const byName = new Map<string, MultihashHasher<number>>(HASHERS.map(h => [h.name, h]))
const byCode = new Map<number, MultihashHasher<number>>(HASHERS.map(h => [h.code, h]))

export function hasherByName (name: string): MultihashHasher<number> {
  const h = byName.get(name)
  // Kubo's add and files say it so (block put and dag put have their own words, in their commands)
  if (h === undefined) throw new UnsupportedError(`unrecognized hash function: ${JSON.stringify(name)}`)
  return h
}

export function hasherByCode (code: number): MultihashHasher<number> {
  const h = byCode.get(code)
  if (h === undefined) throw new UnsupportedError(`unsupported multihash code 0x${code.toString(16)}`)
  return h
}

export function supportedHashers (): Array<MultihashHasher<number>> {
  return [...HASHERS]
}
