/**
 * The server half of Bitswap: keeps each peer's wantlist (bounded), answers want-have with HAVE,
 * want-block with the block, and either with DONT_HAVE when the peer asked for it; blocks we get later
 * are sent to the peers that still want them (announce). Blocks are read from the local store only, a
 * few at a time per peer, and wait for room in the peer's outbox (its stream's backpressure).
 */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import { cidPrefix, DONT_HAVE, HAVE, WANT_HAVE, type Entry } from './message.ts'
import type { Peer, TheirWant } from './peer.ts'

/** The local store as the server reads it (never the network) */
export interface LocalBlocks {
  has(cid: CID, options?: AbortOptions): Promise<boolean>
  get(cid: CID, options?: AbortOptions): Promise<Uint8Array>
}

/** Most entries kept in one peer's wantlist; more are dropped (and count as a flood) */
export const MAX_WANTLIST = 1024
/** Blocks read from the store at once for one peer */
const READ_AHEAD = 8

export function keyOf (multihash: Uint8Array): string {
  return Buffer.from(multihash.buffer, multihash.byteOffset, multihash.byteLength).toString('base64')
}

/**
 * One want to serve. `want` is the wantlist entry it was made for: a later entry for the same CID (a
 * want-block after a want-have, or the same want sent again) replaces it, and the task made for the
 * replaced entry is then skipped, so that answering the old one (a HAVE) cannot drop the new one.
 */
interface Task { key: string, want: TheirWant, block: boolean, sendDontHave: boolean }

export class Engine {
  readonly #store: LocalBlocks
  readonly #tasks = new Map<Peer, Task[]>()
  readonly #running = new Set<Peer>()

  constructor (store: LocalBlocks) {
    this.#store = store
  }

  /**
   * Apply a peer's wantlist update. Returns how many entries were dropped because the peer's wantlist was
   * full (the caller counts that as misbehaviour). Entries whose CID cannot be parsed throw.
   */
  onWantlist (peer: Peer, entries: Entry[], full: boolean): number {
    if (full) {
      peer.wants.clear()
      this.#tasks.set(peer, [])
    }
    let dropped = 0
    const tasks = this.#tasks.get(peer) ?? []
    for (const e of entries) {
      const cid = CID.decode(e.cid)
      const key = keyOf(cid.multihash.bytes)
      if (e.cancel) {
        peer.wants.delete(key)
        const i = tasks.findIndex(t => t.key === key)
        if (i !== -1) tasks.splice(i, 1)
        continue
      }
      // 1.0.0 and 1.1.0 peers have no want-have: every want is for the block
      const wantType = peer.version === '1.2.0' ? e.wantType : 0
      if (!peer.wants.has(key) && peer.wants.size >= MAX_WANTLIST) {
        dropped++
        continue
      }
      const want: TheirWant = { cid, wantType, sendDontHave: e.sendDontHave && peer.version === '1.2.0', priority: e.priority }
      peer.wants.set(key, want)
      tasks.push({ key, want, block: wantType !== WANT_HAVE, sendDontHave: want.sendDontHave })
    }
    this.#tasks.set(peer, tasks)
    this.#run(peer)
    return dropped
  }

  /** We have `cid` now: serve every peer that wanted it */
  announce (cid: CID, peers: Iterable<Peer>): void {
    const key = keyOf(cid.multihash.bytes)
    for (const peer of peers) {
      const want = peer.wants.get(key)
      if (want === undefined) continue
      const tasks = this.#tasks.get(peer) ?? []
      tasks.push({ key, want, block: want.wantType !== WANT_HAVE, sendDontHave: false })
      this.#tasks.set(peer, tasks)
      this.#run(peer)
    }
  }

  forget (peer: Peer): void {
    this.#tasks.delete(peer)
  }

  #run (peer: Peer): void {
    if (this.#running.has(peer)) return
    this.#running.add(peer)
    void this.#serve(peer).finally(() => { this.#running.delete(peer) })
  }

  async #serve (peer: Peer): Promise<void> {
    for (;;) {
      const tasks = this.#tasks.get(peer)
      if (tasks === undefined || tasks.length === 0 || !peer.connected) return
      const batch = tasks.splice(0, READ_AHEAD)
      // a want cancelled or replaced meanwhile is not served (its replacement has a task of its own)
      const current = (t: Task): boolean => peer.wants.get(t.key) === t.want
      const read = await Promise.all(batch.map(async t => {
        if (!current(t)) return undefined
        if (t.block) return await this.#store.get(t.want.cid).catch(() => undefined)
        return await this.#store.has(t.want.cid).catch(() => false)
      }))
      for (const [i, t] of batch.entries()) {
        const got = read[i]
        if (!current(t)) continue
        const cid = t.want.cid
        if (got instanceof Uint8Array) {
          peer.queueBlock({ prefix: cidPrefix(cid.version, cid.code, cid.multihash.code, cid.multihash.size), data: got })
          peer.wants.delete(t.key)
        } else if (got === true) {
          peer.queuePresence({ cid: cid.bytes, type: HAVE })
          peer.wants.delete(t.key)
        } else if (t.sendDontHave) {
          // kept in the wantlist: if the block arrives later, announce() serves it
          peer.queuePresence({ cid: cid.bytes, type: DONT_HAVE })
        }
      }
      await peer.waitForRoom()
    }
  }
}
