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

/** What Go's strconv.IsPrint calls printable: letters, marks, numbers, punctuation, symbols and the ASCII space */
const NOT_PRINTABLE = /[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/u
const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' }

/**
 * Kubo's EscNonPrint (names in `add`, `ls`, `name publish`, `pubsub ls` text): a string with a backslash or a
 * character Go does not print is written as Go's strconv.Quote writes it, without the quotes (and with `"`
 * left as is): \n, \t…, \x1b below U+0020 and for U+007F, \u00a0, \U0001f3f3 beyond the BMP.
 */
export function escNonPrint (s: string): string {
  if (!s.includes('\\') && !NOT_PRINTABLE.test(s)) return s
  let out = ''
  for (const ch of s) {
    const code = ch.codePointAt(0) as number
    const named = GO_ESCAPES[ch]
    if (named !== undefined) out += named
    else if (!NOT_PRINTABLE.test(ch)) out += ch
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += `\\U${code.toString(16).padStart(8, '0')}`
  }
  return out
}
