/**
 * `cid inspect`: a CID's parts as Kubo 0.42 breaks them down. The text is read as go-cid's Decode reads it
 * (go-multibase's decoders, go-multihash's checks) so that a broken CID fails with Kubo's words, and a PeerID
 * given instead gets Kubo's note with its CID.
 */
import { bases } from 'multiformats/basics'
import { MULTICODEC_NAMES } from './multicodec-names.ts'

export interface CidInspectOut {
  cid: string
  version: number
  multibase: { prefix: string, name: string }
  multicodec: { code: number, name: string }
  multihash: { code: number, name: string, length: number, digest: string }
  /** only for a dag-pb, sha2-256, 32-byte CID */
  cidV0?: string
  cidV1: string
  /** the CID did not decode: the rest is empty (Kubo answers with it, and its text encoder fails with it) */
  errorMsg?: string
}

/** The hash names go-multihash knows (Kubo names a CID's hash from them, "unknown" for others) */
const HASH_NAMES: Record<number, string> = {
  0x00: 'identity', 0x11: 'sha1', 0x12: 'sha2-256', 0x13: 'sha2-512', 0x17: 'sha3-224', 0x16: 'sha3-256',
  0x15: 'sha3-384', 0x14: 'sha3-512', 0x56: 'dbl-sha2-256', 0x22: 'murmur3-x64-64', 0x1a: 'keccak-224',
  0x1b: 'keccak-256', 0x1c: 'keccak-384', 0x1d: 'keccak-512', 0x1e: 'blake3', 0x18: 'shake-128', 0x19: 'shake-256',
  0x1012: 'sha2-256-trunc254-padded', 0x1100: 'x11', 0xb401: 'poseidon-bls12_381-a2-fc1', 0xd5: 'md5'
}
for (let n = 1; n <= 64; n++) HASH_NAMES[0xb200 + n] = `blake2b-${n * 8}`
for (let n = 1; n <= 32; n++) HASH_NAMES[0xb240 + n] = `blake2s-${n * 8}`

/** go-multibase's names by prefix: the multibases Kubo decodes */
const MULTIBASE_NAMES: Record<string, string> = {
  '\0': 'identity', 0: 'base2', f: 'base16', F: 'base16upper', b: 'base32', B: 'base32upper', c: 'base32pad',
  C: 'base32padupper', v: 'base32hex', V: 'base32hexupper', t: 'base32hexpad', T: 'base32hexpadupper', k: 'base36',
  K: 'base36upper', z: 'base58btc', Z: 'base58flickr', m: 'base64', u: 'base64url', M: 'base64pad', U: 'base64urlpad',
  '🚀': 'base256emoji'
}

/** A Go error's text */
class GoError extends Error {}

/** go-cid's ErrInvalidCid around an error */
const invalidCid = (err: unknown): GoError => new GoError(`invalid cid: ${(err as Error).message}`)

/** Go's %q of a rune */
function quoteRune (cp: number): string {
  const escapes: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 39: "\\'", 92: '\\\\' }
  const hex = (width: number): string => cp.toString(16).padStart(width, '0')
  if (escapes[cp] !== undefined) return `'${escapes[cp]}'`
  if (cp === 0x20 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(cp))) return `'${String.fromCodePoint(cp)}'`
  if (cp < 0x80) return `'\\x${hex(2)}'`
  return cp < 0x10000 ? `'\\u${hex(4)}'` : `'\\U${hex(8)}'`
}

/** A base-58 or base-36 number: its leading zero digits as zero bytes, then the number's big-endian bytes */
function baseXBytes (digits: number[], base: number, zeros: number): Uint8Array {
  let n = 0n
  for (const d of digits) n = n * BigInt(base) + BigInt(d)
  const out: number[] = []
  while (n > 0n) {
    out.unshift(Number(n & 0xffn))
    n >>= 8n
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...out])
}

