/**
 * The Bitswap message (libp2p/specs bitswap: /ipfs/bitswap/1.0.0, 1.1.0 and 1.2.0), encoded and decoded
 * by hand. A small codec of our own rather than protons: decoding keeps block data as views into the
 * received buffer (no copy of 256 KiB blocks), encoding returns the pieces of a message so a block's bytes
 * go to the stream as they are, and the decoder enforces our limits (entries, blocks) while it reads.
 *
 *   Message { Wantlist wantlist = 1; repeated bytes blocks = 2; repeated Block payload = 3;
 *             repeated BlockPresence blockPresences = 4; int32 pendingBytes = 5 }
 *   Wantlist { repeated Entry entries = 1; bool full = 2 }
 *   Entry { bytes block = 1 (a CID); int32 priority = 2; bool cancel = 3; WantType wantType = 4 (Block 0,
 *           Have 1); bool sendDontHave = 5 }
 *   Block { bytes prefix = 1 (CID version, codec, multihash code and length, as varints); bytes data = 2 }
 *   BlockPresence { bytes cid = 1; BlockPresenceType type = 2 (Have 0, DontHave 1) }
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { concat } from 'uint8arrays/concat'

export const WANT_BLOCK = 0
export const WANT_HAVE = 1
export const HAVE = 0
export const DONT_HAVE = 1

export interface Entry {
  cid: Uint8Array
  priority: number
  cancel: boolean
  wantType: number
  sendDontHave: boolean
}

export interface Payload {
  prefix: Uint8Array
  data: Uint8Array
}

export interface Presence {
  cid: Uint8Array
  type: number
}

export interface Message {
  entries: Entry[]
  full: boolean
  /** 1.0.0 blocks: data only (a sha2-256 dag-pb CIDv0 is implied) */
  blocks: Uint8Array[]
  payload: Payload[]
  presences: Presence[]
  pendingBytes: number
}

export class MessageError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'MessageError'
  }
}

// ---- reading ----

class Reader {
  pos: number
  readonly buf: Uint8Array
  readonly end: number
  constructor (buf: Uint8Array, start = 0, end = buf.byteLength) {
    this.buf = buf
    this.pos = start
    this.end = end
  }

  varint (): number {
    let value = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) throw new MessageError('truncated varint')
      const b = this.buf[this.pos++] as number
      if (shift < 49) value += (b & 0x7f) * 2 ** shift
      if (b < 0x80) return value
      shift += 7
      if (shift > 63) throw new MessageError('varint too long')
    }
  }

  bytes (): Uint8Array {
    const len = this.varint()
    if (len > this.end - this.pos) throw new MessageError('truncated field')
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  sub (): Reader {
    const len = this.varint()
    if (len > this.end - this.pos) throw new MessageError('truncated field')
    const r = new Reader(this.buf, this.pos, this.pos + len)
    this.pos += len
    return r
  }

  skip (wireType: number): void {
    if (wireType === 0) this.varint()
    else if (wireType === 1) this.pos += 8
    else if (wireType === 2) this.bytes()
    else if (wireType === 5) this.pos += 4
    else throw new MessageError(`unsupported wire type ${wireType}`)
    if (this.pos > this.end) throw new MessageError('truncated field')
  }

  get done (): boolean { return this.pos >= this.end }
}

export interface DecodeLimits {
  /** Most wantlist entries one message may carry */
  maxEntries: number
  /** Most blocks (payload and 1.0.0 blocks) one message may carry */
  maxBlocks: number
}

function decodeEntry (r: Reader): Entry {
  const e: Entry = { cid: new Uint8Array(), priority: 1, cancel: false, wantType: WANT_BLOCK, sendDontHave: false }
  while (!r.done) {
    const tag = r.varint()
    const field = Math.floor(tag / 8)
    const wt = tag & 7
    if (field === 1 && wt === 2) e.cid = r.bytes()
    else if (field === 2 && wt === 0) e.priority = r.varint() | 0
    else if (field === 3 && wt === 0) e.cancel = r.varint() !== 0
    else if (field === 4 && wt === 0) e.wantType = r.varint()
    else if (field === 5 && wt === 0) e.sendDontHave = r.varint() !== 0
    else r.skip(wt)
  }
  return e
}

