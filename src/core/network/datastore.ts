/**
 * libp2p's datastore in the repo: an interface-datastore `Datastore` over the `libp2p` database of the
 * repo's LMDB environment (beside `blocks` and `meta`), so that what libp2p keeps in
 * `components.datastore` survives a restart, as Kubo keeps it in its repo's datastore:
 * - the DHTs' record stores (`/<dht>/record/…`: IPNS and public-key records peers put to us) and provider
 *   stores (`/<dht>/provider/<cid>/<peer>`: who provides what, with the time it was announced);
 * - the peer store (`/peers/<peer>`: addresses, protocols, keys). It is persisted too, unlike Kubo's
 *   in-memory peerstore, because @libp2p/kad-dht answers a provider record from the peer store: a
 *   provider the peer store does not know is left out of local lookups and makes a peer's GET_PROVIDERS
 *   request fail, so stored provider records without their peers would be worse than none after a restart.
 *
 * The node's own entry is kept too: identify announces the protocols it lists, and libp2p writes them
 * (and our addresses) anew at every start, so a previous run's (pubsub since turned off) are not announced.
 *
 * Neither `repo gc`, `repo stat` (objects) nor `repo verify` reads this database: they walk `blocks` only.
 * A write resolves once its LMDB transaction has committed (atomic, so the repo opens after a kill -9 and
 * holds the last committed state), without waiting for the disk sync each pin waits for: a power cut may
 * lose the last records, which their senders put again (providers re-announce, publishers republish).
 * Peer store writes (WRITE_BEHIND) resolve before their commit; reads see them at once.
 */
import { BaseDatastore } from 'datastore-core'
import { Key, type Batch, type KeyQuery, type Pair, type Query } from 'interface-datastore'
import { NotFoundError, type AbortOptions } from '@libp2p/interface'
import type { Database, RootDatabase } from 'lmdb'
import { breathe } from '../breathe.ts'
import { lmdbWrite } from '../blocks/lmdb-failure.ts'

/** LMDB's largest key (bytes); a longer key is refused on put and is never found */
const MAX_KEY_BYTES = 1978
/** Entries a query reads at a time */
const RANGE_PAGE = 256
/**
 * Keys whose puts and deletes resolve before their commit (the peer store's). libp2p writes a peer's
 * record again (`peerStore.merge` of the protocol) for every stream the peer opens to us, and hands the
 * stream to its handler only after that write, one write at a time per peer. Kubo opens a stream for every
 * Bitswap message it sends, one block each: while a fetch wrote its blocks to the same LMDB environment,
 * each commit took 6 ms (median) to 150 ms, and the blocks waited for them one after the other (`pin add`
 * of 64 MiB from Kubo: 279 peer writes, 3.1 s of waiting; the fetching daemon sat idle 40% of the fetch,
 * 8% without the waits, on a busy 2-core machine). Until its commit, a write is kept here, and
 * reads (get, has) answer from it; a query first waits for the writes made before it to commit. A write
 * LMDB fails is lost: a peer's record is rewritten at its next stream or identify.
 *
 * The writes are also held for up to COALESCE_MS, and only the last value of each key is written, all of
 * them in one transaction: one commit per stream cost the same fetch from Kubo 0.28 s of the fetching
 * daemon's 2.9 s of CPU (256 MiB, 1,024 streams, each a transaction of its own beside the blocks'). What
 * was held is written when a query or batch needs it and when the datastore closes; a kill -9 loses it,
 * as it loses Kubo's in-memory peerstore.
 */
const WRITE_BEHIND = '/peers/'
/** How long a peer store write waits for the next ones, to share their commit */
const COALESCE_MS = 1000

function encodeKey (key: Key): Buffer {
  return Buffer.from(key.toString(), 'utf8')
}

function checkedKey (key: Key): Buffer {
  const k = encodeKey(key)
  if (k.byteLength > MAX_KEY_BYTES) throw new RangeError(`datastore key too long (${k.byteLength} bytes, at most ${MAX_KEY_BYTES})`)
  return k
}

export class LmdbDatastore extends BaseDatastore {
  readonly #db: Database<Buffer, Buffer>
  readonly #root: RootDatabase
  #closed = false
  /** WRITE_BEHIND writes not committed yet, by key (null: a delete) */
  readonly #uncommitted = new Map<string, Buffer | null>()
  /** their commits, settled (never rejected) */
  readonly #commits = new Set<Promise<void>>()
  /** the keys of #uncommitted whose writes wait for the timer, not yet handed to LMDB */
  readonly #held = new Set<string>()
  #timer: ReturnType<typeof setTimeout> | undefined

  /** Opens (creating it if need be) the named database of an open LMDB environment */
  constructor (root: RootDatabase, name = 'libp2p') {
    super()
    this.#root = root
    this.#db = root.openDB<Buffer, Buffer>({ name, encoding: 'binary', keyEncoding: 'binary' })
  }

  /**
   * Called before the environment closes: libp2p's fire-and-forget writes (the peer store updated as its
   * listeners close) may come after it has stopped, and LMDB must not be touched once closed
   */
  close (): void {
    this.#writeHeld()
    this.#closed = true
  }

  #open (): void {
    if (this.#closed) throw new Error('the repo is closed')
  }

