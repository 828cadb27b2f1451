/** Helpers shared by command implementations */
import { TooLargeError, UnsupportedError } from '../core/errors.ts'
import type { CID } from 'multiformats/cid'
import { bases } from 'multiformats/basics'
import type { Options } from './command.ts'

/** Concatenate a byte stream, refusing more than `limit` bytes */
export async function readAll (source: AsyncIterable<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of source) {
    length += chunk.byteLength
    if (length > limit) throw new TooLargeError(`input is larger than ${limit} bytes`)
    chunks.push(chunk)
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}


/** Print a CID as Kubo does with --cid-base: v1 CIDs in the named base, v0 CIDs unchanged */
export function formatCid (cid: CID, options: Options): string {
  const baseName = options['cid-base']
  if (typeof baseName !== 'string' || baseName === '' || cid.version === 0) return cid.toString()
  const base = Object.values(bases).find(b => b.name === baseName || b.prefix === baseName)
  if (base === undefined) throw new UnsupportedError(`invalid multibase: ${baseName}`)
  return cid.toString(base.encoder)
}
