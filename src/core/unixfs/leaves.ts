/**
 * The leaf writer handed to ipfs-unixfs-importer (its `bufferImporter` option). It writes leaves as the
 * importer's own does, but reports the chunk's bytes, not the encoded node, as `block`: the importer's
 * single-leaf reduction uses `block` as file data when it adds mode/mtime, and with dag-pb leaves it would
 * otherwise nest a whole encoded node inside the data (a CID Kubo never makes).
 */
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { UnixFS } from 'ipfs-unixfs'
import type { BufferImporter, ImporterOptions } from 'ipfs-unixfs-importer'

type DirBuilder = NonNullable<ImporterOptions['dirBuilder']>

export function leafWriter (options: { rawLeaves: boolean, leafType: 'file' | 'raw', cidVersion: 0 | 1 }): BufferImporter {
  return async function * (file, blockstore) {
    for await (const chunk of file.content) {
      yield async () => {
        if (options.rawLeaves) {
          const cid = CID.createV1(raw.code, await sha256.digest(chunk))
          await blockstore.put(cid, chunk)
          return { cid, size: BigInt(chunk.byteLength), block: chunk }
        }
        const unixfs = new UnixFS({ type: options.leafType, data: chunk })
        const block = dagPb.encode({ Data: unixfs.marshal(), Links: [] })
        const cid = CID.create(options.cidVersion, dagPb.code, await sha256.digest(block))
        await blockstore.put(cid, block)
        return { cid, unixfs, size: BigInt(block.byteLength), block: chunk }
      }
    }
  }
}

/**
 * The importer's default directory builder writes an empty directory node for every directory it is
 * given, before the tree builder writes the real one: a stray block Kubo never stores. This one computes
 * the same CID without writing; the tree builder writes every directory (empty ones too) when it flushes.
 */
export const dirBuilder: DirBuilder = async (dir, _blockstore, options) => {
  const unixfs = new UnixFS({ type: 'directory', mtime: dir.mtime, mode: dir.mode })
  const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal() }))
  const cid = CID.create(options.cidVersion, dagPb.code, await sha256.digest(block))
  return { cid, path: dir.path, unixfs, size: BigInt(block.length), originalPath: dir.originalPath, block }
}
