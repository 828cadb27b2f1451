/**
 * Writing into an existing UnixFS file the way Kubo's MFS does (boxo DagModifier), so that the same writes
 * give the same CIDs:
 * - data is buffered and applied in segments of 2 MiB + 32 KiB (Kubo flushes its write buffer once it
 *   passes 2 MiB, fed by 32 KiB reads); each segment is chunked afresh with the repo's chunker;
 * - bytes that land on existing data rewrite only the leaves they touch and the nodes above them;
 * - bytes past the end are appended as a trickle DAG (trickle.ts);
 * - a gap before the write offset is filled with zeros in 4 KiB leaves;
 * - with raw leaves, a root left with a single raw child collapses to that child.
 * Memory stays at about two segments whatever the file size.
 */
import type * as dagPb from '@ipld/dag-pb'
import type { AbortOptions } from '@libp2p/interface'
import type { Chunker } from 'ipfs-unixfs-importer/chunker'
import { TYPE, encodeData, fileSizeOf, growFilesize, type PbData } from './pb-data.ts'
import { DEFAULT_PREFIX, linkTo, prefixOf, type FsNode, type NodeStore, type Prefix } from './nodes.ts'
import { FileNodeDraft, LeafSource, trickleAppend, nowMtime, DEFAULT_MAX_LINKS } from './trickle.ts'
import { InvalidArgumentError, WrongNodeTypeError } from '../errors.ts'
import { fileSize } from './inspect.ts'

/** Kubo's write buffer (2 MiB) plus the 32 KiB read that takes it over the limit */
export const SEGMENT = 2 * 1024 * 1024 + 32 * 1024
const SPARSE_CHUNK = 4096
/** Zero-filling a gap is bounded: a write far past the end of a file is refused, not ground through */
export const MAX_SPARSE = 1024 * 1024 * 1024

export interface ModifierOptions extends AbortOptions {
  rawLeaves?: boolean
  chunker: Chunker
  maxLinks?: number
}

export { fileSize }

export class FileModifier {
  private cur: FsNode
  private readonly prefix: Prefix
  private readonly rawLeaves: boolean
  private readonly maxLinks: number
  private writeStart = 0
  private readonly store: NodeStore
  private readonly opts: ModifierOptions

  constructor (store: NodeStore, root: FsNode, opts: ModifierOptions) {
    this.store = store
    this.opts = opts
    if (root.kind === 'pb' && root.data.type !== TYPE.file && root.data.type !== TYPE.raw) {
      throw new WrongNodeTypeError(root.data.type === TYPE.symlink ? 'symlinks not yet supported' : 'unsupported fsnode type for \'file\'')
    }
    this.cur = root
    this.prefix = prefixOf(root.cid)
    this.rawLeaves = opts.rawLeaves ?? this.prefix.version > 0
    this.maxLinks = opts.maxLinks ?? DEFAULT_MAX_LINKS
  }

  size (): number {
    return fileSize(this.cur)
  }

  /** Cut (or extend with zeros) the file to `size` bytes */
  async truncate (size: number): Promise<void> {
    const real = this.size()
    if (size === real) return
    if (size > real) {
      await this.expandSparse(size - real)
      return
    }
    this.cur = await this.dagTruncate(this.cur, size)
  }

  /** Move the write position; past the end, the gap is filled with zeros */
  async seek (offset: number): Promise<void> {
    const size = this.size()
    if (offset > size) await this.expandSparse(offset - size)
    this.writeStart = offset
  }

  /** Write a stream at the current position, segment by segment */
  async write (source: AsyncIterable<Uint8Array>, count?: number): Promise<number> {
    let left = count ?? Number.POSITIVE_INFINITY
    let seg = new Uint8Array(SEGMENT)
    let fill = 0
    let written = 0
    for await (const piece of source) {
      let chunk = piece
      this.opts.signal?.throwIfAborted()
      while (chunk.byteLength > 0 && left > 0) {
        const n = Math.min(chunk.byteLength, SEGMENT - fill, left)
        seg.set(chunk.subarray(0, n), fill)
        fill += n
        left -= n
        written += n
        chunk = chunk.subarray(n)
        if (fill === SEGMENT) {
          await this.apply(seg)
          seg = new Uint8Array(SEGMENT)
          fill = 0
        }
      }
      if (left <= 0) break
    }
    if (fill > 0) await this.apply(seg.subarray(0, fill))
    return written
  }

  /** The file's new root, stored */
  async finish (): Promise<FsNode> {
    if (this.rawLeaves && this.cur.kind === 'pb' && this.cur.pb.Links.length === 1 &&
        this.cur.data.mode === undefined && this.cur.data.mtime === undefined) {
      const only = (this.cur.pb.Links[0] as dagPb.PBLink).Hash
      if (only.code === 0x55) return await this.store.load(only, this.opts)
    }
    return this.cur
  }

  /** Apply one buffered segment at writeStart (Kubo's Sync) */
  private async apply (segment: Uint8Array): Promise<void> {
    const reader = { buf: segment, pos: 0 }
    if (this.size() < this.writeStart) await this.expandSparse(this.writeStart - this.size())
    this.cur = await this.modifyDag(this.cur, this.writeStart, reader)
    if (reader.pos < segment.byteLength) {
      const rest = segment.subarray(reader.pos)
      const chunks: Uint8Array[] = []
      for await (const c of this.opts.chunker((async function * () { yield rest })())) chunks.push(c)
      this.cur = await this.appendChunks(this.cur, chunks, this.rawLeaves)
    }
    this.writeStart += segment.byteLength
  }