  override async put (key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    options?.signal?.throwIfAborted()
    this.#open()
    const k = checkedKey(key)
    const v = Buffer.from(value)
    if (key.toString().startsWith(WRITE_BEHIND)) this.#hold(key.toString(), v)
    else await lmdbWrite(this.#root, () => this.#db.put(k, v))
    return key
  }

  override async get (key: Key, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    this.#open()
    const pending = this.#uncommitted.get(key.toString())
    // a copy: what a caller does with it must not change the write
    if (pending !== undefined && pending !== null) return Uint8Array.prototype.slice.call(pending)
    const k = encodeKey(key)
    const value = pending === null || k.byteLength > MAX_KEY_BYTES ? undefined : this.#db.getBinary(k)
    if (value === undefined) throw new NotFoundError(`no value for key ${key.toString()}`)
    return value
  }

  override async has (key: Key, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted()
    this.#open()
    const pending = this.#uncommitted.get(key.toString())
    if (pending !== undefined) return pending !== null
    const k = encodeKey(key)
    return k.byteLength <= MAX_KEY_BYTES && this.#db.doesExist(k)
  }

  override async delete (key: Key, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    this.#open()
    const k = encodeKey(key)
    if (k.byteLength > MAX_KEY_BYTES) return
    if (key.toString().startsWith(WRITE_BEHIND)) this.#hold(key.toString(), null)
    else await lmdbWrite(this.#root, () => this.#db.remove(k))
  }

  /** Keep a WRITE_BEHIND write (its value, or null for a delete) for reads, and write it when the timer fires */
  #hold (key: string, value: Buffer | null): void {
    this.#uncommitted.set(key, value)
    this.#held.add(key)
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => { this.#writeHeld() }, COALESCE_MS)
      this.#timer.unref()
    }
  }

  /** Hand the held writes to LMDB, in one event turn (one transaction); reads see them until each commits */
  #writeHeld (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#closed) return
    for (const key of this.#held) {
      const value = this.#uncommitted.get(key) as Buffer | null
      const k = Buffer.from(key, 'utf8')
      const commit: Promise<void> = lmdbWrite(this.#root, async () => value === null ? await this.#db.remove(k) : await this.#db.put(k, value)).then(() => {}, () => {}).finally(() => {
        // a later write of the key keeps its own entry
        if (this.#uncommitted.get(key) === value) this.#uncommitted.delete(key)
        this.#commits.delete(commit)
      })
      this.#commits.add(commit)
    }
    this.#held.clear()
  }

  /** Resolves once the WRITE_BEHIND writes made so far have committed (or failed) */
  async #committed (): Promise<void> {
    this.#writeHeld()
    if (this.#commits.size > 0) await Promise.all([...this.#commits])
  }

  /** The writes are applied in one transaction: all or none */
  override batch (): Batch {
    const ops: Array<{ key: Buffer, value?: Buffer }> = []
    return {
      put: (key, value) => { ops.push({ key: checkedKey(key), value: Buffer.from(value) }) },
      delete: (key) => { ops.push({ key: encodeKey(key) }) },
      commit: async (options?: AbortOptions) => {
        options?.signal?.throwIfAborted()
        this.#open()
        const todo = ops.splice(0)
        // the batch's values, not earlier uncommitted ones, are what reads see once it resolves
        await this.#committed()
        await lmdbWrite(this.#root, () => this.#db.transaction(() => {
          for (const op of todo) {
            if (op.value !== undefined) void this.#db.put(op.key, op.value)
            else if (op.key.byteLength <= MAX_KEY_BYTES) void this.#db.remove(op.key)
          }
        }))
      }
    }
  }

  /** The entries in key order, from the prefix on (BaseDatastore.query then applies filters, orders, offset and limit) */
  override async * _all (q: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    await this.#committed()
    for (const { key, value } of this.#range(q.prefix, options)) {
      await breathe()
      yield { key: new Key(key.toString('utf8'), false), value }
    }
  }

  override async * _allKeys (q: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    await this.#committed()
    for (const { key } of this.#range(q.prefix, options)) {
      await breathe()
      yield new Key(key.toString('utf8'), false)
    }
  }

  /**
   * The entries from the prefix on, read in pages of RANGE_PAGE: each page is read whole (its values
   * copied) before any is yielded, so a caller may write and delete while it iterates (kad-dht's provider
   * clean-up and the peer store delete expired entries as they go) and no entry is skipped
   */
  * #range (prefix: string | undefined, options?: AbortOptions): Generator<{ key: Buffer, value: Uint8Array }> {
    const start = Buffer.from(prefix ?? '', 'utf8')
    let after: Buffer | undefined
    for (;;) {
      options?.signal?.throwIfAborted()
      this.#open()
      const from = after ?? (start.byteLength > 0 ? start : undefined)
      const page: Array<{ key: Buffer, value: Uint8Array }> = []
      for (const { key, value } of this.#db.getRange({ ...(from !== undefined ? { start: from } : {}), limit: RANGE_PAGE + 1 })) {
        if (after !== undefined && key.equals(after)) continue
        if (!key.subarray(0, start.byteLength).equals(start)) break
        // copied: LMDB's buffers may be reused by the next read
        page.push({ key: Buffer.from(key), value: Uint8Array.prototype.slice.call(value) })
        if (page.length === RANGE_PAGE) break
      }
      yield * page
      if (page.length < RANGE_PAGE) return
      after = page[page.length - 1]?.key
    }
  }
}