/** mr-tron/base58's decoder (its errors) */
function base58 (src: Uint8Array, alphabet: string): Uint8Array {
  if (src.length === 0) throw new GoError('zero length string')
  let zeros = 0
  while (zeros < src.length && src[zeros] === alphabet.charCodeAt(0)) zeros++
  const digits: number[] = []
  for (const ch of src.subarray(zeros)) {
    if (ch > 127) throw new GoError('high-bit set on invalid digit')
    const d = alphabet.indexOf(String.fromCharCode(ch))
    if (d < 0) throw new GoError(`invalid base58 digit (${quoteRune(ch)})`)
    digits.push(d)
  }
  return baseXBytes(digits, 58, zeros)
}

/** go-base36's decoder: either case, its errors */
function base36 (text: string): Uint8Array {
  if (text === '') throw new GoError('can not decode zero-length string')
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'
  let zeros = 0
  while (zeros < text.length && text[zeros] === '0') zeros++
  const digits: number[] = []
  for (const ch of text) {
    const d = alphabet.indexOf(ch.toLowerCase())
    if (d < 0 || (ch.codePointAt(0) as number) > 0x7a) throw new GoError(`invalid base36 character (${quoteRune(ch.codePointAt(0) as number)})`)
    digits.push(d)
  }
  return baseXBytes(digits.slice(zeros), 36, zeros)
}

/** Go's encoding/hex DecodeString */
function base16 (src: Uint8Array): Uint8Array {
  const value = (b: number): number => {
    const c = String.fromCharCode(b).toLowerCase()
    return '0123456789abcdef'.indexOf(c) >= 0 && b < 0x80 ? parseInt(c, 16) : -1
  }
  const bad = (b: number): GoError => {
    const printable = (b >= 0x20 && b < 0x7f) || (b >= 0xa1 && b !== 0xad)
    return new GoError(`encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')}${printable ? ` '${String.fromCharCode(b)}'` : ''}`)
  }
  const out: number[] = []
  let i = 1
  for (; i < src.length; i += 2) {
    const hi = value(src[i - 1] as number)
    if (hi < 0) throw bad(src[i - 1] as number)
    const lo = value(src[i] as number)
    if (lo < 0) throw bad(src[i] as number)
    out.push(hi * 16 + lo)
  }
  if (src.length % 2 === 1) {
    if (value(src[i - 1] as number) < 0) throw bad(src[i - 1] as number)
    throw new GoError('encoding/hex: odd length hex string')
  }
  return Uint8Array.from(out)
}

/** go-multibase's base2: 8 digits a byte, the first byte padded with zeros, each as strconv.ParseInt reads it */
function base2 (text: string): Uint8Array {
  if (text.length % 8 !== 0) text = '0'.repeat(8 - text.length % 8) + text
  const out: number[] = []
  for (let i = 0; i < text.length; i += 8) {
    const chunk = text.slice(i, i + 8)
    if (!/^[+-]?[01]+$/.test(chunk)) throw new GoError(`error while conversion: strconv.ParseInt: parsing ${JSON.stringify(chunk)}: invalid syntax`)
    out.push(parseInt(chunk, 2) & 0xff)
  }
  return Uint8Array.from(out)
}

