/**
 * `get`: a UnixFS tree as a stream of entries, depth-first, with names checked so that nothing can be
 * written outside the output folder: a link name whose path leaves the root, or that is empty, `.`,
 * absolute, or holds `\\` or NUL, is refused.
 */
import { posix } from 'node:path'
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import { exporter } from './exporter.ts'
import type { AbortOptions } from '@libp2p/interface'
import type { ReadableStorage } from 'ipfs-unixfs-exporter'
import { InvalidPathError, toTsipfsError } from '../errors.ts'
import type { BlockStore } from '../blocks/store.ts'
import { readFile } from './read.ts'

export interface GetEntry {
  /** relative path, '/'-separated, starting with the root's name */
  path: string
  type: 'file' | 'directory' | 'symlink'
  content?: AsyncIterable<Uint8Array>
  size: bigint
  target?: string
  mode?: number
  mtime?: Date
}

/**
 * The path of a link below `rel`. As in Kubo, a name may hold `/` and `..` as long as the path it makes stays
 * below the root (the conformance suite's path_gateway_tar fixtures have both kinds); absolute names, `\\`,
 * NUL, empty names and a path back to the root itself are refused. The message keeps Kubo's words (with its
 * typo, "now" for "not"), which the gateway conformance suite looks for.
 */
export function childPath (rel: string, name: string): string {
  const root = rel.split('/')[0] as string
  const path = posix.normalize(`${rel}/${name}`)
  if (name === '' || name === '.' || name.startsWith('/') || name.includes('\0') || name.includes('\\') || !path.startsWith(`${root}/`)) {
    throw new InvalidPathError(`refusing unsafe name ${JSON.stringify(name)} in DAG: it could write outside the output path (relative UnixFS paths outside the root are now allowed)`)
  }
  return path
}

export function checkName (name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0') || name.includes('\\')) {
    throw new InvalidPathError(`refusing unsafe name ${JSON.stringify(name)} in DAG: it could write outside the output path`)
  }
  return name
}

function meta (entry: UnixFSEntry): Pick<GetEntry, 'mode' | 'mtime'> {
  if (entry.type !== 'file' && entry.type !== 'directory') return {}
  const u = entry.unixfs
  const mtime = u.mtime === undefined ? undefined : new Date(Number(u.mtime.secs) * 1000 + Math.floor((u.mtime.nsecs ?? 0) / 1e6))
  return { mode: u.mode, mtime }
}

/** The entries below `root` (resolved by the caller, who says which name a path lacks) */
export async function * getEntries (blockstore: ReadableStorage, blocks: BlockStore, root: UnixFSEntry, rootName: string, options: AbortOptions = {}): AsyncGenerator<GetEntry> {
  async function * walk (entry: UnixFSEntry, rel: string): AsyncGenerator<GetEntry> {
    options.signal?.throwIfAborted()
    if (entry.type === 'directory') {
      yield { path: rel, type: 'directory', size: 0n, ...meta(entry) }
      for await (const link of entry.entries({ signal: options.signal })) {
        const next = childPath(rel, link.name)
        yield * walk(await exporter(link.cid, blockstore, options), next)
      }
      return
    }
    if (entry.type === 'file' && entry.unixfs.type === 'symlink') {
      yield { path: rel, type: 'symlink', size: 0n, target: new TextDecoder().decode(entry.unixfs.data ?? new Uint8Array()), ...meta(entry) }
      return
    }
    if (entry.type === 'file' || entry.type === 'raw' || entry.type === 'identity') {
      const size = entry.type === 'file' ? entry.unixfs.fileSize() : entry.size
      // dag-pb files through the bounded reader (read.ts)
      const content = entry.type === 'file' ? readFile(blocks, entry.cid, options) : entry.content({ signal: options.signal })
      yield { path: rel, type: 'file', size, content, ...meta(entry) }
      return
    }
    throw new InvalidPathError(`cannot get a ${entry.type} node as a file`)
  }
  yield * walk(root, checkName(rootName))
}
