/**
 * Write-behind for bulk imports: `put` hands a block to the store and returns at once, so hashing and
 * encoding go on while the store commits; at most `limit` bytes are in flight (memory stays bounded).
 * `flush` waits until every block written so far is committed and synced: callers flush before they write anything
 * that references the blocks (a pin), so an acknowledged pin never has missing blocks.
 */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from './store.ts'

/** Bound on blocks in flight too: each queued write costs the store some memory of its own */
const MAX_PENDING = 1024

/**
 * Bytes put between two turns of the event loop. LMDB starts a transaction on the event loop's next turn
 * (setImmediate), and an add of a local file reads, hashes and puts with synchronous reads and microtasks
 * only: without a turn, no commit began until the write-behind was full, then the add sat idle through
 * the whole commit and its disk sync (256 MiB: 32 such waits, 0.8 s of the add's 1.2 s). A turn every
 * few MiB lets LMDB commit and sync one part while the next is hashed (1.11–1.34 s → 0.69–0.80 s).
 */
const TURN_BYTES = 4 * 1024 * 1024

export class WriteBehind {
  private readonly store: BlockStore
  private readonly limit: number
  private readonly pending = new Set<Promise<void>>()
  private bytes = 0
  private failure: unknown
  private sinceTurn = 0
  private readonly waiting: Array<() => void> = []
  /** resolves when a write fails */
  private readonly failed: Promise<void>
  private fail: () => void = () => {}

  constructor (store: BlockStore, limit = 8 * 1024 * 1024) {
    this.store = store
    this.limit = limit
    this.failed = new Promise<void>(resolve => { this.fail = resolve })
  }

  /** `release` is called once the store is done with `block` (committed or failed), so its buffer may be reused */
  async put (cid: CID, block: Uint8Array, options?: AbortOptions, release?: () => void): Promise<void> {
    if (this.failure !== undefined) throw this.failure
    // one waiter wakes per finished write, and passes the turn on while there is room (no Promise.race over
    // every write in flight)
    while (this.full() && this.failure === undefined) await new Promise<void>(resolve => { this.waiting.push(resolve) })
    if (this.failure !== undefined) throw this.failure
    if (!this.full()) this.waiting.shift()?.()
    const size = block.byteLength
    this.bytes += size
    const p: Promise<void> = this.store.put(cid, block, options)
      .catch((err: unknown) => {
        this.failure ??= err
        // every waiter gives up at once: the store's other writes may never settle (lmdb-failure.ts)
        this.fail()
        for (const wake of this.waiting.splice(0)) wake()
      })
      .finally(() => {
        this.bytes -= size
        this.pending.delete(p)
        release?.()
        this.waiting.shift()?.()
      })
    this.pending.add(p)
    this.sinceTurn += size
    if (this.sinceTurn >= TURN_BYTES) {
      this.sinceTurn = 0
      await new Promise<void>(resolve => { setImmediate(resolve) })
    }
  }

  private full (): boolean {
    return (this.bytes > this.limit || this.pending.size >= MAX_PENDING) && this.pending.size > 0
  }

  /** Wait until every block put so far is committed and on disk */
  async flush (): Promise<void> {
    while (this.pending.size > 0 && this.failure === undefined) await Promise.race([Promise.all(this.pending), this.failed])
    if (this.failure !== undefined) throw this.failure
    await this.store.sync()
  }
}
