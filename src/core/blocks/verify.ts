import type { CID } from 'multiformats/cid'
import { equals } from 'uint8arrays/equals'
import { HashMismatchError } from '../errors.ts'
import { hasherByCode } from './hashers.ts'

/** Throw HashMismatchError unless `bytes` hash to `cid`'s multihash */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  const hasher = hasherByCode(cid.multihash.code)
  const digest = await hasher.digest(bytes)
  if (!equals(digest.digest, cid.multihash.digest)) {
    throw new HashMismatchError(`data in block ${cid.toString()} does not match its hash`)
  }
}
