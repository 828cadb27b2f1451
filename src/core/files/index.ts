/**
 * MFS, the mutable filesystem: a UnixFS directory tree whose root CID lives in the meta store under
 * `roots/mfs`, so GC keeps it. Every change copies the path from the changed node up to the root (the
 * DAG is immutable; nothing is cached in memory), stores the new blocks, then swaps the root pointer in
 * one write: a crash at any point leaves either the old tree or the new one.
 *
 * Concurrency: tree changes run one at a time (a mutex); a `write` streams into its file outside that
 * mutex, holding only a lock on its path, and takes the mutex again to link the result in. So writers to
 * different files proceed together and never lose each other's changes; writers to one file queue.
 */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import { ROOTS_PREFIX } from '../pins/index.ts'
import { parseSize } from '../repo/config.ts'
import { parseChunker } from '../unixfs/chunkers/index.ts'
import { TYPE, encodeData, type PbData } from './pb-data.ts'
import { NodeStore, makePrefix, prefixOf, cumulativeSize, type FsNode, type Prefix } from './nodes.ts'
import { asDir, dirChild, dirEntries, emptyDirData, isDir, writeDir, type DirEntry, type DirNode, type ShardingOptions } from './dir.ts'
import { FileModifier, fileSize } from './modifier.ts'
import { checkPath, segments, dirname, basename, Mutex, KeyedMutex } from './paths.ts'
import { FileExistsError, FileNotFoundError, InvalidArgumentError, WrongNodeTypeError } from '../errors.ts'

export const MFS_ROOT_KEY = `${ROOTS_PREFIX}mfs`

export interface PrefixOptions {
  cidVersion?: number
  hash?: string
}

export interface WriteOptions extends AbortOptions, PrefixOptions {
  offset?: number
  create?: boolean
  parents?: boolean
  truncate?: boolean
  count?: number
  rawLeaves?: boolean
}