/** go-base32's decoder (case-insensitive; newlines skipped), with or without padding, and its errors */
function base32 (input: Uint8Array, alphabet: string, padded: boolean): Uint8Array {
  const src = input.filter(b => b !== 10 && b !== 13)
  const corrupt = (at: number): GoError => new GoError(`illegal base32 data at input byte ${at}`)
  const olen = src.length
  let si = 0
  const out: number[] = []
  let end = false
  while (si < olen && !end) {
    const dbuf = new Array<number>(8).fill(0)
    let dlen = 8
    for (let j = 0; j < 8;) {
      if (si === olen) {
        if (padded) throw corrupt(si - j)
        dlen = j
        break
      }
      const ch = src[si++] as number
      const left = olen - si
      if (ch === 0x3d && j >= 2 && left < 8) {
        if (!padded) throw corrupt(olen)
        if (left + j < 7) throw corrupt(olen)
        for (let k = 0; k < 7 - j; k++) {
          if (left > k && src[si + k] !== 0x3d) throw corrupt(olen - left + k - 1)
        }
        dlen = j
        end = true
        if (dlen === 1 || dlen === 3 || dlen === 6) throw corrupt(olen - left - 1)
        break
      }
      const d = ch < 0x80 ? alphabet.indexOf(String.fromCharCode(ch).toLowerCase()) : -1
      if (d < 0) throw corrupt(olen - left - 1)
      dbuf[j++] = d
    }
    const [a, b, c, d, e, f, g, h] = dbuf as [number, number, number, number, number, number, number, number]
    const bytes = [(a << 3 | b >> 2) & 0xff, (b << 6 | c << 1 | d >> 4) & 0xff, (d << 4 | e >> 1) & 0xff, (e << 7 | f << 2 | g >> 3) & 0xff, (g << 5 | h) & 0xff]
    const count: Record<number, number> = { 2: 1, 4: 2, 5: 3, 7: 4, 8: 5 }
    out.push(...bytes.slice(0, count[dlen] ?? 0))
  }
  return Uint8Array.from(out)
}

/** Go's encoding/base64 decoder (newlines skipped), with or without padding, and its errors */
function base64 (src: Uint8Array, alphabet: string, padded: boolean): Uint8Array {
  const corrupt = (at: number): GoError => new GoError(`illegal base64 data at input byte ${at}`)
  const out: number[] = []
  let si = 0
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0]
    let dlen = 4
    let trailing: number | undefined
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out)
        if (j === 1 || padded) throw corrupt(si - j)
        dlen = j
        break
      }
      const ch = src[si++] as number
      const d = ch < 0x80 ? alphabet.indexOf(String.fromCharCode(ch)) : -1
      if (d >= 0) {
        dbuf[j] = d
        continue
      }
      if (ch === 10 || ch === 13) {
        j--
        continue
      }
      if (!padded || ch !== 0x3d) throw corrupt(si - 1)
      if (j === 0 || j === 1) throw corrupt(si - 1)
      if (j === 2) {
        while (si < src.length && (src[si] === 10 || src[si] === 13)) si++
        if (si === src.length) throw corrupt(src.length)
        if (src[si] !== 0x3d) throw corrupt(si - 1)
        si++
      }
      while (si < src.length && (src[si] === 10 || src[si] === 13)) si++
      if (si < src.length) trailing = si
      dlen = j
      break
    }
    const val = (dbuf[0] as number) << 18 | (dbuf[1] as number) << 12 | (dbuf[2] as number) << 6 | (dbuf[3] as number)
    out.push(...[(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff].slice(0, dlen - 1))
    if (trailing !== undefined) throw corrupt(trailing)
  }
  return Uint8Array.from(out)
}

let emojiTable: Map<string, number> | undefined

