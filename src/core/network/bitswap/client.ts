/**
 * The client half of Bitswap: our wants, and sessions.
 *
 * A session is the set of peers that gave us blocks of one DAG. A want belongs to the session of the block
 * that linked to it (the links of every block received are noted, bounded), or starts a new one. While a
 * session has peers, a want goes as want-block to ONE of them, the one with the fewest want-blocks
 * outstanding, so blocks of a DAG spread over every provider that had earlier blocks and none arrives
 * twice; its DONT_HAVE moves the want to the next session peer. A want with no session peer to ask is
 * sent as want-have (send-dont-have) to every connected peer, and providers are looked up through routing;
 * the first HAVE gets the want-block. Wants queued in one turn of the event loop leave in one message per
 * peer (peer.ts). A tick re-broadcasts wants that nobody answered, and moves want-blocks a silent peer sat on
 * to another peer (withdrawn from the silent one, so that the block does not come twice).
 */
import type { CID } from 'multiformats/cid'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { codecByCode } from '../../blocks/codecs.ts'
import { linksOf } from '../../dag/links.ts'
import { keyOf } from './engine.ts'
import { WANT_BLOCK, WANT_HAVE } from './message.ts'
import type { Peer } from './peer.ts'

/**
 * Content routing as Bitswap uses it: who provides a CID (the node's composed router). A provider's id is a
 * PeerId, or (@helia/interface Routing) the peer's CID.
 */
export interface ProviderRouting {
  findProviders(cid: CID, options?: { signal?: AbortSignal }): AsyncIterable<{ id: PeerId | CID, multiaddrs?: Multiaddr[] }>
}

/** A want-block unanswered this long, by a peer that sent us no block meanwhile, moves to another peer */
const SILENT_MS = 5000
/** A want nobody has answered is re-broadcast this often */
const REBROADCAST_MS = 2000
/** Providers looked up per session search */
const MAX_PROVIDERS = 3
/** How many links of received blocks are remembered for sessions */
const MAX_LINEAGE = 100_000

let sessionIds = 0

export class Session {
  readonly id = ++sessionIds
  readonly peers = new Set<Peer>()
  lastSearch = 0
}

interface Waiter { resolve: (bytes: Uint8Array) => void, reject: (err: unknown) => void }

export interface Want {
  key: string
  cid: CID
  session: Session
  waiters: Set<Waiter>
  /** the peer we asked for the block, if any */
  blockPeer?: Peer
  blockSentAt: number
  asked: Set<Peer>
  haves: Set<Peer>
  dontHaves: Set<Peer>
  /** peers that sat on our want-block: not asked for the block again unless they say HAVE anew */
  silent: Set<Peer>
  lastBroadcast: number
}

export interface ClientHooks {
  /** connected Bitswap peers we may ask (not cut off) */
  peers(): Iterable<Peer>
  /** dial providers found by routing; the connection handler then sends them our wants */
  connect(id: PeerId | CID, multiaddrs: Multiaddr[] | undefined, signal: AbortSignal): Promise<void>
  routing: ProviderRouting
}

export class Client {
  readonly wants = new Map<string, Want>()
  /** blocks received lately, with their session: another copy is a duplicate, a late HAVE a session peer */
  readonly #done = new Map<string, Session>()
  readonly #lineage = new Map<string, Session>()
  readonly #hooks: ClientHooks
  #tick?: NodeJS.Timeout

  constructor (hooks: ClientHooks) {
    this.#hooks = hooks
  }

  start (): void {
    this.#tick ??= setInterval(() => { this.#onTick() }, 1000)
    this.#tick.unref()
  }