/** Decode one message; throws MessageError on malformed input or when a limit is passed */
export function decodeMessage (buf: Uint8Array, limits: DecodeLimits): Message {
  const m: Message = { entries: [], full: false, blocks: [], payload: [], presences: [], pendingBytes: 0 }
  const r = new Reader(buf)
  while (!r.done) {
    const tag = r.varint()
    const field = Math.floor(tag / 8)
    const wt = tag & 7
    if (field === 1 && wt === 2) {
      const w = r.sub()
      while (!w.done) {
        const t = w.varint()
        if (Math.floor(t / 8) === 1 && (t & 7) === 2) {
          if (m.entries.length >= limits.maxEntries) throw new MessageError(`more than ${limits.maxEntries} wantlist entries in one message`)
          m.entries.push(decodeEntry(w.sub()))
        } else if (Math.floor(t / 8) === 2 && (t & 7) === 0) {
          m.full = w.varint() !== 0
        } else {
          w.skip(t & 7)
        }
      }
    } else if (field === 2 && wt === 2) {
      if (m.blocks.length + m.payload.length >= limits.maxBlocks) throw new MessageError(`more than ${limits.maxBlocks} blocks in one message`)
      m.blocks.push(r.bytes())
    } else if (field === 3 && wt === 2) {
      if (m.blocks.length + m.payload.length >= limits.maxBlocks) throw new MessageError(`more than ${limits.maxBlocks} blocks in one message`)
      const b = r.sub()
      const p: Payload = { prefix: new Uint8Array(), data: new Uint8Array() }
      while (!b.done) {
        const t = b.varint()
        if (t === 0x0a) p.prefix = b.bytes()
        else if (t === 0x12) p.data = b.bytes()
        else b.skip(t & 7)
      }
      m.payload.push(p)
    } else if (field === 4 && wt === 2) {
      if (m.presences.length >= limits.maxEntries) throw new MessageError(`more than ${limits.maxEntries} block presences in one message`)
      const b = r.sub()
      const p: Presence = { cid: new Uint8Array(), type: HAVE }
      while (!b.done) {
        const t = b.varint()
        if (t === 0x0a) p.cid = b.bytes()
        else if (t === 0x10) p.type = b.varint()
        else b.skip(t & 7)
      }
      m.presences.push(p)
    } else if (field === 5 && wt === 0) {
      m.pendingBytes = r.varint() | 0
    } else {
      r.skip(wt)
    }
  }
  return m
}

/**
 * Length-prefixed messages out of a stream's chunks. Not @libp2p/utils' LengthPrefixedDecoder: it learns
 * that a length prefix is incomplete by throwing and catching a RangeError, which it did at the end of
 * every chunk that ended a message (219 times in a 128 MiB fetch), and reads the prefix a byte at a time
 * through Uint8ArrayList.get(): together 1.6% of the fetcher's main thread in a CPU profile.
 */
export class MessageFrames {
  readonly #buffer = new Uint8ArrayList()
  readonly #maxLength: number
  readonly #maxBuffer: number

  constructor (maxLength: number, maxBuffer: number) {
    this.#maxLength = maxLength
    this.#maxBuffer = maxBuffer
  }

