/**
 * The directory tree of an add, built over the entries' final CIDs: whether a directory becomes a HAMT is
 * decided when it is written, from all its links as they end up in the DAG (files, symlinks and
 * subdirectories alike), as Kubo decides it:
 * - Import.UnixFSHAMTDirectorySizeEstimation "links": the sum of name bytes + binary CID bytes of the links;
 *   "block": the size of the encoded directory node (links with their Tsize, and its Data);
 *   a directory over Import.UnixFSHAMTDirectorySizeThreshold becomes a HAMT;
 * - Import.UnixFSDirectoryMaxLinks (--max-directory-links): a directory with more links does too.
 * ipfs-unixfs-importer's own tree builder decides as entries arrive, counts a subdirectory as nothing and
 * sees only its own sha2-256 CIDs, so it shards differently near the threshold.
 */
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { UnixFS, type Mtime } from 'ipfs-unixfs'
import { DirSharded, dataFieldSerializedSize, linkSerializedSize, utf8ByteLength } from 'ipfs-unixfs-importer/utils'
import { importer, type ImportCandidate, type ImporterOptions, type ImportResult, type InProgressImportResult, type WritableStorage } from 'ipfs-unixfs-importer'

/** Gives an entry (or a directory) its final CID and size (re-hashing, explicit modes), and may name it */
export type ToFinal = (entry: ImportResult) => Promise<{ cid: CID, size: bigint, path?: string }>

export interface TreeOptions {
  cidVersion: 0 | 1
  wrapWithDirectory: boolean
  shardThreshold: number
  shardStrategy: 'links-bytes' | 'block-bytes'
  shardFanoutBits: number
  /** more links than this make a HAMT; 0 = no limit */
  maxDirectoryLinks: number
  toFinal: ToFinal
}

/**
 * The import: ipfs-unixfs-importer builds the files, symlinks and empty directories (its tree builder
 * passes them through); each is given its final CID (and a nameless file, stdin's in a -w wrapper, its
 * CID as name); then buildTree makes the directories over those.
 */
export async function * importTree (source: AsyncIterable<ImportCandidate>, store: WritableStorage, options: ImporterOptions, tree: TreeOptions): AsyncGenerator<ImportResult> {
  // the importer's tree builder sees each entry's original path (buildTree decides from it whether
  // several entries share one root directory)
  const originalPaths = new Map<string, string>()
  const passThrough: ImporterOptions['treeBuilder'] = async function * (entries) {
    for await (const entry of entries) {
      if (entry.path !== undefined && entry.originalPath !== undefined && entry.originalPath !== entry.path) originalPaths.set(entry.path, entry.originalPath)
      yield entry
    }
  }
  const built = async function * (): AsyncGenerator<InProgressImportResult> {
    for await (const entry of importer(source, store, { ...options, treeBuilder: passThrough })) {
      const { cid, size, path } = await tree.toFinal(entry)
      const originalPath = (entry.path === undefined ? undefined : originalPaths.get(entry.path)) ?? entry.path
      yield { ...entry, cid, size, path: path ?? entry.path, originalPath: path ?? originalPath }
    }
  }
  yield * buildTree(built(), store, tree)
}

interface Dir {
  path: string
  mode?: number
  mtime?: Mtime
  children: Map<string, Dir | ImportResult>
}

const isDir = (c: Dir | ImportResult): c is Dir => 'children' in c

/** The tree builder: entries (with final CIDs) in, files as they arrive and directories at the end out */
export async function * buildTree (entries: AsyncIterable<InProgressImportResult>, store: WritableStorage, options: TreeOptions): AsyncGenerator<ImportResult> {
  const root: Dir = { path: '', children: new Map() }
  // as ipfs-unixfs-importer: entries that all come from one directory are wrapped in it
  let rootDir: string | undefined
  let singleRoot = false
  for await (const entry of entries) {
    const first = (entry.originalPath ?? '').split('/')[0]
    if (first !== undefined && first !== '') {
      if (rootDir === undefined) {
        rootDir = first
        singleRoot = true
      } else if (rootDir !== first) singleRoot = false
    }
    add(root, entry)
    if (entry.unixfs?.isDirectory() !== true) yield entry
  }
  if (options.wrapWithDirectory || (singleRoot && root.children.size > 1)) {
    yield * flush(root, store, options)
    return
  }
  for (const child of root.children.values()) {
    if (isDir(child)) yield * flush(child, store, options)
    else if (child.unixfs?.isDirectory() === true) yield child
  }
}

function add (root: Dir, entry: ImportResult): void {
  const parts = (entry.path ?? '').split('/').filter(p => p !== '')
  let dir = root
  for (const [i, name] of parts.entries()) {
    if (i === parts.length - 1) {
      dir.children.set(name, entry)
      return
    }
    const existing = dir.children.get(name)
    if (existing !== undefined && isDir(existing)) {
      dir = existing
      continue
    }
    // a directory given as an entry, which now has contents: it keeps its mode and mtime
    const next: Dir = { path: parts.slice(0, i + 1).join('/'), mode: existing?.unixfs?.mode, mtime: existing?.unixfs?.mtime, children: new Map() }
    dir.children.set(name, next)
    dir = next
  }
}

/** Writes `dir` after its subdirectories, each yielded with its final CID */
async function * flush (dir: Dir, store: WritableStorage, options: TreeOptions): AsyncGenerator<ImportResult> {
  const links: Array<{ name: string, cid: CID, size: bigint }> = []
  for (const [name, child] of dir.children) {
    let done: ImportResult | undefined = isDir(child) ? undefined : child
    if (isDir(child)) {
      for await (const entry of flush(child, store, options)) {
        done = entry
        yield entry
      }
    }
    if (done !== undefined) links.push({ name, cid: done.cid, size: done.size })
  }
  const shard = (options.maxDirectoryLinks > 0 && links.length > options.maxDirectoryLinks) || estimate(dir, links, options) > options.shardThreshold
  let written: ImportResult
  if (shard) {
    const sharded = new DirSharded({ root: dir.path === '', dir: true, path: dir.path, dirty: true, flat: false, mode: dir.mode, mtime: dir.mtime }, { shardFanoutBits: options.shardFanoutBits, cidVersion: options.cidVersion } as never)
    for (const l of links) await sharded.put(l.name, { cid: l.cid, size: l.size } as never)
    let last: ImportResult | undefined
    for await (const entry of sharded.flush(store as never)) last = entry as ImportResult
    written = last as ImportResult
  } else {
    const unixfs = new UnixFS({ type: 'directory', mode: dir.mode, mtime: dir.mtime })
    const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal(), Links: links.map(l => ({ Name: l.name, Hash: l.cid, Tsize: Number(l.size) })) }))
    const cid = CID.create(options.cidVersion, dagPb.code, await sha256.digest(block))
    await store.put(cid, block)
    written = { cid, unixfs, path: dir.path, size: BigInt(block.byteLength) + links.reduce((a, l) => a + l.size, 0n) }
  }
  const { cid, size } = await options.toFinal({ ...written, path: dir.path })
  yield { ...written, cid, size, path: dir.path }
}

function estimate (dir: Dir, links: Array<{ name: string, cid: CID, size: bigint }>, options: TreeOptions): number {
  if (options.shardStrategy === 'links-bytes') return links.reduce((a, l) => a + utf8ByteLength(l.name) + l.cid.bytes.byteLength, 0)
  return links.reduce((a, l) => a + linkSerializedSize(utf8ByteLength(l.name), l.cid.bytes.byteLength, Number(l.size)), dataFieldSerializedSize(dir.mode, dir.mtime))
}
