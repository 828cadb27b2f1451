/**
 * The file builder for add's default layout (balanced DAG, fixed-size chunks, sha2-256, dag-pb or raw
 * leaves, no re-hashing), handed to ipfs-unixfs-importer as its `fileBuilder`. It makes the same blocks
 * and CIDs as the importer's own chunker + buffer importer + reducer (test/e2e/add-vectors.test.ts and
 * test/e2e/kubo-cid-oracle.test.ts check them), but moves the bytes less:
 *
 * - chunks are read (a local file: straight from the file, see DirectContent) or copied into a small pool
 *   of reused buffers with room before and after the data, and the leaf's dag-pb framing is written
 *   around the data in place: no buffer is allocated per chunk and the data is not copied again;
 * - a buffer goes back to the pool once the store has committed the block (the store copies it then).
 *
 * Why: with the importer's path every 256 KiB chunk cost two or three fresh 256 KiB buffers (the read,
 * the chunker's, the encoded leaf), and V8 ran a full GC every few MB of them: a CPU profile of
 * `tsipfs add` of a 256 MiB file spent 27% of its time in the garbage collector (1.2 of 4.5 s).
 */
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { UnixFS } from 'ipfs-unixfs'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

type FileBuilder = NonNullable<ImporterOptions['fileBuilder']>
import { InvalidArgumentError } from '../errors.ts'
import { encodeLeafAround, LEAF_HEAD_ROOM, LEAF_TAIL_ROOM } from './leaves.ts'

/** An open file read front to back: `read` fills `into` as far as it can and returns the bytes read (0 at the end) */
export interface DirectReader {
  read: (into: Uint8Array) => Promise<number>
  /** the file's size when known: reading stops there without asking for more */
  size?: number
  close: () => Promise<void>
}

/**
 * Content that add may read straight into its own buffers (a local file), besides being an ordinary
 * async iterable for every other reader.
 */
export interface DirectContent extends AsyncIterable<Uint8Array> {
  openDirect: () => Promise<DirectReader>
}

function isDirect (content: unknown): content is DirectContent {
  return typeof (content as Partial<DirectContent>).openDirect === 'function'
}

/** Reused chunk buffers, at most `max` of them; `acquire` waits while all are out */
class BufferPool {
  private readonly size: number
  private readonly max: number
  private readonly free: Uint8Array[] = []
  private readonly waiting: Array<(buf: Uint8Array) => void> = []
  private made = 0

  constructor (size: number, max: number) {
    this.size = size
    this.max = max
  }

  async acquire (): Promise<Uint8Array> {
    const buf = this.free.pop()
    if (buf !== undefined) return buf
    if (this.made < this.max) {
      this.made++
      return new Uint8Array(this.size)
    }
    return await new Promise(resolve => { this.waiting.push(resolve) })
  }

  release (buf: Uint8Array): void {
    // not one of ours (a small file's own buffer)
    if (buf.byteLength !== this.size) return
    const next = this.waiting.shift()
    if (next !== undefined) next(buf)
    else this.free.push(buf)
  }
}

/** A chunk in a pool buffer: `n` bytes of data at LEAF_HEAD_ROOM */
interface Slot { buf: Uint8Array, n: number }

/** A node of the file's DAG as the balanced layout passes it around (the importer's InProgressImportResult) */
interface Node {
  cid: CID
  /** the block's size for a leaf, the DAG's for a parent (a link's Tsize) */
  size: bigint
  /** bytes of file data under it */
  fileSize: bigint
  path?: string
  originalPath?: string
  unixfs?: UnixFS
  block?: Uint8Array
  /** the only leaf of its file */
  single?: boolean
}

export interface FastFileOptions {
  chunkSize: number
  rawLeaves: boolean
  cidVersion: 0 | 1
  /** Store a block; call `release` once the store is done with the bytes (committed, or failed) */
  write: (cid: CID, block: Uint8Array, release: () => void) => Promise<void>
  /** Whether the file at this path gets mode/mtime on its root (then a single leaf keeps its data for it) */
  hasMetadata: (path: string) => boolean
  /** The content of each file given to the importer, by its path, in the order given */
  sources: Map<string, Array<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>>
  onProgress?: (event: { name: string, bytes: number }) => void
  /** checked before each chunk, so a large file stops when the add is aborted */
  signal?: AbortSignal
}

/** Pool buffers per add: 48 × 256 KiB = 12 MiB at most, above WriteBehind's 8 MiB in flight */
const POOL_BUFFERS = 48

/** The chunk size of a fixed-size chunker spec (`size-N`, default), or undefined for the others */
export function fixedChunkSize (spec: string): number | undefined {
  if (spec === '' || spec === 'default') return 262144
  const m = /^size-(\d+)$/.exec(spec)
  return m === null ? undefined : Number(m[1])
}

