/** Helpers shared by command implementations */
import { TooLargeError } from '../core/errors.ts'
import { CID } from 'multiformats/cid'
import type { Options } from './command.ts'
import { baseByName, baseOfText } from '../core/bases.ts'

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

/**
 * The results, once the first has arrived (or the end): a `consume` knows then that the command has started
 * (the root resolved, its first bytes read) and the length it stated
 */
export async function started<T> (results: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const it = results[Symbol.asyncIterator]()
  const first = await it.next()
  return (async function * () {
    if (first.done === true) return
    yield first.value
    for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value
  })()
}

/** Is it a hash function we have? (hashers are loaded when block put runs, not at every CLI start) */
export async function isHashName (name: string): Promise<boolean> {
  const { hasherByName } = await import('../core/blocks/hashers.ts')
  try {
    hasherByName(name)
    return true
  } catch {
    return false
  }
}

/**
 * Check --cid-base before a command does anything (Kubo's GetCidEncoder fails first): `add --cid-base=nope`
 * must not add the files and then fail
 */
export function checkCidBase (options: Options): void {
  const name = options['cid-base']
  if (typeof name === 'string' && name !== '') baseByName(name)
}

/**
 * Print a CID as Kubo 0.42 does with --cid-base: in the named base, a CIDv0 upgraded to v1 unless the base is
 * base58btc (CIDv0 exists only in base58btc); the deprecated --upgrade-cidv0-in-output still decides when given
 */
export function formatCid (cid: CID, options: Options): string {
  const name = options['cid-base']
  const given = options['upgrade-cidv0-in-output']
  if (typeof name !== 'string' || name === '') return given === true && cid.version === 0 ? cid.toV1().toString() : cid.toString()
  const base = baseByName(name)
  const upgrade = typeof given === 'boolean' ? given : base.name !== 'base58btc'
  if (cid.version === 0) return upgrade ? cid.toV1().toString(base.encoder) : cid.toString()
  return cid.toString(base.encoder)
}

/**
 * Kubo's CidEncoderFromPath, for `resolve` and `dag resolve` without --cid-base: the result is written in the
 * base of the path's own root CID (a CIDv1 root gives CIDv1 results in its base, a CIDv0 root changes nothing)
 */
export function optionsFromPath (path: string, options: Options): Options {
  if (typeof options['cid-base'] === 'string' && options['cid-base'] !== '') return options
  const parts = path.split('/')
  const root = parts[0] !== '' ? parts[0] : parts[2]
  if (root === undefined || root.length < 2 || root.startsWith('Qm') || root.startsWith('1')) return options
  const base = baseOfText(root)
  if (base === undefined) return options
  try {
    CID.parse(root, base.decoder)
  } catch {
    return options
  }
  return { ...options, 'cid-base': base.name }
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
