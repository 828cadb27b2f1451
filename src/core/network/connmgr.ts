/**
 * Swarm.ConnMgr as Kubo means it. Kubo's basic connection manager lets the number of connections grow to
 * HighWater; past it, it closes the least valuable connections until LowWater remain, never closing a
 * protected peer (Peering.Peers) nor a peer first connected less than GracePeriod ago. js-libp2p's own
 * connection manager has one limit (maxConnections) that it prunes down to and past which it refuses new
 * connections, so tsipfs trims itself (this file) and gives js-libp2p a hard cap well above HighWater
 * (2 × HighWater, at least HighWater + 32) as a last line of defence. Type "none" never trims.
 */
import type { Connection, PeerId } from '@libp2p/interface'
import type { Node } from './libp2p.ts'
import { parseDuration, type Config } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'
import { swarmSection } from './transports.ts'

export interface ConnMgrSettings {
  type: 'basic' | 'none'
  lowWater: number
  highWater: number
  /** ms */
  gracePeriod: number
}

function count (value: unknown, fallback: number, key: string): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidConfigError(`Swarm.ConnMgr.${key} must be a non-negative integer`)
  return value
}

export function connMgrSettings (config: Config): ConnMgrSettings {
  const raw = swarmSection(config).ConnMgr
  const c = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>
  const type = c.Type === undefined || c.Type === null || c.Type === '' ? 'basic' : c.Type
  if (type !== 'basic' && type !== 'none') throw new InvalidConfigError(`Swarm.ConnMgr.Type: unknown connection manager "${String(type)}" (use "basic" or "none")`)
  const lowWater = count(c.LowWater, 32, 'LowWater')
  const highWater = count(c.HighWater, 96, 'HighWater')
  if (highWater < lowWater) throw new InvalidConfigError(`Swarm.ConnMgr: HighWater (${highWater}) is below LowWater (${lowWater})`)
  const grace = c.GracePeriod
  if (grace !== undefined && grace !== null && typeof grace !== 'string') throw new InvalidConfigError('Swarm.ConnMgr.GracePeriod must be a duration such as "20s"')
  return { type, lowWater, highWater, gracePeriod: parseDuration(typeof grace === 'string' && grace !== '' ? grace : '20s') }
}

/** js-libp2p's hard cap on connections (see the module comment) */
export function maxConnections (s: ConnMgrSettings): number {
  if (s.type === 'none' || s.highWater === 0) return 1_000_000
  return Math.max(2 * s.highWater, s.highWater + 32)
}

/**
 * Closes connections past HighWater down to LowWater: runs when a connection opens while over HighWater,
 * and every GracePeriod / 2 (connections that were too young at the last run may be old enough now).
 */
export class ConnectionTrimmer {
  readonly #libp2p: Node
  readonly #s: ConnMgrSettings
  readonly #isProtected: (peer: PeerId) => boolean
  #timer: NodeJS.Timeout | undefined
  #running = false
  readonly #onOpen = (): void => { this.#maybeTrim() }

  constructor (libp2p: Node, settings: ConnMgrSettings, isProtected: (peer: PeerId) => boolean) {
    this.#libp2p = libp2p
    this.#s = settings
    this.#isProtected = isProtected
  }

  start (): void {
    if (this.#timer !== undefined || this.#s.type === 'none' || this.#s.highWater === 0 || this.#s.lowWater === 0) return
    this.#libp2p.addEventListener('connection:open', this.#onOpen)
    this.#timer = setInterval(() => { this.#maybeTrim() }, Math.max(1000, Math.min(this.#s.gracePeriod / 2, 60_000)))
    this.#timer.unref()
  }

  stop (): void {
    if (this.#timer === undefined) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#libp2p.removeEventListener('connection:open', this.#onOpen)
  }

  #maybeTrim (): void {
    if (this.#running || this.#libp2p.getConnections().length <= this.#s.highWater) return
    this.#running = true
    void this.trim().catch(() => {}).finally(() => { this.#running = false })
  }

  /** One trim: the connections it closed */
  async trim (): Promise<Connection[]> {
    const conns = this.#libp2p.getConnections()
    if (conns.length <= this.#s.highWater) return []
    const now = Date.now()
    // a peer counts from its oldest open connection, as Kubo counts from when it first saw the peer
    const byPeer = new Map<string, { peer: PeerId, conns: Connection[], since: number }>()
    for (const c of conns) {
      const key = c.remotePeer.toString()
      const e = byPeer.get(key) ?? { peer: c.remotePeer, conns: [], since: Infinity }
      e.conns.push(c)
      e.since = Math.min(e.since, c.timeline.open)
      byPeer.set(key, e)
    }
    const candidates = [...byPeer.values()].filter(e => !this.#isProtected(e.peer) && now - e.since >= this.#s.gracePeriod)
    const ncandidates = candidates.reduce((n, e) => n + e.conns.length, 0)
    if (ncandidates <= this.#s.lowWater) return []
    // least valuable first (the sum of the peer's tags), then the most recent
    const values = new Map<string, number>()
    await Promise.all(candidates.map(async e => {
      const peer = await this.#libp2p.peerStore.get(e.peer).catch(() => undefined)
      values.set(e.peer.toString(), [...(peer?.tags.values() ?? [])].reduce((n, t) => n + t.value, 0))
    }))
    candidates.sort((a, b) => ((values.get(a.peer.toString()) ?? 0) - (values.get(b.peer.toString()) ?? 0)) || b.since - a.since)
    let target = ncandidates - this.#s.lowWater
    const closed: Connection[] = []
    for (const e of candidates) {
      if (target <= 0) break
      for (const c of e.conns) {
        closed.push(c)
        target--
        await c.close().catch(() => { c.abort(new Error('trimmed by the connection manager')) })
      }
    }
    return closed
  }
}