export function createFilesApi (components: Components) {
  const { blocks, blockstore, meta, gcLock, repo } = components
  const store = new NodeStore(blocks)
  const tree = new Mutex()
  const fileLocks = new KeyedMutex()

  const importConfig = (): Record<string, unknown> => (repo.config.Import ?? {}) as Record<string, unknown>

  /** The prefix for new nodes: --cid-version/--hash, else Import.CidVersion/HashFunction (as Kubo) */
  function prefixFor (o: PrefixOptions): Prefix {
    if (o.cidVersion !== undefined || o.hash !== undefined) return makePrefix(o.cidVersion, o.hash)
    const c = importConfig()
    const version = typeof c.CidVersion === 'number' ? c.CidVersion : 0
    const hash = typeof c.HashFunction === 'string' ? c.HashFunction : 'sha2-256'
    return makePrefix(hash !== 'sha2-256' && version === 0 ? 1 : version, hash)
  }

  function sharding (): ShardingOptions {
    const c = importConfig()
    const estimation = String(c.UnixFSHAMTDirectorySizeEstimation ?? 'links')
    const threshold = parseSize(String(c.UnixFSHAMTDirectorySizeThreshold ?? '256KiB'))
    return {
      threshold: estimation === 'disabled' || threshold === 0 ? Number.POSITIVE_INFINITY : threshold,
      estimation: estimation === 'block' ? 'block' : 'links',
      fanout: typeof c.UnixFSHAMTDirectoryMaxFanout === 'number' ? c.UnixFSHAMTDirectoryMaxFanout : 256
    }
  }

  async function emptyDir (prefix: Prefix, options: AbortOptions): Promise<DirNode> {
    return await store.putPb({ Data: encodeData(emptyDirData()), Links: [] }, prefix, options) as DirNode
  }

  async function rootNode (options: AbortOptions = {}): Promise<DirNode> {
    const stored = await meta.get<string>(MFS_ROOT_KEY)
    // a new repo's root: Kubo's empty directory (always CIDv0)
    if (stored === undefined) return await store.makePb({ Data: encodeData(emptyDirData()), Links: [] }, makePrefix(0, undefined)) as DirNode
    return asDir(await store.load(CID.parse(stored), options), '/')
  }

  /**
   * Run a change of the tree: the new root is stored only once its blocks are. Locks are always taken in
   * one order: the GC lock (shared), then a file's lock (writes), then the tree mutex; `gcHeld` says the
   * caller holds the GC lock already (taking it twice could wait behind a queued GC forever).
   */
  async function change<T> (fn: (root: DirNode) => Promise<{ root: DirNode, result: T }>, options: AbortOptions, gcHeld = false): Promise<T> {
    if (!gcHeld) return await gcLock.shared(async () => await change(fn, options, true))
    return await tree.run(async () => {
      options.signal?.throwIfAborted()
      const before = await rootNode(options)
      const { root, result } = await fn(before)
      const unchanged = root.cid.equals(before.cid)
      if (!unchanged || await meta.get(MFS_ROOT_KEY) === undefined) {
        // a new repo's root was only made, not stored (rootNode): a change that left it as it was (`files rm
        // --force` of a missing path) must store it before naming it the root
        if (unchanged) await emptyDir(makePrefix(0, undefined), options)
        await blocks.sync()
        await meta.put(MFS_ROOT_KEY, root.cid.toString())
        components.provide?.mfs(root.cid)
      }
      return result
    })
  }

  async function lookup (root: DirNode, path: string, options: AbortOptions): Promise<FsNode> {
    let node: FsNode = root
    const parts = segments(path)
    for (let i = 0; i < parts.length; i++) {
      if (!isDir(node)) throw new WrongNodeTypeError(`cannot access ${parts.slice(0, i + 1).join('/')}: Not a directory`)
      const entry = await dirChild(store, node, parts[i] as string, options)
      if (entry === undefined) throw new FileNotFoundError()
      node = await store.load(entry.cid, options)
    }
    return node
  }

  /**
   * Copy the path to `dirPath` with `fn` applied to the directory there; returns the new root.
   * `mkParents` creates missing directories with that prefix.
   */
  async function updateDir (root: DirNode, dirPath: string, fn: (dir: DirNode) => Promise<DirNode>, options: AbortOptions, mkParents?: Prefix): Promise<DirNode> {
    const parts = segments(dirPath)
    const rec = async (dir: DirNode, depth: number, isRoot: boolean): Promise<DirNode> => {
      if (depth === parts.length) return await fn(dir)
      const name = parts[depth] as string
      const entry = await dirChild(store, dir, name, options)
      let child: DirNode
      if (entry === undefined) {
        if (mkParents === undefined) throw new FileNotFoundError()
        child = await emptyDir(mkParents, options)
      } else {
        const node = await store.load(entry.cid, options)
        if (!isDir(node)) throw new WrongNodeTypeError(`cannot access ${parts.slice(0, depth + 1).join('/')}: Not a directory`)
        child = node
      }
      const updated = await rec(child, depth + 1, false)
      return await setEntry(dir, name, updated, isRoot, options)
    }
    return await rec(root, 0, true)
  }

  /** `dir` with `name` set to `node` (or removed), written with the directory's prefix (root: Import's) */
  async function setEntry (dir: DirNode, name: string, node: FsNode | undefined, isRoot: boolean, options: AbortOptions, prefix?: Prefix): Promise<DirNode> {
    const entries: DirEntry[] = (await dirEntries(store, dir, options)).filter(e => e.name !== name)
    if (node !== undefined) entries.push({ name, cid: node.cid, size: cumulativeSize(node) })
    const p = prefix ?? (isRoot ? prefixFor({}) : prefixOf(dir.cid))
    return await writeDir(store, blockstore, entries, dir.data, p, sharding(), options)
  }

  /** Put `node` at `path` (its parent must exist unless mkParents) */
  async function putAt (root: DirNode, path: string, node: FsNode | undefined, options: AbortOptions, mkParents?: Prefix): Promise<DirNode> {
    const parent = dirname(path)
    const name = basename(path)
    return await updateDir(root, parent, async (dir) => await setEntry(dir, name, node, parent === '/', options), options, mkParents)
  }

  /** A node with new UnixFS data (mode, mtime), keeping its links and prefix; raw leaves become dag-pb */
  async function withData (node: FsNode, edit: (d: PbData) => void, options: AbortOptions): Promise<FsNode> {
    if (node.kind === 'raw') {
      const d: PbData = { type: TYPE.file, data: node.bytes, filesize: node.bytes.byteLength, blocksizes: [] }
      edit(d)
      // Kubo makes this node afresh, with the default (CIDv0) prefix
      return await store.putPb({ Data: encodeData(d), Links: [] }, makePrefix(0, undefined), options)
    }
    const d: PbData = { ...node.data, blocksizes: [...node.data.blocksizes] }
    edit(d)
    if (isDir(node) && node.data.type === TYPE.directory) {
      return await writeDir(store, blockstore, await dirEntries(store, node, options), d, prefixOf(node.cid), sharding(), options)
    }
    return await store.putPb({ Data: encodeData(d), Links: node.pb.Links }, prefixOf(node.cid), options)
  }

  /** Replace the node at `path` by `fn(node)` */
  async function editAt (path: string, fn: (node: FsNode, isRoot: boolean) => Promise<FsNode>, options: AbortOptions): Promise<void> {
    await change(async (root) => {
      if (segments(path).length === 0) return { root: asDir(await fn(root, true), '/'), result: undefined }
      const node = await fn(await lookup(root, path, options), false)
      return { root: await putAt(root, path, node, options), result: undefined }
    }, options)
  }

  const api = {
    /** The current root CID */
    async root (options: AbortOptions = {}): Promise<CID> {
      return (await rootNode(options)).cid
    },

    /** The node at an MFS path */
    async stat (path: string, options: AbortOptions = {}): Promise<FsNode> {
      return await lookup(await rootNode(options), checkPath(path), options)
    },

    /** Entries of a directory, in directory order; a file lists as itself */
    async ls (path: string, options: AbortOptions = {}): Promise<{ file?: FsNode, entries: DirEntry[] }> {
      const node = await lookup(await rootNode(options), checkPath(path), options)
      if (!isDir(node)) return { file: node, entries: [{ name: basename(path), cid: node.cid, size: cumulativeSize(node) }] }
      return { entries: await dirEntries(store, node, options) }
    },

    /** How much of a DAG is in the local store (Kubo's stat --with-local): every block present? bytes present */
    async locality (cid: CID, options: AbortOptions = {}): Promise<{ local: boolean, sizeLocal: number }> {
      let local = true
      let sizeLocal = 0
      const visit = async (c: CID): Promise<void> => {
        options.signal?.throwIfAborted()
        if (!await store.has(c, options)) {
          local = false
          return
        }
        const node = await store.load(c, options)
        sizeLocal += node.bytes.byteLength
        if (node.kind === 'pb') for (const l of node.pb.Links) await visit(l.Hash)
      }
      await visit(cid)
      return { local, sizeLocal }
    },

    async load (cid: CID, options: AbortOptions = {}): Promise<FsNode> {
      return await store.load(cid, options)
    },

    async mkdir (path: string, options: AbortOptions & PrefixOptions & { parents?: boolean } = {}): Promise<void> {
      const p = checkPath(path)
      const prefix = prefixFor(options)
      await change(async (root) => {
        if (segments(p).length === 0) {
          if (options.parents === true) return { root, result: undefined }
          throw new FileExistsError("cannot create directory '/': Already exists")
        }
        const parent = dirname(p)
        const name = basename(p)
        const next = await updateDir(root, parent, async (dir) => {
          const existing = await dirChild(store, dir, name, options)
          if (existing !== undefined) {
            if (options.parents === true && isDir(await store.load(existing.cid, options))) return dir
            throw new FileExistsError()
          }
          return await setEntry(dir, name, await emptyDir(prefix, options), parent === '/', options)
        }, options, options.parents === true ? prefix : undefined)
        return { root: next, result: undefined }
      }, options)
    },

    /** Write a stream into a file (Kubo's `files write`); returns the file's new node */
    async write (path: string, source: AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<FsNode> {
      const p = checkPath(path)
      if (segments(p).length === 0) throw new WrongNodeTypeError('/ was not a file')
      const offset = options.offset ?? 0
      if (offset < 0) throw new InvalidArgumentError('cannot have negative write offset')
      if (options.count !== undefined && options.count < 0) throw new InvalidArgumentError('cannot have negative byte count')
      const prefix = prefixFor(options)
      const c = importConfig()
      const rawLeaves = options.rawLeaves ?? (typeof c.UnixFSRawLeaves === 'boolean' ? c.UnixFSRawLeaves : undefined)
      const chunker = parseChunker(typeof c.UnixFSChunker === 'string' ? c.UnixFSChunker : undefined)
      return await gcLock.shared(async () => await fileLocks.run(p, async () => {
        // 1. find the file, or create it empty (linked in at once, as Kubo does)
        const start = await change(async (root) => {
          let next = root
          if (options.parents === true && dirname(p) !== '/') {
            next = await updateDir(root, dirname(p), async (d) => d, options, prefix)
          }
          let node: FsNode
          try {
            node = await lookup(next, p, options)
          } catch (err) {
            if (!(err instanceof FileNotFoundError) || options.create !== true) throw err
            node = await store.putPb({ Data: encodeData({ type: TYPE.file, blocksizes: [], filesize: 0 }), Links: [] }, prefix, options)
            next = await putAt(next, p, node, options)
          }
          if (isDir(node)) throw new WrongNodeTypeError(`${p} was not a file`)
          return { root: next, result: node }
        }, options, true)
        // 2. modify it, outside the tree lock
        const mod = new FileModifier(store, start, { rawLeaves, chunker, signal: options.signal })
        if (options.truncate === true) await mod.truncate(0)
        await mod.seek(offset)
        await mod.write(source, options.count)
        const result = await mod.finish()
        // 3. link the result in
        await change(async (root) => ({ root: await putAt(root, p, result, options), result: undefined }), options, true)
        return result
      }))
    },

    /** The CID and size of the file at `path`, for reading */
    async file (path: string, options: AbortOptions = {}): Promise<{ cid: CID, size: number }> {
      const p = checkPath(path)
      const node = await lookup(await rootNode(options), p, options).catch((err: Error) => {
        if (err instanceof FileNotFoundError) throw new FileNotFoundError(`${p}: ${err.message}`)
        throw err
      })
      if (isDir(node)) throw new WrongNodeTypeError(`${p} was not a file`)
      return { cid: node.cid, size: fileSize(node) }
    },

    /** Link an existing node (from /ipfs/ or MFS, resolved by the caller) at `dest` */
    async put (dest: string, cid: CID, options: AbortOptions & { parents?: boolean, force?: boolean } = {}): Promise<void> {
      const p = checkPath(dest)
      const node = await store.load(cid, options)
      const prefix = prefixFor({})
      await change(async (root) => {
        const parent = dirname(p)
        const name = basename(p)
        if (name === '') throw new InvalidArgumentError('cannot create file with empty name')
        const next = await updateDir(root, parent, async (dir) => {
          const existing = await dirChild(store, dir, name, options)
          if (existing !== undefined) {
            if (options.force !== true) throw new FileExistsError('directory already has entry by that name')
            if (isDir(await store.load(existing.cid, options))) throw new WrongNodeTypeError(`not a file: ${p}`)
          }
          return await setEntry(dir, name, node, parent === '/', options)
        }, options, options.parents === true ? prefix : undefined)
        return { root: next, result: undefined }
      }, options)
    },

    /** Move or rename (Kubo's files mv): onto a file replaces it, onto a directory moves into it */
    async mv (source: string, dest: string, options: AbortOptions = {}): Promise<void> {
      const src = checkPath(source).replace(/(.)\/$/, '$1')
      const dst = checkPath(dest)
      if (segments(src).length === 0) throw new InvalidArgumentError('cannot move the root directory')
      await change(async (root) => {
        const node = await lookup(root, src, options)
        let target = dst.endsWith('/') ? `${dst}${basename(src)}` : dst
        const existing = await lookup(root, target, options).catch(() => undefined)
        if (existing !== undefined && isDir(existing) && !dst.endsWith('/')) {
          target = `${target}/${basename(src)}`
          if (await lookup(root, target, options).catch(() => undefined) !== undefined) throw new FileExistsError('directory already has entry by that name')
        }
        target = checkPath(target)
        if (target === src) return { root, result: undefined }
        if (isDir(node) && target.startsWith(`${src}/`)) throw new InvalidArgumentError(`cannot move ${src} into itself`)
        const next = await putAt(root, target, node, options)
        return { root: await putAt(next, src, undefined, options), result: undefined }
      }, options)
    },

    /** Remove one path. force: a missing path is not an error, and directories go without recursive */
    async rm (path: string, options: AbortOptions & { recursive?: boolean, force?: boolean } = {}): Promise<void> {
      const p = checkPath(path).replace(/(.)\/$/, '$1')
      if (p === '/') throw new InvalidArgumentError('cannot delete root')
      await change(async (root) => {
        let node: FsNode
        try {
          node = await lookup(root, p, options)
        } catch (err) {
          if (options.force === true && err instanceof FileNotFoundError) return { root, result: undefined }
          throw err
        }
        if (isDir(node) && options.recursive !== true && options.force !== true) throw new WrongNodeTypeError('path is a directory, use -r to remove directories')
        return { root: await putAt(root, p, undefined, options), result: undefined }
      }, options)
    },

    /** Change the CID version or hash of a directory (not the root) */
    async chcid (path: string, options: AbortOptions & PrefixOptions = {}): Promise<void> {
      const p = checkPath(path)
      if (segments(p).length === 0) throw new InvalidArgumentError("cannot change CID format of the MFS root; use 'tsipfs config Import.CidVersion' and 'tsipfs config Import.HashFunction' instead")
      if (options.cidVersion === undefined && options.hash === undefined) return
      const prefix = makePrefix(options.cidVersion, options.hash)
      await editAt(p, async (node) => {
        if (!isDir(node)) throw new WrongNodeTypeError('can only update directories')
        return await writeDir(store, blockstore, await dirEntries(store, node, options), node.data, prefix, sharding(), options)
      }, options)
    },

    /** Set the POSIX permission bits (Kubo's files chmod) */
    async chmod (path: string, mode: number, options: AbortOptions = {}): Promise<void> {
      const p = checkPath(path)
      await editAt(p, async (node) => await withData(node, (d) => {
        const next = ((d.mode ?? 0) & 0xfffff000) | (mode & 0xfff)
        d.mode = (mode & 0xfff) === 0 && next === 0 ? undefined : next
      }, options), options)
    },

    /** Set the modification time (default now) */
    async touch (path: string, mtime: { secs: number, nsecs?: number }, options: AbortOptions = {}): Promise<void> {
      const p = checkPath(path)
      await editAt(p, async (node) => await withData(node, (d) => {
        d.mtime = { secs: mtime.secs, nsecs: mtime.nsecs !== undefined && mtime.nsecs > 0 ? mtime.nsecs : undefined }
      }, options), options)
    },

    /** Replace the root (recovery); returns the old root */
    async chroot (cid: CID | undefined, options: AbortOptions = {}): Promise<{ old?: CID, root: CID }> {
      return await change(async (root) => {
        const stored = await meta.get<string>(MFS_ROOT_KEY)
        const next = cid === undefined ? await emptyDir(makePrefix(0, undefined), options) : asDir(await store.load(cid, options), cid.toString())
        return { root: next, result: { old: stored === undefined ? undefined : CID.parse(stored), root: next.cid } }
      }, options)
    }
  }
  return api
}

export type FilesApi = ReturnType<typeof createFilesApi>
export { isDir, fileSize, cumulativeSize, TYPE }
export type { FsNode, DirEntry }