/** go-multibase's base256emoji decoder */
function base256emoji (text: string): Uint8Array {
  if (emojiTable === undefined) {
    emojiTable = new Map()
    for (let i = 0; i < 256; i++) emojiTable.set(bases.base256emoji.baseEncode(Uint8Array.of(i)), i)
  }
  const out: number[] = []
  let at = 0
  for (const ch of text) {
    const b = emojiTable.get(ch)
    if (b === undefined) throw new GoError(`illegal base256emoji data at input byte ${at}, char: '${ch}'`)
    out.push(b)
    at += Buffer.byteLength(ch)
  }
  return Uint8Array.from(out)
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'
const B32HEX = '0123456789abcdefghijklmnopqrstuv'
const B58BTC = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
const B58FLICKR = '123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ'
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** go-multibase's Decode: the bytes after the prefix (which is one byte, but for the emoji's four) */
function multibaseDecode (text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text)
  const rest = utf8.subarray(1)
  const restText = new TextDecoder().decode(rest)
  const prefix = String.fromCodePoint(text.codePointAt(0) as number)
  switch (prefix) {
    case '\0': return rest
    case '0': return base2(restText)
    case 'f': case 'F': return base16(rest)
    case 'b': case 'B': return base32(rest, B32, false)
    case 'c': case 'C': return base32(rest, B32, true)
    case 'v': case 'V': return base32(rest, B32HEX, false)
    case 't': case 'T': return base32(rest, B32HEX, true)
    case 'k': case 'K': return base36(restText)
    case 'z': return base58(rest, B58BTC)
    case 'Z': return base58(rest, B58FLICKR)
    case 'm': return base64(rest, B64, false)
    case 'u': return base64(rest, B64URL, false)
    case 'M': return base64(rest, B64, true)
    case 'U': return base64(rest, B64URL, true)
    case '🚀': return base256emoji(new TextDecoder().decode(utf8.subarray(4)))
    default: throw new GoError('selected encoding not supported')
  }
}

/** go-varint's FromUvarint: the value and the bytes read */
function uvarint (buf: Uint8Array): [number, number] {
  let x = 0n
  let s = 0n
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number
    if ((i === 8 && b >= 0x80) || i >= 9) throw new GoError('varints larger than uint63 not supported')
    if (b < 0x80) {
      if (b === 0 && s > 0n) throw new GoError('varint not minimally encoded')
      return [Number(x | BigInt(b) << s), i + 1]
    }
    x |= BigInt(b & 0x7f) << s
    s += 7n
  }
  throw new GoError('varints malformed, could not reach the end')
}

interface Multihash { code: number, digest: Uint8Array, read: number }

/** go-multihash's readMultihashFromBuf: the multihash at the start of the buffer, and its length */
function readMultihash (buf: Uint8Array): Multihash {
  if (buf.length < 2) throw new GoError('multihash too short. must be >= 2 bytes')
  const [code, n1] = uvarint(buf)
  const [length, n2] = uvarint(buf.subarray(n1))
  if (length > 0x7fffffff) throw new GoError('digest too long, supporting only <= 2^31-1')
  if (length > buf.length - n1 - n2) throw new GoError('length greater than remaining number of bytes in buffer')
  return { code, digest: buf.subarray(n1 + n2, n1 + n2 + length), read: n1 + n2 + length }
}

/** go-multihash's Cast: the whole buffer one multihash */
function castMultihash (buf: Uint8Array): Multihash {
  const mh = readMultihash(buf)
  if (mh.read !== buf.length) throw new GoError(`multihash length inconsistent: expected ${mh.digest.length}; got ${mh.read}`)
  return mh
}

interface Decoded { version: 0 | 1, codec: number, multihash: Uint8Array, hash: Multihash }

/** go-cid's Decode, its errors included */
function decodeCid (text: string): Decoded {
  const bytes = Buffer.byteLength(text)
  if (bytes < 2) throw invalidCid(new Error('cid too short'))
  if (bytes === 46 && text.startsWith('Qm')) {
    let mh: Uint8Array
    try {
      mh = base58(new TextEncoder().encode(text), B58BTC)
    } catch {
      throw invalidCid(new Error("input isn't valid multihash"))
    }
    let hash: Multihash
    try {
      hash = castMultihash(mh)
    } catch (err) {
      throw invalidCid(err)
    }
    if (hash.code !== 0x12 || hash.digest.length !== 32) throw invalidCid(new Error(`invalid hash for cidv0 ${hash.code}-${hash.digest.length}`))
    return { version: 0, codec: 0x70, multihash: mh, hash }
  }
  let data: Uint8Array
  try {
    data = multibaseDecode(text)
  } catch (err) {
    throw invalidCid(err)
  }
  const { read, cid } = cidFromBytes(data)
  if (read !== data.length) throw invalidCid(new Error('trailing bytes in data buffer passed to cid Cast'))
  return cid
}

