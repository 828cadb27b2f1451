/**
 * The routing core API (node.routing): find providers and peers, get and put records, ask the DHT for the
 * closest peers, and announce content — at once (`provide`), as it is added (the ProvideQueue, drained in
 * batches) and again every Provide.DHT.Interval (the reprovider), with the set Provide.Strategy names.
 * Announcing to the DHTs goes through provideBatch (one lookup per keyspace region, one stream per peer).
 */
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import type { Components } from '../node.ts'
import type { NetworkApi } from '../network/index.ts'
import { walkDag } from '../dag/walk.ts'
import { InvalidArgumentError, NotOnlineError, ProvideDisabledError, RoutingNotFoundError, BlockNotFoundError, toTsipfsError } from '../errors.ts'
import type { ProvideEntry, ProvideQueue } from './queue.ts'
import { MFS_ROOT_KEY } from '../files/index.ts'


export interface PeerAddrs { ID: string, Addrs: string[] }
export interface RoutingEvent { ID: string, Type: number, Responses: PeerAddrs[] | null, Extra: string }

export interface ProvideStats {
  /** CIDs announced since the daemon started (provides and reprovides) */
  TotalProvides: number
  /** Reprovide runs since the daemon started */
  TotalReprovides: number
  /** Mean time of an announcement batch, in nanoseconds */
  AvgProvideDuration: number
  /** Time of the last reprovide run, in nanoseconds */
  LastReprovideDuration: number
  /** CIDs the last reprovide run announced */
  LastReprovideBatchSize: number
  /** When the last reprovide run started (RFC 3339), "" if none ran */
  LastRun: string
  /** CIDs waiting to be announced */
  QueueSize: number
  Strategy: string
}

type Pins = { ls: (o?: AbortOptions & { type?: 'recursive' | 'direct' | 'all' | 'indirect' }) => AsyncIterable<{ cid: CID, type: string }> }

