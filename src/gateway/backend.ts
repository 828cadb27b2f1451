/**
 * What the gateway needs from a node, and nothing more: resolve a content path, read blocks, describe a
 * UnixFS node, stream a file, list a directory, walk a DAG for a CAR, and pack a TAR. The gateway's
 * handlers see only this interface; createCoreBackend implements it over a tsipfs node.
 */
import { walkPath, exporter, type PathEntry, type UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { TsipfsNode } from '../core/node.ts'
import { parsePath, formatPath } from '../core/path.ts'
import { readFile } from '../core/unixfs/read.ts'
import { PathNotFoundError, isMissingName, toTsipfsError } from '../core/errors.ts'
import { LruCache } from './cache.ts'
import { createRoutingBackend, type RoutingBackend } from './routing-backend.ts'

export interface Resolved {
  /** The CID the path ends at */
  cid: CID
  /**
   * One CID per path segment, root first (X-Ipfs-Roots, path-gateway.md): the block each segment ends in, so
   * a segment that names a field inside a dag-cbor/dag-json block repeats that block's CID (as Kubo does)
   */
  roots: CID[]
  /** The entry at the end of the path */
  entry: UnixFSEntry
  /** Path segments left inside a block that is not UnixFS (a dag-cbor/dag-json field path) */
  remainder: string[]
}

export interface DirLink { name: string, cid: CID, size: bigint }

/** The /routing/v1 API's part (routing-backend.ts) is here too */
export interface GatewayBackend extends RoutingBackend {
  resolve(path: string, options?: AbortOptions): Promise<Resolved>
  /**
   * For a path that does not exist: the CIDs of the path's blocks up to the last segment that does (root
   * first), which prove that the next one is not there. Throws what resolve throws for anything else (a
   * block that cannot be had, say).
   */
  proof(path: string, options?: AbortOptions): Promise<CID[]>
  block(cid: CID, options?: AbortOptions): Promise<Uint8Array>
  has(cid: CID, options?: AbortOptions): Promise<boolean>
  /** A file's bytes (a range of them) */
  read(entry: UnixFSEntry, options?: AbortOptions & { offset?: number, length?: number }): AsyncIterable<Uint8Array>
  /** A small file's whole bytes when they are in memory already (the fast path for hot files) */
  cached?(entry: UnixFSEntry): Uint8Array | undefined
  /** A directory's links, with each child's cumulative size */
  ls(entry: UnixFSEntry, options?: AbortOptions): AsyncIterable<DirLink>
  /** The entry a CID is */
  entry(cid: CID, options?: AbortOptions): Promise<UnixFSEntry>
  tar(path: string, name: string, options?: AbortOptions): AsyncIterable<Uint8Array>
  /** /ipns/<name or domain>[/rest] → an /ipfs/ path and how long it may be cached (seconds) */
  resolveName(path: string, options?: AbortOptions & { recursive?: boolean }): Promise<{ path: string, ttl: number }>
  /** The signed IPNS record of a name */
  ipnsRecord(name: string, options?: AbortOptions): Promise<Uint8Array>
}

/** Files up to this size are kept whole in memory once read */
const SMALL_FILE = 1024 * 1024
/** Memory for small files' bytes */
const FILE_CACHE_BYTES = 64 * 1024 * 1024
/** Resolved paths and entries kept (each a few hundred bytes) */
const RESOLVED_ENTRIES = 10_000

export function createCoreBackend (node: TsipfsNode, init: { offline?: boolean } = {}): GatewayBackend {
  const { blockstore, blocks } = node.components
  // Gateway.NoFetch: every read stays in the local store
  const offline = init.offline === true
  const local = <T extends AbortOptions>(options: T): T & { offline?: boolean } => offline ? { ...options, signal: options.signal, offline } : options
  // /ipfs/ paths, entries and file bytes never change: see cache.ts
  const resolved = new LruCache<Resolved>(RESOLVED_ENTRIES)
  const entries = new LruCache<UnixFSEntry>(RESOLVED_ENTRIES)
  const files = new LruCache<Uint8Array>(FILE_CACHE_BYTES)

  function fileSize (entry: UnixFSEntry): number {
    if (entry.type === 'file') return Number(entry.unixfs.fileSize())
    return Number(entry.size)
  }

  function readUncached (entry: UnixFSEntry, options: AbortOptions & { offset?: number, length?: number }): AsyncIterable<Uint8Array> {
    if (entry.type === 'file') return readFile(blocks, entry.cid, local(options))
    if (entry.type === 'raw' || entry.type === 'identity') return entry.content(local({ offset: options.offset, length: options.length, signal: options.signal }))
    throw new PathNotFoundError('not a file')
  }

  return {
    ...createRoutingBackend(node),
    async resolve (path, options = {}) {
      // keyed by the path as asked (parsing CIDs costs more than the lookup), then by its normal form
      const hit = resolved.get(path)
      if (hit !== undefined) return hit
      const p = formatPath(parsePath(path))
      const r = resolved.get(p) ?? await resolveUncached(p, options)
      resolved.set(p, r)
      if (path !== p) resolved.set(path, r)
      return r
    },
    async proof (path, options = {}) {
      const steps: CID[] = []
      try {
        for await (const step of walkPath(formatPath(parsePath(path)), blockstore, local(options))) steps.push(step.cid)
      } catch (err) {
        const e = pathError(err)
        if (!(e instanceof PathNotFoundError)) throw e
        return steps
      }
      throw new PathNotFoundError(`${path} exists`)
    },
    async block (cid, options = {}) {
      return await blocks.get(cid, local(options))
    },
    async has (cid, options = {}) {
      return await blocks.has(cid, options)
    },
    async * read (entry, options = {}) {
      const size = fileSize(entry)
      if (size > SMALL_FILE || entry.type === 'identity') {
        yield * readUncached(entry, options)
        return
      }
      const key = entry.cid.toString()
      let bytes = files.get(key)
      if (bytes === undefined) {
        const chunks: Uint8Array[] = []
        try {
          for await (const c of readUncached(entry, { signal: options.signal })) chunks.push(c)
        } catch (err) {
          // a block outside the part asked for is missing: read just that part (a Range request is served)
          if (options.offset === undefined && options.length === undefined) throw err
          yield * readUncached(entry, options)
          return
        }
        bytes = chunks.length === 1 ? chunks[0] as Uint8Array : Buffer.concat(chunks)
        files.set(key, bytes, bytes.byteLength)
      }
      const start = Math.min(options.offset ?? 0, bytes.byteLength)
      yield bytes.subarray(start, options.length === undefined ? undefined : start + options.length)
    },
    cached (entry) {
      return files.get(entry.cid.toString())
    },
    async * ls (entry, options = {}) {
      if (entry.type !== 'directory') return
      for await (const link of entry.entries({ signal: options.signal })) {
        yield { name: link.name, cid: link.cid, size: link.size }
      }
    },
    async entry (cid, options = {}) {
      const key = cid.toString()
      const hit = entries.get(key)
      if (hit !== undefined) return hit
      const e = await exporter(cid, blockstore, local(options))
      entries.set(key, e)
      return e
    },
    tar (path, name, options = {}) {
      return node.unixfs.tar(path, name, options)
    },
    async resolveName (path, options = {}) {
      return await node.names.resolve(path, options)
    },
    async ipnsRecord (name, options = {}) {
      return await node.names.getRecord(name, options)
    }
  }

  async function resolveUncached (path: string, options: AbortOptions): Promise<Resolved> {
    const roots: CID[] = []
    let last: PathEntry | undefined
    try {
      for await (const step of walkPath(path, blockstore, local(options))) {
        // a step through fields of a block (`foo/link`) crosses several segments, all but the last in that block
        const prev = roots.at(-1)
        if (prev !== undefined) for (let i = step.name.split('/').length; i > 1; i--) roots.push(prev)
        roots.push(step.cid)
        last = step
      }
      if (last === undefined) throw new PathNotFoundError(`no link named in ${path}`)
      for (let i = last.remainder.length; i > 0; i--) roots.push(last.cid)
      return { cid: last.cid, roots, entry: await exporter(last.cid, blockstore, local(options)), remainder: last.remainder }
    } catch (err) {
      throw pathError(err)
    }
  }
}

/** A name missing along the path is a path that does not exist (toTsipfsError alone would say a block) */
function pathError (err: unknown): Error {
  if (isMissingName(err)) return new PathNotFoundError((err as Error).message, { cause: err })
  return toTsipfsError(err)
}