/** go-cid's CidFromBytes (its errors wrapped twice by Cast, as go-cid does) */
function cidFromBytes (data: Uint8Array): { read: number, cid: Decoded } {
  const fail = (err: unknown): GoError => invalidCid(invalidCid(err))
  try {
    if (data.length > 2 && data[0] === 0x12 && data[1] === 32) {
      if (data.length < 34) throw fail(new Error('not enough bytes for cid v0'))
      const multihash = data.subarray(0, 34)
      return { read: 34, cid: { version: 0, codec: 0x70, multihash, hash: castMultihash(multihash) } }
    }
    const [version, n] = uvarint(data)
    if (version !== 1) throw fail(new Error(`expected 1 as the cid version number, got: ${version}`))
    const [codec, cn] = uvarint(data.subarray(n))
    const hash = readMultihash(data.subarray(n + cn))
    return { read: n + cn + hash.read, cid: { version: 1, codec, multihash: data.subarray(n + cn, n + cn + hash.read), hash } }
  } catch (err) {
    throw err instanceof GoError && err.message.startsWith('invalid cid: ') ? err : fail(err)
  }
}

/** A PeerID as libp2p's peer.Decode reads a base58 one ('Qm…', '1…'): its CID in base36, or nothing */
function peerIdCid (text: string): string | undefined {
  if (!text.startsWith('Qm') && !text.startsWith('1')) return undefined
  try {
    const mh = base58(new TextEncoder().encode(text), B58BTC)
    castMultihash(mh)
    return bases.base36.encode(Uint8Array.from([0x01, 0x72, ...mh]))
  } catch {
    return undefined
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** `cid inspect`'s answer for one CID text; a CID that does not decode gives its error in `errorMsg` */
export function inspectCid (text: string): CidInspectOut {
  let c: Decoded
  try {
    c = decodeCid(text)
  } catch (err) {
    if (!(err instanceof GoError)) throw err
    let errorMsg = `invalid CID: ${err.message}`
    const peer = peerIdCid(text)
    if (peer !== undefined) errorMsg += `\nNote: the value is a PeerID; inspect its CID representation instead:\n  ${peer}`
    return {
      cid: text,
      version: 0,
      multibase: { prefix: '', name: '' },
      multicodec: { code: 0, name: '' },
      multihash: { code: 0, name: '', length: 0, digest: '' },
      cidV1: '',
      errorMsg
    }
  }
  // go-cid's ExtractEncoding reads the first byte: the emoji's is no multibase (Kubo shows U+FFFD and no name)
  const first = text[0] as string
  const known = first.charCodeAt(0) < 0x80 && MULTIBASE_NAMES[first] !== undefined
  const multibase = c.version === 0
    ? { prefix: 'z', name: 'base58btc' }
    : { prefix: known ? first : '\uFFFD', name: known ? MULTIBASE_NAMES[first] as string : '' }
  const { code, digest } = c.hash
  const v1 = Uint8Array.from([0x01, ...varint(c.codec), ...c.multihash])
  const out: CidInspectOut = {
    cid: text,
    version: c.version,
    multibase,
    multicodec: { code: c.codec, name: MULTICODEC_NAMES[c.codec] ?? 'unknown' },
    multihash: { code, name: HASH_NAMES[code] ?? 'unknown', length: digest.length, digest: hex(digest) }
  } as CidInspectOut
  if (c.codec === 0x70 && code === 0x12 && digest.length === 32) out.cidV0 = bases.base58btc.baseEncode(c.multihash)
  out.cidV1 = (c.codec === 0x72 ? bases.base36 : bases.base32).encode(v1)
  return out
}

function varint (n: number): number[] {
  const out: number[] = []
  let v = BigInt(n)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}
