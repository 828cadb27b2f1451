/** UnixFS out: cat, ls, get and resolve over ipfs-unixfs-exporter, resolving paths through any codec. */
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import { exporter } from './exporter.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Components } from '../node.ts'
import { parsePath, formatPath } from '../path.ts'
import { PathNotFoundError, WrongNodeTypeError, isMissingName, toTsipfsError } from '../errors.ts'
import { getEntries, type GetEntry } from './get.ts'
import { readFile } from './read.ts'
import { tarStream } from './tar.ts'
import { decodeData } from '../files/pb-data.ts'
import { refs, type Ref, type RefsOptions } from '../dag/refs.ts'

export interface LsLink {
  name: string
  cid: CID
  /** file size for files, 0 otherwise */
  size: bigint
  type: 'directory' | 'file' | 'symlink' | 'unknown'
  target?: string
  /** the UnixFS Data type number (1 directory, 2 file, 4 symlink, 5 HAMT…), for dag-pb entries */
  dataType?: number
  /** the permission bits stored in the node (0xfff), absent when none were */
  mode?: number
  /** the modification time stored in the node, absent when none was */
  mtime?: { secs: number, nsecs?: number }
}

/** The metadata a dag-pb UnixFS entry stores (ipfs-unixfs fills in default modes: read the field itself) */
function metadataOf (entry: UnixFSEntry): Pick<LsLink, 'dataType' | 'mode' | 'mtime'> {
  if ((entry.type !== 'file' && entry.type !== 'directory') || entry.node.Data === undefined) return {}
  let data
  try {
    data = decodeData(entry.node.Data)
  } catch {
    return {}
  }
  return { dataType: data.type, mode: data.mode === undefined ? undefined : data.mode & 0xfff, mtime: data.mtime }
}

/** The raw codec (0x55): chunks Kubo does not open, sized by their link */
const RAW_CODE = 0x55

/** The entry, if `cat` can read it: a file, not a directory nor another codec's node */
function fileEntry (entry: UnixFSEntry): Exclude<UnixFSEntry, { type: 'directory' | 'object' }> {
  if (entry.type === 'directory') throw new WrongNodeTypeError('this dag node is a directory')
  if (entry.type === 'object') throw new WrongNodeTypeError('this dag node is not a UnixFS file')
  return entry
}

function kind (entry: UnixFSEntry): LsLink['type'] {
  if (entry.type === 'directory') return 'directory'
  if (entry.type === 'file') return entry.unixfs.type === 'symlink' ? 'symlink' : 'file'
  if (entry.type === 'raw' || entry.type === 'identity') return 'file'
  return 'unknown'
}