export function createRoutingApi (components: Pick<Components, 'repo' | 'blocks' | 'meta'>, deps: { network: NetworkApi, queue: ProvideQueue, pins: Pins }) {
  const { blocks, meta } = components
  const { network, queue, pins } = deps
  const stats = { provides: 0, reprovides: 0, batches: 0, batchMs: 0, lastMs: 0, lastSize: 0, lastRun: '' }
  let timer: NodeJS.Timeout | undefined
  let reproviding: Promise<number> | undefined
  let running = false

  function parts (): ReturnType<NetworkApi['routingParts']> {
    if (!network.online) throw new NotOnlineError()
    return network.routingParts()
  }

  async function toPeer (id: CID | PeerId): Promise<PeerId> {
    const { peerIdFromCID } = await import('@libp2p/peer-id')
    return 'toMultihash' in id ? id : peerIdFromCID(id)
  }

  /** Announce CIDs: to each DHT in batches; through the configured routers one by one when there is no DHT */
  async function announce (cids: CID[], options: AbortOptions = {}): Promise<number> {
    if (cids.length === 0) return 0
    const { libp2p, plan, dhts, routing } = parts()
    const started = performance.now()
    let provided = 0
    if (plan.custom !== undefined || dhts.size === 0) {
      for (const cid of cids) {
        options.signal?.throwIfAborted()
        await routing.provide(cid, options).then(() => { provided++ }, () => {})
      }
    } else {
      // loaded here, online, and not by every command that opens the repo (kad-dht, @libp2p/utils)
      const [{ isPrivate, isLoopback }, { provideBatch }] = await Promise.all([import('@libp2p/utils'), import('./batch-provide.ts')])
      await Promise.all(plan.dhts.map(async (spec) => {
        const dht = dhts.get(spec.service)
        if (dht === undefined) return
        const ours = (): ReturnType<typeof libp2p.getMultiaddrs> => libp2p.getMultiaddrs().filter(ma => spec.lan
          ? isPrivate(ma) && (plan.loopbackOnLan || !isLoopback(ma))
          : !isPrivate(ma))
        const r = await provideBatch({
          dht,
          protocol: spec.protocol,
          peerId: libp2p.peerId,
          addresses: ours,
          dialProtocol: async (peer, protocol, o) => await libp2p.dialProtocol(peer, protocol, o)
        }, cids, options)
        provided = Math.max(provided, r.provided)
      }))
    }
    // no router took any: the daemon has no peers yet (the queue tries again later)
    if (provided === 0) throw new RoutingNotFoundError('failed to find any peer in table')
    stats.provides += provided
    stats.batches++
    stats.batchMs += performance.now() - started
    return provided
  }

  /** The CIDs of the entries: each root, and every block below it for `walk` entries (local blocks only) */
  async function expand (entries: ProvideEntry[], options: AbortOptions = {}): Promise<CID[]> {
    const out = new Map<string, CID>()
    const seen = new Set<string>()
    for (const e of entries) {
      if (!e.walk) { out.set(e.cid.multihash.bytes.toString(), e.cid); continue }
      for await (const entry of walkDag(blocks, e.cid, { signal: options.signal, seen, offline: true, skipMissing: true })) {
        out.set(entry.cid.multihash.bytes.toString(), entry.cid)
      }
    }
    return [...out.values()]
  }

  /** Everything Provide.Strategy says this node provides */
  async function strategySet (options: AbortOptions = {}): Promise<CID[]> {
    const { strategy } = queue.config
    if (strategy.all) {
      const out: CID[] = []
      for await (const cid of blocks.keys(options)) out.push(cid)
      return out
    }
    const entries: ProvideEntry[] = []
    if (strategy.pinned || strategy.roots) {
      for await (const pin of pins.ls({ ...options, type: 'recursive' })) entries.push({ cid: pin.cid, walk: strategy.pinned })
      for await (const pin of pins.ls({ ...options, type: 'direct' })) entries.push({ cid: pin.cid, walk: false })
    }
    if (strategy.mfs) {
      const root = await meta.get<string>(MFS_ROOT_KEY)
      if (root !== undefined) {
        const { CID } = await import('multiformats/cid')
        entries.push({ cid: CID.parse(root), walk: true })
      }
    }
    return await expand(entries, options)
  }

  function schedule (): void {
    clearTimeout(timer)
    timer = undefined
    if (!running) return
    let interval = 0
    try {
      interval = queue.config.interval
    } catch {}
    if (interval <= 0) return
    // the first run a minute after start (Kubo waits a little too), then every interval
    const first = stats.lastRun === '' ? Math.min(60_000, interval) : interval
    timer = setTimeout(() => { void api.reprovide().catch(() => {}).finally(schedule) }, first)
    timer.unref()
  }

  const api = {
    /** Start announcing queued content and the reprovider (the daemon calls this once the swarm runs) */
    start (): void {
      if (running || !network.online) return
      running = true
      queue.attach(async (entries) => { await announce(await expand(entries)) })
      schedule()
    },

    async stop (): Promise<void> {
      if (!running) return
      running = false
      clearTimeout(timer)
      timer = undefined
      queue.attach(undefined)
      await reproviding?.catch(() => {})
    },

    /** Announce that this node has `cids` (all their blocks too with `recursive`); they must be local */
    async provide (cids: CID[], options: AbortOptions & { recursive?: boolean } = {}): Promise<number> {
      parts()
      if (!queue.config.enabled) throw new ProvideDisabledError()
      for (const cid of cids) {
        if (!await blocks.has(cid, options)) throw new BlockNotFoundError(`block ${cid.toString()} not found locally, cannot provide`)
      }
      const list = options.recursive === true ? await expand(cids.map(cid => ({ cid, walk: true })), options) : cids
      return await announce(list, options)
    },

    /** Announce everything the strategy names now; resolves with the number of CIDs */
    async reprovide (options: AbortOptions = {}): Promise<number> {
      parts()
      if (!queue.config.enabled) throw new ProvideDisabledError()
      if (reproviding !== undefined) return await reproviding
      reproviding = (async () => {
        const started = performance.now()
        stats.lastRun = new Date().toISOString()
        await queue.flush()
        const cids = await strategySet(options)
        await announce(cids, options)
        stats.reprovides++
        stats.lastMs = performance.now() - started
        stats.lastSize = cids.length
        return cids.length
      })()
      try {
        return await reproviding
      } finally {
        reproviding = undefined
      }
    },

    stat (): ProvideStats {
      parts()
      return {
        TotalProvides: stats.provides,
        TotalReprovides: stats.reprovides,
        AvgProvideDuration: stats.batches === 0 ? 0 : Math.round(stats.batchMs / stats.batches * 1e6),
        LastReprovideDuration: Math.round(stats.lastMs * 1e6),
        LastReprovideBatchSize: stats.lastSize,
        LastRun: stats.lastRun,
        QueueSize: queue.size,
        Strategy: queue.config.strategy.text
      }
    },

    /** Providers of `cid`, at most `count` (0: no limit) */
    async * findProviders (cid: CID, options: AbortOptions & { count?: number } = {}): AsyncGenerator<PeerAddrs> {
      const { routing } = parts()
      const count = options.count ?? 20
      let n = 0
      const ac = new AbortController()
      const signal = options.signal === undefined ? ac.signal : AbortSignal.any([ac.signal, options.signal])
      try {
        for await (const p of routing.findProviders(cid, { signal })) {
          yield { ID: (await toPeer(p.id)).toString(), Addrs: p.multiaddrs.map(a => a.toString()) }
          if (count > 0 && ++n >= count) break
        }
      } finally {
        ac.abort()
      }
    },

    /** A peer's addresses, from the routers */
    async findPeer (peer: PeerId, options: AbortOptions = {}): Promise<PeerAddrs> {
      const { routing, libp2p } = parts()
      if (peer.equals(libp2p.peerId)) throw new InvalidArgumentError('found self')
      try {
        const found = await routing.findPeer(peer.toCID(), options)
        if (found.multiaddrs.length === 0) throw new RoutingNotFoundError()
        return { ID: peer.toString(), Addrs: found.multiaddrs.map(a => a.toString()) }
      } catch (err) {
        options.signal?.throwIfAborted()
        if (err instanceof RoutingNotFoundError || toTsipfsError(err).name === 'BlockNotFoundError') throw new RoutingNotFoundError()
        throw err
      }
    },

    /** The peers closest to a key (a peer ID's multihash for `dht query`), as the DHT finds them */
    async * closestPeers (key: Uint8Array, options: AbortOptions = {}): AsyncGenerator<PeerAddrs> {
      const { routing } = parts()
      for await (const p of routing.getClosestPeers(key, options)) {
        yield { ID: (await toPeer(p.id)).toString(), Addrs: p.multiaddrs.map(a => a.toString()) }
      }
    },

    /** The best valid value for a routing key (/ipns/<multihash>, /pk/<multihash>) */
    async get (key: Uint8Array, options: AbortOptions = {}): Promise<Uint8Array> {
      const { routing } = parts()
      try {
        return await routing.get(key, options)
      } catch (err) {
        options.signal?.throwIfAborted()
        const e = toTsipfsError(err)
        if (e.name === 'BlockNotFoundError' || e.name === 'RoutingNotFoundError') throw new RoutingNotFoundError(undefined, { cause: err })
        throw e
      }
    },

    /** Store a value at a routing key on every router (the DHTs validate it) */
    async put (key: Uint8Array, value: Uint8Array, options: AbortOptions = {}): Promise<void> {
      const { routing } = parts()
      await routing.put(key, value, options)
    }
  }
  return api
}

export type RoutingApi = ReturnType<typeof createRoutingApi>
