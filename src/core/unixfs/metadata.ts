/**
 * Mode and mtime on a file's root node only, as Kubo stores them. ipfs-unixfs-importer writes a file's
 * metadata into every node it makes for the file (each intermediate node of a deep balanced or trickle
 * DAG), so files are imported without it and this layout wrapper rewrites the root with it. ipfs-unixfs
 * also leaves out a mode equal to the default (0644), which Kubo writes when it is given.
 */
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { UnixFS, type Mtime } from 'ipfs-unixfs'
import type { FileLayout } from 'ipfs-unixfs-importer/layout'
import { withModeField } from './rehash.ts'

export interface FileMetadata { mode?: number, mtime?: Mtime }

export function withRootMetadata (inner: FileLayout, meta: Map<string, FileMetadata>, put: (cid: CID, block: Uint8Array) => Promise<unknown>, cidVersion: 0 | 1): FileLayout {
  return async (source, reduce) => {
    const root = await inner(source, reduce)
    const m = root.path === undefined ? undefined : meta.get(root.path)
    if (m === undefined || root.cid.code !== dagPb.code || root.unixfs === undefined) return root
    // a node the reducer made carries its block; a single leaf reduced to itself carries its UnixFS data
    const made = (root as { block?: Uint8Array }).block
    const node = made === undefined ? undefined : dagPb.decode(made)
    const unixfs = node?.Data === undefined ? new UnixFS({ type: root.unixfs.type as 'file', data: root.unixfs.data }) : UnixFS.unmarshal(node.Data)
    const links = node?.Links ?? []
    if (m.mtime !== undefined) unixfs.mtime = m.mtime
    if (m.mode !== undefined) unixfs.mode = m.mode
    const data = m.mode === undefined ? unixfs.marshal() : withModeField(unixfs.marshal(), m.mode)
    const block = dagPb.encode({ Data: data, Links: links })
    const cid = CID.create(cidVersion, dagPb.code, await sha256.digest(block))
    await put(cid, block)
    const size = BigInt(block.byteLength + links.reduce((a, l) => a + (l.Tsize ?? 0), 0))
    return { ...root, cid, unixfs, size, block }
  }
}