export function createExporter ({ blockstore, blocks }: Components) {
  async function entryAt (path: string, options: AbortOptions): Promise<UnixFSEntry> {
    const p = parsePath(path)
    try {
      const entry = await exporter(formatPath(p), blockstore, options)
      // ipfs-unixfs-exporter stops at a UnixFS file and drops the one name after it (/ipfs/<file>/x gave the
      // file, its path one name short of the one asked for): a file has no links to follow, as Kubo says
      const resolved = entry.path.split('/').length - 1
      if (entry.type === 'file' && resolved < p.segments.length) throw new PathNotFoundError(`no link named "${p.segments[resolved] as string}" under ${entry.cid.toString()}`)
      return entry
    } catch (err) {
      // a name missing from a directory: say which, as Kubo does ("no link named ... under <cid>")
      if (isMissingName(err) && p.segments.length > 0) await missingLink(p, options)
      throw toTsipfsError(err)
    }
  }

  async function missingLink (p: ReturnType<typeof parsePath>, options: AbortOptions): Promise<void> {
    let parent = p.root
    for (let i = 0; i < p.segments.length; i++) {
      let entry: UnixFSEntry
      try {
        entry = await exporter(formatPath({ ...p, segments: p.segments.slice(0, i + 1) }), blockstore, options)
      } catch (err) {
        if (isMissingName(err)) throw new PathNotFoundError(`no link named "${p.segments[i] as string}" under ${parent.toString()}`)
        throw toTsipfsError(err)
      }
      parent = entry.cid
    }
  }

  return {
    /** The CID a path points at (the last node the path names) */
    async resolve (path: string, options: AbortOptions = {}): Promise<CID> {
      const p = parsePath(path)
      if (p.segments.length === 0) return p.root
      return (await entryAt(path, options)).cid
    },

    /** Bytes of a file, from `offset` for `length` bytes */
    async * cat (path: string, options: AbortOptions & { offset?: number, length?: number, offline?: boolean } = {}): AsyncGenerator<Uint8Array> {
      const entry = fileEntry(await entryAt(path, options))
      // dag-pb files through our reader (bounded read-ahead, see read.ts); single blocks as they are
      if (entry.type === 'file') yield * readFile(blocks, entry.cid, options)
      else yield * entry.content({ offset: options.offset, length: options.length, signal: options.signal })
    },

    /** The bytes `cat` reads from a path (it fails as `cat` does on what is not a file) */
    async fileSize (path: string, options: AbortOptions & { offline?: boolean } = {}): Promise<number> {
      const entry = fileEntry(await entryAt(path, options))
      return Number(entry.type === 'file' ? entry.unixfs.fileSize() : entry.size)
    },

    /**
     * The size Kubo states for what a path holds (boxo's files.Node Size): a file's bytes (a symlink's, its
     * target's), a directory's whole DAG (its block and its links' Tsize); 0 for a node that is not UnixFS
     */
    async size (path: string, options: AbortOptions = {}): Promise<number> {
      const entry = await entryAt(path, options)
      if (entry.type === 'file') return Number(entry.unixfs.fileSize())
      if (entry.type === 'raw' || entry.type === 'identity') return Number(entry.size)
      if (entry.type !== 'directory') return 0
      const block = await blocks.get(entry.cid, options)
      return entry.node.Links.reduce((sum, l) => sum + (l.Tsize ?? 0), block.byteLength)
    },

    /**
     * The entries of a directory; for a file, the links of its root node (its chunks, unnamed), as Kubo lists
     * them: none for a file of one block
     */
    async * ls (path: string, options: AbortOptions & { resolveType?: boolean } = {}): AsyncGenerator<LsLink> {
      const entry = await entryAt(path, options)
      if (entry.type !== 'directory') {
        if (entry.type !== 'file') return
        for (const link of entry.node.Links) {
          options.signal?.throwIfAborted()
          if (link.Hash.code === RAW_CODE) {
            yield { name: link.Name ?? '', cid: link.Hash, size: BigInt(link.Tsize ?? 0), type: 'file' }
            continue
          }
          const child = await exporter(link.Hash, blockstore, options)
          yield { name: link.Name ?? '', cid: link.Hash, size: child.type === 'file' ? child.unixfs.fileSize() : 0n, type: kind(child), ...metadataOf(child) }
        }
        return
      }
      for await (const link of entry.entries({ signal: options.signal })) {
        const child = await exporter(link.cid, blockstore, options)
        const type = kind(child)
        let target: string | undefined
        if (type === 'symlink' && child.type === 'file') {
          target = new TextDecoder().decode(child.unixfs.data ?? new Uint8Array())
        }
        // a symlink's size is its target's length, as Kubo lists it (the UnixFS filesize)
        const size = child.type === 'file' && (type === 'file' || type === 'symlink') ? child.unixfs.fileSize() : type === 'file' ? child.size : 0n
        yield { name: link.name, cid: link.cid, size, type, target, ...metadataOf(child) }
      }
    },

    /** The tree at `path` as a TAR stream named `rootName` (gzipped with a level) */
    async * tar (path: string, rootName: string, options: AbortOptions & { gzipLevel?: number } = {}): AsyncGenerator<Uint8Array> {
      const root = await entryAt(path, options)
      yield * tarStream(getEntries(blockstore, blocks, root, rootName, options), { gzipLevel: options.gzipLevel })
    },

    /** A tree of files for `get`, with every name checked (see get.ts) */
    async * get (path: string, rootName: string, options: AbortOptions = {}): AsyncGenerator<GetEntry> {
      yield * getEntries(blockstore, blocks, await entryAt(path, options), rootName, options)
    },

    async * refs (path: string, options: RefsOptions = {}): AsyncGenerator<Ref> {
      const root = await this.resolve(path, options)
      yield * refs(blocks, root, options)
    },

    /** Every block in the local store */
    refsLocal (options: AbortOptions = {}): AsyncIterable<CID> {
      return blocks.keys(options)
    }
  }
}