  stop (): void {
    clearInterval(this.#tick)
    this.#tick = undefined
    for (const w of this.wants.values()) for (const waiter of w.waiters) waiter.reject(new Error('Bitswap stopped'))
    this.wants.clear()
    this.#lineage.clear()
    this.#done.clear()
  }

  /** The block's bytes once a peer sent them (already hash-verified by the caller of onBlock) */
  async want (cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted()
    const key = keyOf(cid.multihash.bytes)
    let w = this.wants.get(key)
    if (w === undefined) {
      const session = this.#lineage.get(key) ?? new Session()
      w = { key, cid, session, waiters: new Set(), blockSentAt: 0, asked: new Set(), haves: new Set(), dontHaves: new Set(), silent: new Set(), lastBroadcast: 0 }
      this.wants.set(key, w)
      this.#dispatch(w)
    }
    const want = w
    return await new Promise<Uint8Array>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (bytes) => { signal?.removeEventListener('abort', onAbort); resolve(bytes) },
        reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err) }
      }
      const onAbort = (): void => {
        want.waiters.delete(waiter)
        if (want.waiters.size === 0) this.#cancel(want)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      want.waiters.add(waiter)
    })
  }

  /** A hash-verified block from `peer`: false if we did not want it (a duplicate or unrequested) */
  onBlock (peer: Peer, cid: CID, bytes: Uint8Array): 'wanted' | 'duplicate' | 'unrequested' {
    const key = keyOf(cid.multihash.bytes)
    const w = this.wants.get(key)
    if (w === undefined) {
      if (this.#done.has(key)) return 'duplicate'
      return peer.asked.has(key) ? 'duplicate' : 'unrequested'
    }
    this.wants.delete(key)
    this.#done.set(key, w.session)
    if (this.#done.size > 20_000) for (const k of this.#done.keys()) { this.#done.delete(k); if (this.#done.size <= 10_000) break }
    peer.lastBlockAt = Date.now()
    if (w.blockPeer !== undefined) w.blockPeer.inflight = Math.max(0, w.blockPeer.inflight - 1)
    w.session.peers.add(peer)
    for (const other of w.asked) {
      if (other !== peer) other.queueEntry(key, { cid: w.cid.bytes, priority: 1, cancel: true, wantType: WANT_BLOCK, sendDontHave: false })
    }
    this.#noteLinks(w.session, cid, bytes)
    for (const waiter of w.waiters) waiter.resolve(bytes)
    return 'wanted'
  }

  onHave (peer: Peer, cid: CID): void {
    const key = keyOf(cid.multihash.bytes)
    const w = this.wants.get(key)
    if (w === undefined) {
      // the block came from another peer first: this one has the DAG too, later blocks may go to it
      this.#done.get(key)?.peers.add(peer)
      return
    }
    w.haves.add(peer)
    w.silent.delete(peer)
    w.session.peers.add(peer)
    if (w.blockPeer === undefined) this.#sendBlock(w, peer)
  }

  onDontHave (peer: Peer, cid: CID): void {
    const w = this.wants.get(keyOf(cid.multihash.bytes))
    if (w === undefined) return
    w.dontHaves.add(peer)
    w.haves.delete(peer)
    if (w.blockPeer === peer) {
      peer.inflight = Math.max(0, peer.inflight - 1)
      w.blockPeer = undefined
      this.#dispatch(w)
    }
  }

  /** A new Bitswap peer: it hears every want nobody is sending us yet */
  onPeer (peer: Peer): void {
    for (const w of this.wants.values()) {
      if (w.blockPeer === undefined && !w.asked.has(peer)) this.#ask(w, peer, false)
    }
  }

  /** A peer went away or was cut off: its want-blocks move on */
  onPeerGone (peer: Peer): void {
    for (const w of this.wants.values()) {
      w.asked.delete(peer)
      w.haves.delete(peer)
      w.session.peers.delete(peer)
      if (w.blockPeer === peer) {
        w.blockPeer = undefined
        this.#dispatch(w)
      }
    }
    for (const s of new Set(this.#lineage.values())) s.peers.delete(peer)
  }

  #noteLinks (session: Session, cid: CID, bytes: Uint8Array): void {
    if (cid.code === 0x55 || cid.code === 0x00) return
    let links
    try {
      links = linksOf(codecByCode(cid.code), bytes)
    } catch {
      return // a codec we cannot read: its children start sessions of their own
    }
    for (const l of links) this.#lineage.set(keyOf(l.cid.multihash.bytes), session)
    if (this.#lineage.size > MAX_LINEAGE) {
      for (const k of this.#lineage.keys()) { this.#lineage.delete(k); if (this.#lineage.size <= MAX_LINEAGE / 2) break }
    }
  }

  /** Ask the best session peer for the block, or else everyone whether they have it */
  #dispatch (w: Want): void {
    const pick = this.#pick(w)
    if (pick !== undefined) {
      this.#sendBlock(w, pick)
      return
    }
    this.#broadcast(w)
  }

  /** A peer that said HAVE, else a session peer, not known to lack the block, with the fewest want-blocks out */
  #pick (w: Want): Peer | undefined {
    let best: Peer | undefined
    for (const set of [w.haves, w.session.peers]) {
      for (const p of set) {
        if (!p.connected || w.dontHaves.has(p) || w.silent.has(p)) continue
        if (best === undefined || p.inflight < best.inflight) best = p
      }
      if (best !== undefined) return best
    }
    return undefined
  }

  #sendBlock (w: Want, peer: Peer): void {
    w.blockPeer = peer
    w.blockSentAt = Date.now()
    peer.inflight++
    this.#ask(w, peer, true)
  }

  #ask (w: Want, peer: Peer, block: boolean): void {
    w.asked.add(peer)
    // 1.0.0 and 1.1.0 peers only know want-block
    const wantType = block || peer.version !== '1.2.0' ? WANT_BLOCK : WANT_HAVE
    peer.queueEntry(w.key, { cid: w.cid.bytes, priority: 1, cancel: false, wantType, sendDontHave: true })
  }

  #broadcast (w: Want): void {
    w.lastBroadcast = Date.now()
    for (const p of this.#hooks.peers()) {
      if (w.dontHaves.has(p) || w.asked.has(p)) continue
      this.#ask(w, p, false)
    }
    this.#search(w)
  }

  /** Providers from routing, dialed in the background (once per session every 10 s) */
  #search (w: Want): void {
    const now = Date.now()
    if (now - w.session.lastSearch < 10_000) return
    w.session.lastSearch = now
    const signal = AbortSignal.timeout(30_000)
    void (async () => {
      let n = 0
      for await (const prov of this.#hooks.routing.findProviders(w.cid, { signal })) {
        if (!this.wants.has(w.key)) return
        void this.#hooks.connect(prov.id, prov.multiaddrs, signal).catch(() => {})
        if (++n >= MAX_PROVIDERS) return
      }
    })().catch(() => {})
  }

  #cancel (w: Want): void {
    this.wants.delete(w.key)
    if (w.blockPeer !== undefined) w.blockPeer.inflight = Math.max(0, w.blockPeer.inflight - 1)
    for (const p of w.asked) p.queueEntry(w.key, { cid: w.cid.bytes, priority: 1, cancel: true, wantType: WANT_BLOCK, sendDontHave: false })
  }

  #onTick (): void {
    const now = Date.now()
    for (const w of this.wants.values()) {
      const p = w.blockPeer
      if (p !== undefined) {
        if (now - w.blockSentAt > SILENT_MS && now - p.lastBlockAt > SILENT_MS) this.#moveFromSilent(w, p)
      } else if (now - w.lastBroadcast > REBROADCAST_MS) {
        // peers that said DONT_HAVE may have the block by now (they serve it when they do: our want stays
        // in their wantlist), so only the ones not asked yet hear it again
        this.#broadcast(w)
      }
    }
  }

  /**
   * `peer` sat on our want-block: ask another peer, and withdraw the want from this one, or the block could
   * come from both (a duplicate). If no other peer is known to have it, everyone not asked yet, this peer
   * again among them, hears a want-have, and the first HAVE gets the want-block.
   */
  #moveFromSilent (w: Want, peer: Peer): void {
    peer.inflight = Math.max(0, peer.inflight - 1)
    w.blockPeer = undefined
    w.silent.add(peer)
    w.haves.delete(peer)
    w.asked.delete(peer)
    peer.queueEntry(w.key, { cid: w.cid.bytes, priority: 1, cancel: true, wantType: WANT_BLOCK, sendDontHave: false })
    this.#dispatch(w)
  }

  wantlist (): CID[] {
    return [...this.wants.values()].map(w => w.cid)
  }
}

