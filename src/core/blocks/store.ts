/**
 * The block store contract every backend implements, and the adapter that lets ipfs-unixfs-importer/exporter
 * and @ipld/car use it as an interface-blockstore. Blocks are keyed by multihash, as Kubo keys them, so the
 * same bytes under a CIDv0 and a CIDv1 are stored once.
 */
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { decode as decodeDigest } from 'multiformats/hashes/digest'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore as InterfaceBlockstore, Pair, InputPair } from 'interface-blockstore'
import { breathe } from '../breathe.ts'

export interface BlockStore {
  has(cid: CID, options?: AbortOptions): Promise<boolean>
  /** The block's bytes; throws BlockNotFoundError when absent (a networked store fetches unless `offline`) */
  get(cid: CID, options?: AbortOptions & { offline?: boolean }): Promise<Uint8Array>
  /** Store a block; resolves once it is durable (committed) */
  put(cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<void>
  delete(cid: CID, options?: AbortOptions): Promise<void>
  /** Every stored block, as a CIDv1 with the raw codec (the codec is not stored) */
  keys(options?: AbortOptions): AsyncIterable<CID>
  /** Number of blocks and the sum of their sizes */
  stat(options?: AbortOptions): Promise<{ numObjects: number, size: number }>
  /** Resolves once every write so far is on stable storage (not only committed) */
  sync(): Promise<void>
}

/** Key under which a block is stored: its multihash bytes */
export function blockKey (cid: CID): Uint8Array {
  return cid.multihash.bytes
}

/** The CID under which `keys()` reports a stored multihash */
export function keyToCid (key: Uint8Array): CID {
  return CID.createV1(raw.code, decodeDigest(key))
}

async function * collect (bytes: InputPair['bytes']): AsyncGenerator<Uint8Array> {
  if (bytes instanceof Uint8Array) {
    yield bytes
    return
  }
  yield * bytes
}

async function concat (bytes: InputPair['bytes']): Promise<Uint8Array> {
  if (bytes instanceof Uint8Array) return bytes
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const c of collect(bytes)) {
    chunks.push(c)
    length += c.byteLength
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** View a BlockStore as an interface-blockstore, for the IPLD libraries */
export function asInterfaceBlockstore (store: BlockStore): InterfaceBlockstore {
  return {
    async has (cid, options) {
      return await store.has(cid, options)
    },
    async put (cid, bytes, options) {
      await store.put(cid, await concat(bytes), options)
      return cid
    },
    async * putMany (source, options) {
      for await (const { cid, bytes } of source) {
        await store.put(cid, await concat(bytes), options)
        yield cid
      }
    },
    async * get (cid, options) {
      await breathe()
      options?.signal?.throwIfAborted()
      yield await store.get(cid, options)
    },
    async * getMany (source, options) {
      for await (const cid of source) {
        const bytes = await store.get(cid, options)
        yield { cid, bytes: (function * () { yield bytes })() } satisfies Pair
      }
    },
    async delete (cid, options) {
      await store.delete(cid, options)
    },
    async * deleteMany (source, options) {
      for await (const cid of source) {
        await store.delete(cid, options)
        yield cid
      }
    },
    async * getAll (options) {
      for await (const cid of store.keys(options)) {
        const bytes = await store.get(cid, options)
        yield { cid, bytes: (function * () { yield bytes })() }
      }
    }
  }
}

/**
 * Identity CIDs carry their data in the multihash: reading one never touches the store, and writing one
 * stores nothing (Kubo behaves the same way).
 */
export function withIdentity (store: BlockStore): BlockStore {
  return {
    async has (cid, options) {
      return cid.multihash.code === 0x00 ? true : await store.has(cid, options)
    },
    async get (cid, options) {
      return cid.multihash.code === 0x00 ? cid.multihash.digest : await store.get(cid, options)
    },
    async put (cid, bytes, options) {
      if (cid.multihash.code !== 0x00) await store.put(cid, bytes, options)
    },
    async delete (cid, options) {
      if (cid.multihash.code !== 0x00) await store.delete(cid, options)
    },
    keys: (options) => store.keys(options),
    stat: async (options) => await store.stat(options),
    sync: async () => { await store.sync() }
  }
}
