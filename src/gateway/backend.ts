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
import { PathNotFoundError, toTsipfsError } from '../core/errors.ts'

export interface Resolved {
  /** The CID the path ends at */
  cid: CID
  /** The CID of each step, root first (X-Ipfs-Roots) */
  roots: CID[]
  /** The entry at the end of the path */
  entry: UnixFSEntry
  /** Path segments left inside a block that is not UnixFS (a dag-cbor/dag-json field path) */
  remainder: string[]
}

export interface DirLink { name: string, cid: CID, size: bigint }

export interface GatewayBackend {
  resolve(path: string, options?: AbortOptions): Promise<Resolved>
  block(cid: CID, options?: AbortOptions): Promise<Uint8Array>
  has(cid: CID, options?: AbortOptions): Promise<boolean>
  /** A file's bytes (a range of them) */
  read(entry: UnixFSEntry, options?: AbortOptions & { offset?: number, length?: number }): AsyncIterable<Uint8Array>
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

export function createCoreBackend (node: TsipfsNode): GatewayBackend {
  const { blockstore, blocks } = node.components
  return {
    async resolve (path, options = {}) {
      const p = formatPath(parsePath(path))
      const roots: CID[] = []
      let last: PathEntry | undefined
      try {
        for await (const step of walkPath(p, blockstore, options)) {
          roots.push(step.cid)
          last = step
        }
        if (last === undefined) throw new PathNotFoundError(`no link named in ${path}`)
        return { cid: last.cid, roots, entry: await exporter(last.cid, blockstore, options), remainder: last.remainder }
      } catch (err) {
        throw toTsipfsError(err)
      }
    },
    async block (cid, options = {}) {
      return await blocks.get(cid, options)
    },
    async has (cid, options = {}) {
      return await blocks.has(cid, options)
    },
    read (entry, options = {}) {
      if (entry.type === 'file') return readFile(blocks, entry.cid, options)
      if (entry.type === 'raw' || entry.type === 'identity') return entry.content({ offset: options.offset, length: options.length, signal: options.signal })
      throw new PathNotFoundError('not a file')
    },
    async * ls (entry, options = {}) {
      if (entry.type !== 'directory') return
      for await (const link of entry.entries({ signal: options.signal })) {
        yield { name: link.name, cid: link.cid, size: link.size }
      }
    },
    async entry (cid, options = {}) {
      return await exporter(cid, blockstore, options)
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
}
