/**
 * What to announce, as it happens: block writes (strategy `all`), pins (`pinned`, `roots`) and MFS root
 * changes (`mfs`) are noted here; while the node is online the routing API drains the queue in batches:
 * once no entry has come for BATCH_DELAY ms, or MAX_WAIT ms after the first entry that waits, or at once
 * when BATCH_SIZE entries wait. A fetch or an add in full flow is so announced once it ends (or every
 * MAX_WAIT ms): its announcements do not take CPU from the transfer, on this node or on the peers that
 * store the records (each handles every record: three Bitswap providers each spent ~1 s of CPU on the
 * fetcher's ADD_PROVIDER messages during a 256 MiB fetch), and a batch covers more of the keyspace per lookup. Offline (a CLI command on the repo, or
 * `daemon --offline`) nothing is queued: the reprovider announces the whole set on its next run.
 */
import type { CID } from 'multiformats/cid'
import type { Repo } from '../repo/repo.ts'
import { provideConfig, type ProvideConfig } from './strategy.ts'

export interface ProvideEntry {
  cid: CID
  /** Announce every block of the DAG under `cid` too */
  walk: boolean
}

const BATCH_SIZE = 4096
const BATCH_DELAY = 250
const MAX_WAIT = 10_000
/** Entries kept at most; beyond that new ones are dropped (the reprovider catches up) */
const MAX_QUEUE = 1 << 20
const MAX_RETRY_DELAY = 60_000

export class ProvideQueue {
  private readonly repo: Repo
  private entries = new Map<string, ProvideEntry>()
  private sink: ((entries: ProvideEntry[]) => Promise<void>) | undefined
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> | undefined
  /** After a failed batch (no peer reachable yet: a daemon that just started), the next try waits longer */
  private retryDelay = BATCH_DELAY
  /** When the oldest entry waiting came (Date.now()), for MAX_WAIT */
  private firstAt: number | undefined
  dropped = 0

  constructor (repo: Repo) {
    this.repo = repo
  }

  /** The last config parsed, and the repo config it came from */
  private parsed: { from: Repo['config'], value: ProvideConfig } | undefined

  /**
   * The config as it is now, so that `config` changes made while the daemon runs apply: parsed again only
   * when the repo's config object was replaced (saveConfig does), not for every block written (a Bitswap
   * fetch of 256 MiB parsed it 1031 times)
   */
  get config (): ProvideConfig {
    const from = this.repo.config
    if (this.parsed?.from !== from) this.parsed = { from, value: provideConfig(from) }
    return this.parsed.value
  }

  get size (): number {
    return this.entries.size
  }

  /** Start announcing through `sink` (the routing API, once online); undefined stops */
  attach (sink: ((entries: ProvideEntry[]) => Promise<void>) | undefined): void {
    this.sink = sink
    if (sink === undefined) {
      clearTimeout(this.timer)
      this.timer = undefined
      this.entries.clear()
    }
  }

  /** A block was written to the store */
  block (cid: CID): void {
    if (this.sink === undefined) return
    const c = this.safeConfig()
    if (c?.enabled === true && c.strategy.all) this.add({ cid, walk: false })
  }

  /** A pin was added */
  pinned (cid: CID, recursive: boolean): void {
    if (this.sink === undefined) return
    const c = this.safeConfig()
    if (c === undefined || !c.enabled) return
    if (c.strategy.pinned) this.add({ cid, walk: recursive })
    else if (c.strategy.roots) this.add({ cid, walk: false })
  }

  /** The MFS root changed */
  mfs (root: CID): void {
    if (this.sink === undefined) return
    const c = this.safeConfig()
    if (c?.enabled === true && c.strategy.mfs) this.add({ cid: root, walk: true })
  }

  /** Announce what waits now; resolves when it is sent */
  async flush (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.flushing !== undefined) await this.flushing
    const sink = this.sink
    if (sink === undefined || this.entries.size === 0) return
    const batch = [...this.entries.values()]
    this.entries = new Map()
    this.firstAt = undefined
    this.flushing = sink(batch).then(() => {
      this.retryDelay = BATCH_DELAY
    }, () => {
      if (this.sink !== sink) return
      for (const e of batch) this.put(e)
      this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_DELAY)
      this.arm(this.retryDelay)
    }).finally(() => { this.flushing = undefined })
    await this.flushing
  }

  private safeConfig (): ProvideConfig | undefined {
    try {
      return this.config
    } catch {
      return undefined
    }
  }

  private put (entry: ProvideEntry): void {
    const key = entry.cid.toString()
    const had = this.entries.get(key)
    if (had === undefined && this.entries.size >= MAX_QUEUE) { this.dropped++; return }
    this.entries.set(key, { cid: entry.cid, walk: entry.walk || had?.walk === true })
  }

  private arm (delay: number): void {
    if (this.timer !== undefined) return
    this.timer = setTimeout(() => { this.timer = undefined; void this.flush() }, delay)
    this.timer.unref()
  }

  private add (entry: ProvideEntry): void {
    this.put(entry)
    // after a failure, the retry timer stands; new entries go with it
    if (this.retryDelay !== BATCH_DELAY) { this.arm(this.retryDelay); return }
    if (this.entries.size >= BATCH_SIZE) { void this.flush(); return }
    const now = Date.now()
    this.firstAt ??= now
    clearTimeout(this.timer)
    this.timer = undefined
    this.arm(Math.max(0, Math.min(BATCH_DELAY, this.firstAt + MAX_WAIT - now)))
  }
}
