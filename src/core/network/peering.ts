/**
 * Peering, as Kubo does it: the peers in Peering.Peers (and those added with `swarm peering add`) are kept
 * connected. Each is dialled at start; when its last connection closes it is dialled again after a delay
 * that starts at 5 s and grows by half each failure (with up to 10% jitter), up to 10 minutes, for as long
 * as it stays in the set. Peered peers are protected from the connection manager's trimming and tagged in
 * the peer store (`ipfs-peering`, so that js-libp2p's own pruning keeps them last). As in Kubo, `swarm
 * peering add|rm` change the running set only, not the config.
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Node } from './libp2p.ts'

const INITIAL_DELAY = 5_000
const MAX_BACKOFF = 10 * 60_000
const TAG = 'ipfs-peering'

interface Peered {
  id: PeerId
  addrs: Multiaddr[]
  delay: number
  timer?: NodeJS.Timeout
  dialing: boolean
}

export class Peering {
  readonly #libp2p: Node
  readonly #peers = new Map<string, Peered>()
  #started = false
  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const p = this.#peers.get(evt.detail.toString())
    if (p !== undefined && this.#started) this.#schedule(p)
  }

  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    const p = this.#peers.get(evt.detail.toString())
    if (p === undefined) return
    clearTimeout(p.timer)
    p.timer = undefined
    p.delay = INITIAL_DELAY
  }

  constructor (libp2p: Node) {
    this.#libp2p = libp2p
  }

  start (): void {
    if (this.#started) return
    this.#started = true
    this.#libp2p.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.addEventListener('peer:connect', this.#onConnect)
    for (const p of this.#peers.values()) void this.#dial(p)
  }

  stop (): void {
    if (!this.#started) return
    this.#started = false
    this.#libp2p.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#libp2p.removeEventListener('peer:connect', this.#onConnect)
    for (const p of this.#peers.values()) {
      clearTimeout(p.timer)
      p.timer = undefined
    }
  }

  isProtected (peer: PeerId): boolean {
    return this.#peers.has(peer.toString())
  }

  list (): Array<{ ID: string, Addrs: string[] }> {
    return [...this.#peers.values()].map(p => ({ ID: p.id.toString(), Addrs: p.addrs.map(a => a.toString()) }))
  }

  /** Add a peer (or more addresses of one) and connect to it if it is not connected */
  async add (id: PeerId, addrs: Multiaddr[]): Promise<void> {
    const key = id.toString()
    let p = this.#peers.get(key)
    if (p === undefined) {
      p = { id, addrs: [], delay: INITIAL_DELAY, dialing: false }
      this.#peers.set(key, p)
    }
    for (const a of addrs) if (!p.addrs.some(o => o.equals(a))) p.addrs.push(a)
    await this.#libp2p.peerStore.merge(id, { multiaddrs: p.addrs, tags: { [TAG]: { value: 100 } } }).catch(() => {})
    if (this.#started) void this.#dial(p)
  }

  /** Remove a peer from the set; its connections stay open (and may be trimmed) */
  async remove (id: PeerId): Promise<void> {
    const p = this.#peers.get(id.toString())
    if (p === undefined) return
    clearTimeout(p.timer)
    this.#peers.delete(id.toString())
    await this.#libp2p.peerStore.merge(id, { tags: { [TAG]: undefined } }).catch(() => {})
  }

  #schedule (p: Peered): void {
    if (p.timer !== undefined || !this.#peers.has(p.id.toString())) return
    const jitter = p.delay * 0.1 * Math.random()
    p.timer = setTimeout(() => {
      p.timer = undefined
      void this.#dial(p)
    }, p.delay + jitter)
    p.timer.unref()
    p.delay = Math.min(MAX_BACKOFF, p.delay * 1.5)
  }

  async #dial (p: Peered): Promise<void> {
    if (!this.#started || p.dialing || this.#libp2p.getConnections(p.id).length > 0) return
    p.dialing = true
    try {
      await this.#libp2p.dial(p.addrs.length > 0 ? p.addrs.map(a => a.getComponents().some(c => c.name === 'p2p') ? a : a.encapsulate(`/p2p/${p.id.toString()}`)) : p.id, { signal: AbortSignal.timeout(30_000) })
    } catch {
      if (this.#started && this.#peers.has(p.id.toString())) this.#schedule(p)
    } finally {
      p.dialing = false
    }
  }
}
