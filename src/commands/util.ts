/** Helpers shared by command implementations */
import { TooLargeError } from '../core/errors.ts'

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
