/**
 * Loading and storing the UnixFS nodes MFS works on: dag-pb nodes with their decoded UnixFS Data, and raw
 * leaves. A node is written with the CID prefix (version + hash function) of the file or directory it
 * belongs to, as Kubo's MFS does.
 */
import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import type { MultihashHasher } from 'multiformats/hashes/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from '../blocks/store.ts'
import { hasherByCode, hasherByName } from '../blocks/hashers.ts'
import { decodeData, type PbData } from './pb-data.ts'
import { InvalidArgumentError, UnsupportedError } from '../errors.ts'
import { cumulativeSize } from './inspect.ts'

/** How new nodes are addressed: CID version and hash function (codec follows the node) */
export interface Prefix {
  version: 0 | 1
  hasher: MultihashHasher<number>
}

export const DEFAULT_PREFIX: Prefix = { version: 0, hasher: hasherByName('sha2-256') }

/** Blocks of at most this size may use the identity hash (Kubo's verifcid limit) */
const MAX_IDENTITY = 128

export function prefixOf (cid: CID): Prefix {
  return { version: cid.version === 0 ? 0 : 1, hasher: hasherByCode(cid.multihash.code) }
}

/** Kubo's prefix rule for --cid-version/--hash: a hash other than sha2-256 implies CIDv1 */
export function makePrefix (cidVersion: number | undefined, hash: string | undefined): Prefix {
  if (cidVersion !== undefined && cidVersion !== 0 && cidVersion !== 1) throw new InvalidArgumentError(`unknown CID version: ${cidVersion}`)
  let version = (cidVersion ?? 0) as 0 | 1
  const hasher = hash === undefined ? DEFAULT_PREFIX.hasher : hasherByName(hash.toLowerCase())
  if (hash !== undefined && cidVersion === undefined) version = 1
  if (hasher.code !== 0x12) version = 1
  return { version, hasher }
}

export type FsNode =
  | { kind: 'raw', cid: CID, bytes: Uint8Array }
  | { kind: 'pb', cid: CID, bytes: Uint8Array, pb: dagPb.PBNode, data: PbData }

export { cumulativeSize }

export class NodeStore {
  private readonly blocks: BlockStore
  constructor (blocks: BlockStore) {
    this.blocks = blocks
  }

  async load (cid: CID, options: AbortOptions = {}): Promise<FsNode> {
    const bytes = await this.blocks.get(cid, options)
    if (cid.code === raw.code) return { kind: 'raw', cid, bytes }
    if (cid.code !== dagPb.code) throw new UnsupportedError(`${cid.toString()} is not a UnixFS node (dag-pb or raw codec)`)
    const pb = dagPb.decode(bytes)
    if (pb.Data === undefined) throw new InvalidArgumentError(`${cid.toString()} is not a UnixFS node: no Data`)
    return { kind: 'pb', cid, bytes, pb, data: decodeData(pb.Data) }
  }

  private async cidFor (code: number, bytes: Uint8Array, prefix: Prefix): Promise<CID> {
    let hasher = prefix.hasher
    // identity CIDs only for small blocks; larger ones fall back to sha2-256 (as Kubo's DagModifier)
    if (hasher.code === 0x00 && bytes.byteLength > MAX_IDENTITY) hasher = DEFAULT_PREFIX.hasher
    const digest = await hasher.digest(bytes)
    if (prefix.version === 0 && code === dagPb.code && hasher.code === 0x12) return CID.createV0(digest as never)
    return CID.createV1(code, digest)
  }

  /** Encode a dag-pb node without storing it (links in the order given; named links sorted already) */
  async makePb (pb: dagPb.PBNode, prefix: Prefix): Promise<FsNode & { kind: 'pb' }> {
    const bytes = dagPb.encode(pb)
    const cid = await this.cidFor(dagPb.code, bytes, prefix)
    return { kind: 'pb', cid, bytes, pb, data: decodeData(pb.Data as Uint8Array) }
  }

  /** Encode and store a dag-pb node */
  async putPb (pb: dagPb.PBNode, prefix: Prefix, options: AbortOptions = {}): Promise<FsNode & { kind: 'pb' }> {
    const node = await this.makePb(pb, prefix)
    await this.blocks.put(node.cid, node.bytes, options)
    return node
  }

  /** Store a dag-pb node already encoded */
  async putEncodedPb (bytes: Uint8Array, prefix: Prefix, options: AbortOptions = {}): Promise<FsNode & { kind: 'pb' }> {
    const cid = await this.cidFor(dagPb.code, bytes, prefix)
    await this.blocks.put(cid, bytes, options)
    const pb = dagPb.decode(bytes)
    return { kind: 'pb', cid, bytes, pb, data: decodeData(pb.Data as Uint8Array) }
  }

  /** Store a raw leaf: always CIDv1 raw, with the prefix's hash function */
  async putRaw (bytes: Uint8Array, prefix: Prefix, options: AbortOptions = {}): Promise<FsNode & { kind: 'raw' }> {
    const cid = await this.cidFor(raw.code, bytes, { version: 1, hasher: prefix.hasher })
    await this.blocks.put(cid, bytes, options)
    return { kind: 'raw', cid, bytes }
  }

  async has (cid: CID, options: AbortOptions = {}): Promise<boolean> {
    return await this.blocks.has(cid, options)
  }
}

/** A dag-pb link to a node, as Kubo's AddNodeLink makes it */
export function linkTo (node: FsNode, name: string): dagPb.PBLink {
  return { Name: name, Hash: node.cid, Tsize: cumulativeSize(node) }
}
