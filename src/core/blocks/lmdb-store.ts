/**
 * The default store: one LMDB environment (`$IPFS_PATH/datastore`) with a `blocks` database (multihash →
 * bytes) and a `meta` database (string key → JSON) for pins, the MFS root and other small records.
 * LMDB commits are atomic and ordered, so a kill -9 leaves the last committed state; `put` resolves once its
 * transaction has committed, and `sync` once everything committed is on disk. Metadata writes (pins) wait
 * for the sync, so an acknowledged pin survives a power cut too.
 */
import { open, type RootDatabase, type Database } from 'lmdb'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import { BlockNotFoundError } from '../errors.ts'
import { lmdbWrite, lmdbFlushed } from './lmdb-failure.ts'
import { blockKey, keyToCid, type BlockStore } from './store.ts'
import type { MetaStore } from './meta.ts'
import { checkLmdbFile } from './lmdb-check.ts'

export interface LmdbEnv {
  root: RootDatabase
  blocks: Database<Buffer, Buffer>
  meta: Database<unknown, string>
}

export async function openLmdb (path: string): Promise<LmdbEnv> {
  await mkdir(path, { recursive: true, mode: 0o700 })
  await checkLmdbFile(join(path, 'data.mdb'))
  // separateFlushed: a write resolves once committed (atomic, visible, safe from kill -9); `flushed` says
  // when it is also synced to disk. Bulk writes wait for one sync at the end instead of one per commit.
  const root = open({ path, compression: false, maxDbs: 8, mapSize: 2 ** 36, remapChunks: false, pageSize: 16384, separateFlushed: true })
  const blocks = root.openDB<Buffer, Buffer>({ name: 'blocks', encoding: 'binary', keyEncoding: 'binary' })
  const meta = root.openDB<unknown, string>({ name: 'meta', encoding: 'json', keyEncoding: 'ordered-binary' })
  return { root, blocks, meta }
}

export class LmdbBlockStore implements BlockStore {
  private readonly db: Database<Buffer, Buffer>
  private readonly root: RootDatabase

  constructor (env: LmdbEnv) {
    this.db = env.blocks
    this.root = env.root
  }

  async sync (): Promise<void> {
    await lmdbFlushed(this.root)
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    return this.db.doesExist(Buffer.from(blockKey(cid)))
  }

  async get (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    const bytes = this.db.getBinary(Buffer.from(blockKey(cid)))
    if (bytes === undefined) throw new BlockNotFoundError(`block was not found locally (offline): ipld: could not find ${cid.toString()}`)
    return bytes
  }

  async put (cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await lmdbWrite(this.root, () => this.db.put(Buffer.from(blockKey(cid)), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)))
  }

  async delete (cid: CID, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await lmdbWrite(this.root, () => this.db.remove(Buffer.from(blockKey(cid))))
  }

  async * keys (options?: AbortOptions): AsyncIterable<CID> {
    for (const key of this.db.getKeys({ snapshot: false })) {
      options?.signal?.throwIfAborted()
      yield keyToCid(key)
    }
  }

  async stat (options?: AbortOptions): Promise<{ numObjects: number, size: number }> {
    let numObjects = 0
    let size = 0
    for (const { value } of this.db.getRange({ snapshot: false })) {
      options?.signal?.throwIfAborted()
      numObjects++
      size += value.byteLength
    }
    return { numObjects, size }
  }
}

export class LmdbMetaStore implements MetaStore {
  private readonly db: Database<unknown, string>
  private readonly root: RootDatabase

  constructor (env: LmdbEnv) {
    this.db = env.meta
    this.root = env.root
  }

  async get<T> (key: string): Promise<T | undefined> {
    return this.db.get(key) as T | undefined
  }

  async put (key: string, value: unknown): Promise<void> {
    await lmdbWrite(this.root, () => this.db.put(key, value))
    await lmdbFlushed(this.root)
  }

  async delete (key: string): Promise<void> {
    await lmdbWrite(this.root, () => this.db.remove(key))
    await lmdbFlushed(this.root)
  }

  async * list<T> (prefix: string): AsyncIterable<{ key: string, value: T }> {
    for (const { key, value } of this.db.getRange({ start: prefix, snapshot: false })) {
      if (!key.startsWith(prefix)) break
      yield { key, value: value as T }
    }
  }

  async batch (ops: Array<{ type: 'put', key: string, value: unknown } | { type: 'del', key: string }>): Promise<void> {
    await lmdbWrite(this.root, () => this.db.transaction(() => {
      for (const op of ops) {
        if (op.type === 'put') void this.db.put(op.key, op.value)
        else void this.db.remove(op.key)
      }
    }))
    await lmdbFlushed(this.root)
  }
}
