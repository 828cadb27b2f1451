/**
 * The directory tree of an add, built over the entries' final CIDs: whether a directory becomes a HAMT is
 * decided when it is written, from all its links as they end up in the DAG (files, symlinks and
 * subdirectories alike), by replaying the decisions Kubo v0.42.0 makes while it builds the directory in
 * MFS (kuboShards below):
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
import { byteOrder } from '../order.ts'

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
  /** the length of the binary CID Kubo gives a dag-pb node of these bytes (hash, CID version, --inline) */
  cidBytes: (block: Uint8Array) => number
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

/** A link of a directory as Kubo's MFS sees it: first as created (a subdirectory: empty), then final */
interface KuboLink {
  name: string
  cid: CID
  size: bigint
  /** a subdirectory: created empty by Mkdir, its link updated when the directory is flushed */
  initial?: { cidBytes: number, size: number }
}

/** Writes `dir` after its subdirectories, each yielded with its final CID */
async function * flush (dir: Dir, store: WritableStorage, options: TreeOptions): AsyncGenerator<ImportResult> {
  const links: KuboLink[] = []
  for (const [name, child] of dir.children) {
    let done: ImportResult | undefined = isDir(child) ? undefined : child
    if (isDir(child)) {
      for await (const entry of flush(child, store, options)) {
        done = entry
        yield entry
      }
    }
    if (done === undefined) continue
    const link: KuboLink = { name, cid: done.cid, size: done.size }
    if (isDir(child)) {
      // Kubo's Mkdir links the empty directory (with the directory's mode and mtime) first
      const empty = dagPb.encode(dagPb.prepare({ Data: new UnixFS({ type: 'directory', mode: child.mode, mtime: child.mtime }).marshal() }))
      link.initial = { cidBytes: options.cidBytes(empty), size: empty.byteLength }
    } else if (child.unixfs?.isDirectory() === true) {
      // an empty directory: created as it ends up, still re-linked at the flush
      link.initial = { cidBytes: done.cid.bytes.byteLength, size: Number(done.size) }
    }
    links.push(link)
  }
  const shard = kuboShards(dir, links, options)
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

/**
 * Whether Kubo v0.42.0 makes this directory a HAMT. Its adder (kubo core/coreunix/add.go) builds the
 * directory in MFS (boxo mfs/dir.go) over a DynamicDirectory (boxo ipld/unixfs/io/directory.go), which
 * decides at every AddChild, not once at the end:
 * 1. the entries are added in directory order, a file or symlink with its final node, a subdirectory by
 *    Mkdir with the EMPTY directory node (its CID and Tsize); each new entry that takes the estimate over
 *    the threshold (or the count over MaxLinks) switches the BasicDirectory to a HAMTDirectory, whose
 *    `sizeChange` then counts name + CID bytes of the entries added after the switch;
 * 2. when the directory is flushed, every subdirectory's link is replaced by its final node (Directory.
 *    cacheSync, in Go map order, which is random), each replacement again through AddChild:
 *    - a BasicDirectory switches to a HAMT when the new estimate is over the threshold; the HAMT's
 *      `sizeChange` then starts at -(name + 2 hex prefix chars + old CID) + (name + new CID): the old link
 *      it drops is the shard's, whose name carries the HAMT prefix (hamt.Shard.Swap);
 *    - a HAMTDirectory (needsToSwitchToBasicDir) takes the same change in the shard's terms: minus the old
 *      link with the prefixed name, plus ipld.MakeLink(node), a link with NO name; when that makes
 *      sizeChange + change negative, it sums the real directory (sizeBelowThreshold) and, if the sum plus
 *      that change is not over the threshold, switches back to a BasicDirectory; otherwise
 *      sizeChange += -(name + prefix + old CID) + (name + new CID), which is -2 per unchanged-length CID.
 * So a directory with enough subdirectories, over the threshold by less than about one link's name, flips
 * between the two forms on the last updates, and Kubo's answer there depends on the map order: the same
 * input gives a flat directory in one run and a HAMT in the next (measured, see
 * test/e2e/kubo-cid-oracle.test.ts). This replays the updates in directory order, which gives one of
 * Kubo's answers there and Kubo's only answer everywhere else. Directories of files and symlinks only
 * have no updates: a HAMT exactly when over the threshold.
 */
function kuboShards (dir: Dir, links: KuboLink[], options: TreeOptions): boolean {
  const maxLinks = options.maxDirectoryLinks
  const overLinks = maxLinks > 0 && links.length > maxLinks
  const threshold = options.shardThreshold
  // size estimation disabled: the link count alone
  if (!Number.isFinite(threshold)) return overLinks
  const block = options.shardStrategy === 'block-bytes'
  const size = (nameBytes: number, cidBytes: number, tsize: number): number => block ? linkSerializedSize(nameBytes, cidBytes, tsize) : nameBytes + cidBytes
  const dataField = block ? dataFieldSerializedSize(dir.mode, dir.mtime) : 0
  // the hex digits of a HAMT link name's prefix
  const prefix = ((1 << options.shardFanoutBits) - 1).toString(16).length
  // the root of a -w add holds its arguments in their order, every other directory its entries by name
  const ordered = dir.path === '' ? links : [...links].sort((a, b) => byteOrder(a.name, b.name))
  const current = ordered.map(l => ({ nameBytes: utf8ByteLength(l.name), cidBytes: l.initial?.cidBytes ?? l.cid.bytes.byteLength, tsize: l.initial?.size ?? Number(l.size) }))
  let hamt = false
  let estimate = dataField
  let sizeChange = 0
  // the real size of the directory as it stands (for sizeBelowThreshold)
  let total = dataField
  for (const [i, c] of current.entries()) {
    const s = size(c.nameBytes, c.cidBytes, c.tsize)
    total += s
    if (hamt) sizeChange += c.nameBytes + c.cidBytes
    else if (estimate + s > threshold || (maxLinks > 0 && i + 1 > maxLinks)) {
      hamt = true
      sizeChange = c.nameBytes + c.cidBytes
    } else estimate += s
  }
  for (const [i, l] of ordered.entries()) {
    if (l.initial === undefined) continue
    const old = current[i] as { nameBytes: number, cidBytes: number, tsize: number }
    const n = old.nameBytes
    const cidBytes = l.cid.bytes.byteLength
    const tsize = Number(l.size)
    const before = size(n, old.cidBytes, old.tsize)
    const after = size(n, cidBytes, tsize)
    const shardChange = -(n + prefix + old.cidBytes) + n + cidBytes
    if (!hamt) {
      if (estimate - before + after > threshold) {
        hamt = true
        sizeChange = shardChange
      } else estimate += after - before
    } else {
      const change = size(0, cidBytes, tsize) - size(n + prefix, old.cidBytes, old.tsize)
      if (sizeChange + change < 0 && !overLinks && total + change <= threshold) {
        hamt = false
        estimate = total - before + after
      } else sizeChange += shardChange
    }
    total += after - before
    current[i] = { nameBytes: n, cidBytes, tsize }
  }
  return hamt
}