export function fastFileBuilder (o: FastFileOptions): FileBuilder {
  const { chunkSize } = o
  const pool = new BufferPool(LEAF_HEAD_ROOM + chunkSize + LEAF_TAIL_ROOM, POOL_BUFFERS)

  /** The content cut into chunkSize slots; an empty file is one empty slot, as the importer's chunker */
  async function * chunks (content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Slot> {
    let buf: Uint8Array | undefined
    let n = 0
    let emitted = false
    try {
      if (isDirect(content)) {
        const reader = await content.openDirect()
        try {
          let total = 0
          while (true) {
            // a file smaller than a chunk gets a buffer of its size: the pool's few large buffers would let
            // only a few small files be in flight at once (10,000 small files: 23 blocks a commit)
            buf ??= reader.size !== undefined && reader.size < chunkSize ? new Uint8Array(LEAF_HEAD_ROOM + reader.size + LEAF_TAIL_ROOM) : await pool.acquire()
            // a file of known size needs no last read to find its end
            const got = reader.size !== undefined && total === reader.size ? 0 : await reader.read(buf.subarray(LEAF_HEAD_ROOM + n, Math.min(LEAF_HEAD_ROOM + chunkSize, buf.byteLength - LEAF_TAIL_ROOM)))
            n += got
            total += got
            if (got > 0 && n < chunkSize) continue
            if (n === 0 && emitted) return
            emitted = true
            const slot = { buf, n }
            buf = undefined
            n = 0
            yield slot
            if (slot.n < chunkSize) return
          }
        } finally {
          await reader.close()
        }
      }
      for await (const piece of content) {
        if (!(piece instanceof Uint8Array)) throw new InvalidArgumentError('Content was invalid')
        let off = 0
        while (off < piece.byteLength) {
          buf ??= await pool.acquire()
          const take = Math.min(chunkSize - n, piece.byteLength - off)
          buf.set(piece.subarray(off, off + take), LEAF_HEAD_ROOM + n)
          n += take
          off += take
          if (n === chunkSize) {
            emitted = true
            const slot = { buf, n }
            buf = undefined
            n = 0
            yield slot
          }
        }
      }
      if (!emitted || n > 0) {
        const slot = { buf: buf ?? await pool.acquire(), n }
        buf = undefined
        yield slot
      }
    } finally {
      // a buffer taken for a chunk that was never handed on
      if (buf !== undefined) pool.release(buf)
    }
  }

  return async (file, _blockstore, options) => {
    const queue = o.sources.get(file.originalPath ?? '')
    const content = queue?.shift()
    if (queue?.length === 0) o.sources.delete(file.originalPath ?? '')
    if (content === undefined) throw new Error(`add: no content for ${file.originalPath ?? ''}`)
    const keepData = file.path !== undefined && o.hasMetadata(file.path)

    async function * leaves (): AsyncGenerator<Node> {
      let previous: Node | undefined
      let bytes = 0
      let count = 0
      for await (const { buf, n } of chunks(content as AsyncIterable<Uint8Array>)) {
        if (o.signal?.aborted === true) {
          pool.release(buf)
          o.signal.throwIfAborted()
        }
        const block = o.rawLeaves ? buf.subarray(LEAF_HEAD_ROOM, LEAF_HEAD_ROOM + n) : encodeLeafAround(buf, LEAF_HEAD_ROOM, n, 2)
        const digest = await sha256.digest(block)
        // raw leaves are CIDv1 even in a CIDv0 DAG, as the importer makes them
        const cid = o.rawLeaves ? CID.createV1(raw.code, digest) : CID.create(o.cidVersion, dagPb.code, digest)
        const leaf: Node = { cid, size: BigInt(block.byteLength), fileSize: BigInt(n) }
        if (!o.rawLeaves) {
          // a single leaf with metadata is rewritten with its data (metadata.ts): keep a copy of it
          leaf.unixfs = new UnixFS({ type: 'file', data: keepData ? buf.slice(LEAF_HEAD_ROOM, LEAF_HEAD_ROOM + n) : undefined })
        }
        await o.write(cid, block, () => { pool.release(buf) })
        bytes += n
        o.onProgress?.({ name: file.path ?? '', bytes })
        count++
        // held back one, as the importer does, to know whether it is the file's only leaf
        if (previous !== undefined) yield previous
        previous = leaf
      }
      if (previous !== undefined) yield { ...previous, single: count === 1 }
    }

    // the importer's reducer (dag-builder/file.js), over our nodes
    const reduce = async (nodes: Node[]): Promise<Node> => {
      const first = nodes[0]
      if (nodes.length === 1 && first?.single === true && options.reduceSingleLeafToSelf) {
        return { ...first, path: file.path, originalPath: file.originalPath }
      }
      const unixfs = new UnixFS({ type: 'file' })
      const links = nodes.filter(c => c.fileSize > 0n).map(c => {
        unixfs.addBlockSize(c.fileSize)
        return { Name: '', Tsize: Number(c.size), Hash: c.cid }
      })
      const node = { Data: unixfs.marshal(), Links: links }
      const block = dagPb.encode(dagPb.prepare(node), options)
      const cid = CID.create(o.cidVersion, dagPb.code, await sha256.digest(block))
      await o.write(cid, block, () => {})
      const fileSize = nodes.reduce((a, c) => a + c.fileSize, 0n)
      const size = BigInt(block.byteLength + links.reduce((a, l) => a + l.Tsize, 0))
      return { cid, path: file.path, unixfs, size, fileSize, originalPath: file.originalPath, block }
    }
    return await options.layout(leaves() as never, reduce as never)
  }
}
