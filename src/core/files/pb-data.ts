/**
 * The UnixFS `Data` message, decoded and encoded field by field so that a node MFS rewrites keeps exactly
 * the fields it had (ipfs-unixfs normalises: it drops a mode equal to the default and always writes
 * filesize), and so that the bytes equal what Kubo's protobuf encoder writes: fields in number order,
 * `blocksizes` unpacked, absent fields left out.
 */
import { InvalidArgumentError } from '../errors.ts'

export const TYPE = { raw: 0, directory: 1, file: 2, metadata: 3, symlink: 4, hamt: 5 } as const

export interface PbData {
  type: number
  data?: Uint8Array
  filesize?: number
  blocksizes: number[]
  hashType?: number
  fanout?: number
  mode?: number
  mtime?: { secs: number, nsecs?: number }
}

class Reader {
  pos = 0
  readonly buf: Uint8Array
  constructor (buf: Uint8Array) {
    this.buf = buf
  }
  varint (): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new InvalidArgumentError('truncated UnixFS data')
      const b = this.buf[this.pos++] as number
      result += (b & 0x7f) * mul
      if (b < 0x80) return result
      mul *= 128
    }
    throw new InvalidArgumentError('bad varint in UnixFS data')
  }

  bytes (): Uint8Array {
    const len = this.varint()
    if (this.pos + len > this.buf.length) throw new InvalidArgumentError('truncated UnixFS data')
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  skip (wire: number): void {
    if (wire === 0) this.varint()
    else if (wire === 2) this.bytes()
    else if (wire === 5) this.pos += 4
    else if (wire === 1) this.pos += 8
    else throw new InvalidArgumentError(`bad wire type ${wire} in UnixFS data`)
  }
}

/** Signed int64 from a varint read as an unsigned number (two's complement above 2^63) */
function toInt64 (n: number): number {
  return n >= 2 ** 63 ? n - 2 ** 64 : n
}

export function decodeData (buf: Uint8Array): PbData {
  const r = new Reader(buf)
  const out: PbData = { type: -1, blocksizes: [] }
  while (r.pos < buf.length) {
    const tag = r.varint()
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    if (field === 1 && wire === 0) out.type = r.varint()
    else if (field === 2 && wire === 2) out.data = r.bytes()
    else if (field === 3 && wire === 0) out.filesize = r.varint()
    else if (field === 4 && wire === 0) out.blocksizes.push(r.varint())
    else if (field === 4 && wire === 2) {
      const packed = new Reader(r.bytes())
      while (packed.pos < packed.buf.length) out.blocksizes.push(packed.varint())
    } else if (field === 5 && wire === 0) out.hashType = r.varint()
    else if (field === 6 && wire === 0) out.fanout = r.varint()
    else if (field === 7 && wire === 0) out.mode = r.varint()
    else if (field === 8 && wire === 2) {
      const m = new Reader(r.bytes())
      const mtime: { secs: number, nsecs?: number } = { secs: 0 }
      while (m.pos < m.buf.length) {
        const t = m.varint()
        if (t === 0x08) mtime.secs = toInt64(m.varint())
        else if (t === 0x15) {
          const b = m.buf
          mtime.nsecs = ((b[m.pos] as number) | ((b[m.pos + 1] as number) << 8) | ((b[m.pos + 2] as number) << 16) | ((b[m.pos + 3] as number) << 24)) >>> 0
          m.pos += 4
        } else m.skip(t & 7)
      }
      out.mtime = mtime
    } else r.skip(wire)
  }
  if (out.type < 0 || out.type > 5) throw new InvalidArgumentError('not a UnixFS node: missing or unknown Type')
  return out
}

class Writer {
  parts: number[] = []
  varint (n: number): void {
    if (n < 0) n += 2 ** 64
    while (n >= 0x80) {
      this.parts.push((n % 128) | 0x80)
      n = Math.floor(n / 128)
    }
    this.parts.push(n)
  }
}

export function encodeData (d: PbData): Uint8Array {
  const head = new Writer()
  head.varint(0x08)
  head.varint(d.type)
  const chunks: Uint8Array[] = [Uint8Array.from(head.parts)]
  if (d.data !== undefined) {
    const w = new Writer()
    w.varint(0x12)
    w.varint(d.data.byteLength)
    chunks.push(Uint8Array.from(w.parts), d.data)
  }
  const tail = new Writer()
  if (d.filesize !== undefined) { tail.varint(0x18); tail.varint(d.filesize) }
  for (const b of d.blocksizes) { tail.varint(0x20); tail.varint(b) }
  if (d.hashType !== undefined) { tail.varint(0x28); tail.varint(d.hashType) }
  if (d.fanout !== undefined) { tail.varint(0x30); tail.varint(d.fanout) }
  if (d.mode !== undefined) { tail.varint(0x38); tail.varint(d.mode) }
  if (d.mtime !== undefined) {
    const m = new Writer()
    m.varint(0x08)
    m.varint(d.mtime.secs)
    if (d.mtime.nsecs !== undefined && d.mtime.nsecs > 0) {
      m.varint(0x15)
      const n = d.mtime.nsecs
      m.parts.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff)
    }
    tail.varint(0x42)
    tail.varint(m.parts.length)
    tail.parts.push(...m.parts)
  }
  chunks.push(Uint8Array.from(tail.parts))
  return Buffer.concat(chunks)
}

/** File size as Kubo reads it: the filesize field (symlinks: their target's length) */
export function fileSizeOf (d: PbData): number {
  if (d.type === TYPE.symlink) return d.data?.byteLength ?? 0
  return d.filesize ?? 0
}

/** Change the filesize field by `diff`, setting it if absent (as Kubo's UpdateFilesize does) */
export function growFilesize (d: PbData, diff: number): void {
  d.filesize = (d.filesize ?? 0) + diff
}