  private async expandSparse (bytes: number): Promise<void> {
    if (bytes > MAX_SPARSE) throw new InvalidArgumentError(`write offset is ${bytes} bytes past the end of the file; at most ${MAX_SPARSE} may be filled with zeros`)
    const zeros = new Uint8Array(SPARSE_CHUNK)
    const chunks: Uint8Array[] = []
    for (let left = bytes; left > 0; left -= SPARSE_CHUNK) chunks.push(left >= SPARSE_CHUNK ? zeros : zeros.subarray(0, left))
    this.cur = await this.appendChunks(this.cur, chunks, this.rawLeaves)
  }

  private async appendChunks (node: FsNode, chunks: Uint8Array[], rawLeaves: boolean): Promise<FsNode> {
    let draft: FileNodeDraft
    if (node.kind === 'raw') {
      // a raw leaf becomes the first child of a new file node; later leaves are raw too
      draft = new FileNodeDraft([], { type: TYPE.file, blocksizes: [], filesize: 0 })
      draft.addChild(node, node.bytes.byteLength)
      rawLeaves = true
    } else {
      draft = FileNodeDraft.from(node)
    }
    const src = new LeafSource(chunks, this.store, this.prefix, rawLeaves, this.maxLinks, this.opts)
    await trickleAppend(src, draft)
    return await draft.commit(this.store, node.kind === 'raw' ? this.prefix : prefixOf(node.cid), this.opts)
  }

  /** Overwrite existing bytes from `offset` with what the reader holds, rewriting only touched nodes */
  private async modifyDag (node: FsNode, offset: number, reader: { buf: Uint8Array, pos: number }): Promise<FsNode> {
    const take = (room: number): Uint8Array => {
      const n = Math.max(0, Math.min(room, reader.buf.byteLength - reader.pos))
      const out = reader.buf.subarray(reader.pos, reader.pos + n)
      reader.pos += n
      return out
    }
    if (node.kind === 'raw') {
      const bytes = node.bytes.slice()
      const part = take(bytes.byteLength - offset)
      if (part.byteLength === 0) return node
      bytes.set(part, offset)
      return await this.store.putRaw(bytes, prefixOf(node.cid), this.opts)
    }
    if (node.pb.Links.length === 0) {
      const data: PbData = { ...node.data, blocksizes: [...node.data.blocksizes] }
      const inline = data.data ?? new Uint8Array(0)
      const part = take(inline.byteLength - offset)
      if (part.byteLength === 0 && data.mtime === undefined) return node
      const copy = inline.slice()
      copy.set(part, offset)
      if (data.data !== undefined) data.data = copy
      if (data.mtime !== undefined) data.mtime = nowMtime()
      return await this.store.putPb({ Data: encodeData(data), Links: [] }, prefixOf(node.cid), this.opts)
    }
    const links = [...node.pb.Links]
    let cur = 0
    let touched = false
    const sizes = node.data.blocksizes
    for (let i = 0; i < sizes.length; i++) {
      const bs = sizes[i] as number
      if (cur + bs > offset) {
        const child = await this.store.load((links[i] as dagPb.PBLink).Hash, this.opts)
        const next = await this.modifyDag(child, offset - cur, reader)
        // the link keeps its recorded size, as Kubo's does (an overwrite does not change sizes)
        links[i] = { ...(links[i] as dagPb.PBLink), Hash: next.cid }
        touched = true
        if (reader.pos >= reader.buf.byteLength) break
        offset = cur + bs
      }
      cur += bs
    }
    if (!touched) return node
    return await this.store.putPb({ Data: node.pb.Data, Links: links }, prefixOf(node.cid), this.opts)
  }

  private async dagTruncate (node: FsNode, size: number): Promise<FsNode> {
    if (node.kind === 'raw') return await this.store.putRaw(node.bytes.subarray(0, size), prefixOf(node.cid), this.opts)
    if (node.pb.Links.length === 0) {
      const data: PbData = { ...node.data, blocksizes: [...node.data.blocksizes] }
      const inline = data.data ?? new Uint8Array(0)
      growFilesize(data, size - inline.byteLength)
      data.data = inline.subarray(0, size)
      if (data.mtime !== undefined) data.mtime = nowMtime()
      // Kubo builds this node afresh, with the default (CIDv0) prefix
      return await this.store.putPb({ Data: encodeData(data), Links: [] }, DEFAULT_PREFIX, this.opts)
    }
    const data: PbData = { ...node.data, blocksizes: [] }
    data.filesize = data.data?.byteLength ?? 0
    let cur = 0
    for (let i = 0; i < node.pb.Links.length; i++) {
      const link = node.pb.Links[i] as dagPb.PBLink
      const child = await this.store.load(link.Hash, this.opts)
      const childSize = fileSize(child)
      if (size < cur + childSize) {
        const cut = await this.dagTruncate(child, size - cur)
        data.blocksizes.push(size - cur)
        growFilesize(data, size - cur)
        const links = [...node.pb.Links.slice(0, i), linkTo(cut, '')]
        return await this.store.putPb({ Data: encodeData(data), Links: links }, prefixOf(node.cid), this.opts)
      }
      cur += childSize
      data.blocksizes.push(childSize)
      growFilesize(data, childSize)
    }
    return node
  }
}
