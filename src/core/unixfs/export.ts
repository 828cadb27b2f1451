/** UnixFS out: cat, ls and get over ipfs-unixfs-exporter, resolving paths through any codec. */
import { exporter } from 'ipfs-unixfs-exporter'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Components } from '../node.ts'
import { parsePath, formatPath } from '../path.ts'
import { WrongNodeTypeError, toTsipfsError } from '../errors.ts'

export function createExporter ({ blockstore }: Components) {
  return {
    /** The CID a path points at (the last node the path names) */
    async resolve (path: string, options: AbortOptions = {}): Promise<CID> {
      const p = parsePath(path)
      if (p.segments.length === 0) return p.root
      try {
        return (await exporter(formatPath(p), blockstore, options)).cid
      } catch (err) {
        throw toTsipfsError(err)
      }
    },

    /** Bytes of a file, from `offset` for `length` bytes */
    async * cat (path: string, options: AbortOptions & { offset?: number, length?: number } = {}): AsyncGenerator<Uint8Array> {
      const p = parsePath(path)
      let entry
      try {
        entry = await exporter(formatPath(p), blockstore, options)
      } catch (err) {
        throw toTsipfsError(err)
      }
      if (entry.type === 'directory') throw new WrongNodeTypeError('this dag node is a directory')
      if (entry.type === 'object') throw new WrongNodeTypeError('this dag node is not a file')
      yield * entry.content({ offset: options.offset, length: options.length, signal: options.signal })
    }
  }
}
