/**
 * A layer between ipfs-unixfs-importer and the store that makes the importer's DAG the one Kubo makes:
 * - `--hash` and `--inline`: the importer always hashes with sha2-256 and never inlines, so every block is
 *   re-hashed with the chosen function, or given an identity CID when small enough to inline;
 * - explicit default modes: ipfs-unixfs leaves out a mode equal to the default (0644 files, 0755 dirs),
 *   while Kubo writes any mode it is given, so such nodes are patched (`setMode`).
 * Blocks arrive children first; a dag-pb parent whose children got new CIDs has its links (and Tsize)
 * rewritten. Only CIDs and sizes are remembered, plus a few recent small nodes for `setMode`, so memory
 * stays flat in file size. With nothing to change, blocks pass straight through.
 */
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import type { MultihashHasher } from 'multiformats/hashes/interface'
import type { AbortOptions } from '@libp2p/interface'

export interface RehashOptions {
  hasher: MultihashHasher<number>
  cidVersion: 0 | 1
  /** Blocks of at most this many bytes get identity CIDs; undefined = no inlining */
  inlineLimit?: number
  /** Keep recent nodes so that setMode can patch them */
  patchModes?: boolean
}

export interface BlockSink {
  put(cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<unknown>
}

/** Recent dag-pb nodes kept for setMode: file roots and directories are patched right after they are written */
const RECENT = 64
const RECENT_MAX_BYTES = 1024 * 1024

/** Insert protobuf field 7 (mode, varint) into UnixFS Data bytes, keeping fields in number order */
export function withModeField (data: Uint8Array, mode: number): Uint8Array {
  const varint = (n: number): number[] => {
    const out: number[] = []
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80)
      n >>>= 7
    }
    out.push(n)
    return out
  }
  const readVarint = (pos: number): [number, number] => {
    let value = 0
    let shift = 0
    while (true) {
      const b = data[pos++] as number
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return [value, pos]
      shift += 7
    }
  }
  let pos = 0
  while (pos < data.length) {
    const [key, afterKey] = readVarint(pos)
    const field = Math.floor(key / 8)
    if (field === 7) return data
    if (field > 7) break
    const wire = key & 7
    let end = afterKey
    if (wire === 0) end = readVarint(afterKey)[1]
    else if (wire === 2) {
      const [len, after] = readVarint(afterKey)
      end = after + len
    } else if (wire === 1) end = afterKey + 8
    else if (wire === 5) end = afterKey + 4
    pos = end
  }
  const insert = [0x38, ...varint(mode)]
  const out = new Uint8Array(data.length + insert.length)
  out.set(data.subarray(0, pos))
  out.set(insert, pos)
  out.set(data.subarray(pos), pos + insert.length)
  return out
}

export class Rehasher {
  private readonly mapped = new Map<string, { cid: CID, cumulative: number }>()
  private readonly recent = new Map<string, Uint8Array>()
  private readonly sink: BlockSink
  private readonly options: RehashOptions
  private readonly passthrough: boolean

  constructor (sink: BlockSink, options: RehashOptions) {
    this.sink = sink
    this.options = options
    this.passthrough = options.hasher.code === sha256.code && options.inlineLimit === undefined
  }

  /** The CID the final DAG uses for a block the importer named `cid` */
  translate (cid: CID): CID {
    return this.mapped.get(cid.toString())?.cid ?? cid
  }

  /** The cumulative size (Tsize) of the DAG under the block the importer named `cid`, once re-hashed */
  cumulativeSize (cid: CID): number | undefined {
    return this.mapped.get(cid.toString())?.cumulative
  }

  /** interface-blockstore `put`, as the importer calls it */
  async put (cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<CID> {
    if (cid.code !== dagPb.code) {
      if (this.passthrough) {
        await this.sink.put(cid, bytes, options)
        return cid
      }
      return await this.rehash(cid, bytes, bytes.byteLength, options)
    }
    let block = bytes
    let changed = false
    let cumulative = 0
    if (this.mapped.size > 0 || !this.passthrough) {
      const node = dagPb.decode(bytes)
      const links = node.Links.map(l => {
        const m = this.mapped.get(l.Hash.toString())
        if (m === undefined) {
          cumulative += l.Tsize ?? 0
          return l
        }
        changed = true
        cumulative += m.cumulative
        return { Hash: m.cid, Name: l.Name, Tsize: m.cumulative }
      })
      if (changed) block = dagPb.encode({ Data: node.Data, Links: links })
    }
    cumulative += block.byteLength
    if (this.options.patchModes === true && block.byteLength <= RECENT_MAX_BYTES) this.remember(cid, block)
    if (this.passthrough && !changed) {
      await this.sink.put(cid, block, options)
      return cid
    }
    return await this.rehash(cid, block, cumulative, options)
  }

  /** Give the node the importer wrote as `cid` an explicit mode (Kubo stores even default modes) */
  async setMode (cid: CID, mode: number, options?: AbortOptions): Promise<CID> {
    const current = this.translate(cid)
    const block = this.recent.get(cid.toString())
    if (block === undefined || current.code !== dagPb.code) return current
    const node = dagPb.decode(block)
    if (node.Data === undefined) return current
    const data = withModeField(node.Data, mode)
    if (data === node.Data) return current
    const next = dagPb.encode({ Data: data, Links: node.Links })
    const cumulative = next.byteLength + node.Links.reduce((a, l) => a + (l.Tsize ?? 0), 0)
    return await this.rehash(cid, next, cumulative, options)
  }

  private remember (cid: CID, block: Uint8Array): void {
    this.recent.set(cid.toString(), block)
    if (this.recent.size > RECENT) this.recent.delete(this.recent.keys().next().value as string)
  }

  private async rehash (original: CID, block: Uint8Array, cumulative: number, options?: AbortOptions): Promise<CID> {
    const { inlineLimit, hasher, cidVersion } = this.options
    const inline = inlineLimit !== undefined && block.byteLength <= inlineLimit
    const digest = inline ? identity.digest(block) : await hasher.digest(block)
    const next = original.version === 0 && cidVersion === 0 && !inline && hasher.code === sha256.code
      ? CID.createV0(digest as never)
      : CID.createV1(original.code, digest)
    if (!inline) await this.sink.put(next, block, options)
    this.mapped.set(original.toString(), { cid: next, cumulative })
    return next
  }

}
