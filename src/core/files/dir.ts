/**
 * UnixFS directories as MFS changes them: read a directory's entries (plain or HAMT-sharded), and write a
 * new directory node with one entry added, replaced or removed. A plain directory keeps its UnixFS data
 * (mode, mtime) byte for byte and its links sorted by name, as Kubo's do. When the entries outgrow
 * Import.UnixFSHAMTDirectorySizeThreshold (estimated as Kubo does), the directory is written as a HAMT;
 * when they shrink back under it, as a plain directory again.
 */
import * as dagPb from '@ipld/dag-pb'
import { importer, type ImporterOptions } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import { TYPE, decodeData, encodeData, type PbData } from './pb-data.ts'
import type { FsNode, NodeStore, Prefix } from './nodes.ts'
import { WrongNodeTypeError } from '../errors.ts'
import { isDir, type DirNode } from './inspect.ts'

export interface DirEntry {
  name: string
  cid: CID
  /** The link's recorded cumulative size */
  size: number
}

export interface ShardingOptions {
  /** Bytes; Infinity never shards */
  threshold: number
  estimation: 'links' | 'block'
  fanout: number
}

export { isDir, type DirNode }

export function asDir (node: FsNode, path: string): DirNode {
  if (!isDir(node)) throw new WrongNodeTypeError(`${path} is not a directory`)
  return node
}

const encoder = new TextEncoder()

/** Entries in directory order (plain: link order; HAMT: the shard's order) */
export async function dirEntries (store: NodeStore, dir: DirNode, options: AbortOptions = {}): Promise<DirEntry[]> {
  if (dir.data.type === TYPE.directory) return dir.pb.Links.map(l => ({ name: l.Name ?? '', cid: l.Hash, size: l.Tsize ?? 0 }))
  const out: DirEntry[] = []
  const pad = ((dir.data.fanout ?? 256) - 1).toString(16).length
  const walk = async (node: DirNode): Promise<void> => {
    for (const l of node.pb.Links) {
      const name = l.Name ?? ''
      if (name.length === pad) {
        const sub = await store.load(l.Hash, options)
        if (!isDir(sub) || sub.data.type !== TYPE.hamt) throw new WrongNodeTypeError(`bad HAMT shard ${l.Hash.toString()}`)
        await walk(sub)
      } else {
        out.push({ name: name.slice(pad), cid: l.Hash, size: l.Tsize ?? 0 })
      }
    }
  }
  await walk(dir)
  return out
}

export async function dirChild (store: NodeStore, dir: DirNode, name: string, options: AbortOptions = {}): Promise<DirEntry | undefined> {
  if (dir.data.type === TYPE.directory) {
    const l = dir.pb.Links.find(l => l.Name === name)
    return l === undefined ? undefined : { name, cid: l.Hash, size: l.Tsize ?? 0 }
  }
  return (await dirEntries(store, dir, options)).find(e => e.name === name)
}

/** Kubo's size estimate of a plain directory, to decide when it becomes a HAMT */
function estimate (entries: DirEntry[], data: Uint8Array, mode: 'links' | 'block'): number {
  let n = 0
  if (mode === 'links') {
    for (const e of entries) n += encoder.encode(e.name).byteLength + e.cid.bytes.byteLength
    return n
  }
  return dagPb.encode(dagPb.prepare({ Data: data, Links: entries.map(e => ({ Name: e.name, Hash: e.cid, Tsize: e.size })) })).byteLength
}

function compareNames (a: DirEntry, b: DirEntry): number {
  return Buffer.compare(encoder.encode(a.name), encoder.encode(b.name))
}

/**
 * A directory with `entries` and the UnixFS data of `like` (its mode and mtime), written with `prefix`.
 * `like` may be a HAMT root: a plain directory made from it keeps its mode and mtime only.
 */
export async function writeDir (store: NodeStore, blockstore: Blockstore, entries: DirEntry[], like: PbData, prefix: Prefix, sharding: ShardingOptions, options: AbortOptions = {}): Promise<DirNode> {
  const flatData: PbData = like.type === TYPE.directory ? like : { type: TYPE.directory, blocksizes: [], mode: like.mode, mtime: like.mtime }
  const dataBytes = encodeData(flatData)
  const sorted = [...entries].sort(compareNames)
  if (estimate(sorted, dataBytes, sharding.estimation) <= sharding.threshold) {
    const node = await store.putPb({ Data: dataBytes, Links: sorted.map(e => ({ Name: e.name, Hash: e.cid, Tsize: e.size })) }, prefix, options)
    return node as DirNode
  }
  return await writeHamt(store, blockstore, sorted, flatData, prefix, sharding, options)
}

/**
 * A HAMT-sharded directory of existing entries, built by ipfs-unixfs-importer's own sharding code (the
 * same that `add` uses, which matches Kubo's shards): each entry is handed over as an already-built file.
 */
async function writeHamt (store: NodeStore, blockstore: Blockstore, entries: DirEntry[], data: PbData, prefix: Prefix, sharding: ShardingOptions, options: AbortOptions): Promise<DirNode> {
  const byPath = new Map(entries.map(e => [`d/${e.name}`, e]))
  const fileBuilder: ImporterOptions['fileBuilder'] = async (file) => {
    const e = byPath.get(file.path ?? '') as DirEntry
    return { cid: e.cid, size: BigInt(e.size), path: file.path }
  }
  const candidates = async function * (): AsyncGenerator<{ path: string, content?: Uint8Array, mode?: number, mtime?: { secs: bigint, nsecs?: number } }> {
    yield { path: 'd', mode: data.mode, mtime: data.mtime === undefined ? undefined : { secs: BigInt(data.mtime.secs), nsecs: data.mtime.nsecs } }
    for (const path of byPath.keys()) yield { path, content: new Uint8Array(0) }
  }
  let root: CID | undefined
  for await (const out of importer(candidates(), blockstore, {
    fileBuilder,
    cidVersion: prefix.version,
    shardSplitThresholdBytes: sharding.threshold,
    shardSplitStrategy: sharding.estimation === 'block' ? 'block-bytes' : 'links-bytes',
    shardFanoutBits: Math.log2(sharding.fanout)
  })) {
    options.signal?.throwIfAborted()
    if (out.path === 'd') root = out.cid
  }
  if (root === undefined) throw new WrongNodeTypeError('could not build the sharded directory')
  const node = await store.load(root, options)
  if (!isDir(node)) throw new WrongNodeTypeError('could not build the sharded directory')
  return prefix.hasher.code === 0x12 ? node : await rehashShards(store, node, prefix, options)
}

/** The importer hashes with sha2-256: re-address the shard nodes (not the entries) with the prefix's hash */
async function rehashShards (store: NodeStore, node: DirNode, prefix: Prefix, options: AbortOptions): Promise<DirNode> {
  const pad = ((node.data.fanout ?? 256) - 1).toString(16).length
  const links = []
  for (const l of node.pb.Links) {
    if ((l.Name ?? '').length !== pad) {
      links.push(l)
      continue
    }
    const sub = await rehashShards(store, asDir(await store.load(l.Hash, options), 'shard'), prefix, options)
    links.push({ ...l, Hash: sub.cid })
  }
  return await store.putPb({ Data: node.pb.Data, Links: links }, prefix, options) as DirNode
}

/** A new empty directory node's UnixFS data */
export function emptyDirData (mode?: number, mtime?: { secs: number, nsecs?: number }): PbData {
  return { type: TYPE.directory, blocksizes: [], mode, mtime }
}

export { decodeData }