  /** The messages `chunk` completes (empty ones are skipped); throws MessageError past the limits */
  * decode (chunk: Uint8Array | Uint8ArrayList): Generator<Uint8ArrayList> {
    this.#buffer.append(chunk)
    if (this.#buffer.byteLength > this.#maxBuffer) throw new MessageError(`more than ${this.#maxBuffer} bytes buffered`)
    for (;;) {
      const prefix = this.#prefix()
      if (prefix === undefined) return
      const { length, size } = prefix
      if (length > this.#maxLength) throw new MessageError(`message of ${length} bytes, more than ${this.#maxLength}`)
      if (this.#buffer.byteLength < size + length) return
      const message = this.#buffer.sublist(size, size + length)
      this.#buffer.consume(size + length)
      if (length > 0) yield message
    }
  }

  /** The length prefix at the start of the buffer, or undefined while it is incomplete */
  #prefix (): { length: number, size: number } | undefined {
    let length = 0
    let size = 0
    for (const buf of this.#buffer) {
      for (let i = 0; i < buf.byteLength; i++) {
        const b = buf[i] as number
        length += (b & 0x7f) * 2 ** (7 * size)
        size++
        if (b < 0x80) return { length, size }
        if (size >= 8) throw new MessageError('length prefix too long')
      }
    }
    return undefined
  }
}

// ---- writing ----

export function varintLength (n: number): number {
  let len = 1
  while (n >= 0x80) {
    n = Math.floor(n / 128)
    len++
  }
  return len
}

function putVarint (out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  out[pos++] = n
  return pos
}

/** Tag + length + bytes of a length-delimited field */
function lenField (field: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + varintLength(body.byteLength) + body.byteLength)
  let pos = putVarint(out, 0, field * 8 + 2)
  pos = putVarint(out, pos, body.byteLength)
  out.set(body, pos)
  return out
}

function header (field: number, length: number): Uint8Array {
  const out = new Uint8Array(1 + varintLength(length))
  putVarint(out, putVarint(out, 0, field * 8 + 2), length)
  return out
}

export function encodeEntry (e: Entry, v120: boolean): Uint8Array {
  const parts: number[] = []
  const push = (field: number, value: number): void => {
    parts.push(field * 8)
    let n = value
    while (n >= 0x80) {
      parts.push((n & 0x7f) | 0x80)
      n = Math.floor(n / 128)
    }
    parts.push(n)
  }
  push(2, Math.max(0, e.priority | 0))
  if (e.cancel) push(3, 1)
  if (v120 && e.wantType !== WANT_BLOCK) push(4, e.wantType)
  if (v120 && e.sendDontHave) push(5, 1)
  const cid = lenField(1, e.cid)
  const out = new Uint8Array(cid.byteLength + parts.length)
  out.set(cid)
  out.set(parts, cid.byteLength)
  return lenField(1, out)
}

/** What one outgoing message carries; blocks are [prefix, data] (the prefix is unused for 1.0.0 peers) */
export interface Outgoing {
  /** entries already encoded with encodeEntry */
  entries: Uint8Array[]
  full?: boolean
  blocks: Payload[]
  presences: Presence[]
}

/**
 * The message, length-prefixed, as a list of pieces: block data as it is (not copied), and the small fields
 * between two blocks' data (tags, lengths, prefixes, wants, presences) gathered into one piece. Each piece
 * becomes a write of its own to the connection (@libp2p/tls writes every piece of a list to its TLSSocket
 * apart), and a write made while none waits is a TLS record of its own, which the receiver passes up
 * through TLS, yamux and the stream on its own: with the 3 small pieces that went before each block, a
 * 128 MiB fetch arrived as 8970 records where 8194 full ones would do.
 */
export function encodeMessage (msg: Outgoing, version: '1.0.0' | '1.1.0' | '1.2.0'): Uint8ArrayList {
  // pieces in order; `data` marks the ones that are block data
  const pieces: Uint8Array[] = []
  const data = new Set<number>()
  let length = 0
  const add = (bytes: Uint8Array, isData = false): void => {
    if (isData) data.add(pieces.length)
    pieces.push(bytes)
    length += bytes.byteLength
  }
  if (msg.entries.length > 0 || msg.full === true) {
    let len = 0
    for (const e of msg.entries) len += e.byteLength
    const full = msg.full === true ? 2 : 0
    add(header(1, len + full))
    for (const e of msg.entries) add(e)
    if (full > 0) add(Uint8Array.of(0x10, 1))
  }
  for (const b of msg.blocks) {
    if (version === '1.0.0') {
      add(header(2, b.data.byteLength))
      add(b.data, true)
    } else {
      const prefix = lenField(1, b.prefix)
      const dataHeader = header(2, b.data.byteLength)
      add(header(3, prefix.byteLength + dataHeader.byteLength + b.data.byteLength))
      add(prefix)
      add(dataHeader)
      add(b.data, true)
    }
  }
  if (version === '1.2.0') {
    for (const p of msg.presences) {
      const cid = lenField(1, p.cid)
      const body = new Uint8Array(cid.byteLength + 2)
      body.set(cid)
      body[cid.byteLength] = 0x10
      body[cid.byteLength + 1] = p.type
      add(lenField(4, body))
    }
  }
  const prefix = new Uint8Array(varintLength(length))
  putVarint(prefix, 0, length)
  const out = new Uint8ArrayList()
  let small: Uint8Array[] = [prefix]
  for (const [i, p] of pieces.entries()) {
    if (!data.has(i)) {
      small.push(p)
      continue
    }
    if (small.length > 0) out.append(concat(small))
    small = []
    out.append(p)
  }
  if (small.length > 0) out.append(concat(small))
  return out
}

/** A CID's prefix as Bitswap 1.1.0 sends it: version, codec, multihash code, digest length */
export function cidPrefix (version: number, codec: number, mhCode: number, digestLength: number): Uint8Array {
  const out = new Uint8Array(varintLength(version) + varintLength(codec) + varintLength(mhCode) + varintLength(digestLength))
  let pos = putVarint(out, 0, version)
  pos = putVarint(out, pos, codec)
  pos = putVarint(out, pos, mhCode)
  putVarint(out, pos, digestLength)
  return out
}

export function readPrefix (prefix: Uint8Array): { version: number, codec: number, mhCode: number, digestLength: number } {
  const r = new Reader(prefix)
  const version = r.varint()
  const codec = r.varint()
  const mhCode = r.varint()
  const digestLength = r.varint()
  return { version, codec, mhCode, digestLength }
}
