/**
 * The network: the libp2p swarm and Bitswap, started by the daemon (not by a CLI command that opens the
 * repo itself: that node is offline). Everything here answers NotOnlineError while the network is off.
 */
import type { CID } from 'multiformats/cid'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Routing } from '@helia/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Components } from '../node.ts'
import { InvalidArgumentError, InvalidConfigError, NotOnlineError, toTsipfsError } from '../errors.ts'
import type { Built } from './libp2p.ts'
import { AGENT_VERSION } from './identity.ts'
import type { NodeMetrics } from './metrics.ts'
import { logger } from '../log.ts'
import type { Peering } from './peering.ts'
import type { ConnectionTrimmer } from './connmgr.ts'
import { createSwarmExtrasApi } from './swarm-api.ts'
import { offlineScope } from '../blocks/network-store.ts'
import type { PingResult } from './ping.ts'
import { peerIdFromText } from './peer-text.ts'
import { byteOrder } from '../order.ts'
import type { Bitswap, LedgerEntry } from './bitswap/index.ts'

type Running = Built & { bitswap: Bitswap }
import type { PubsubFlags, PubsubSettings } from '../pubsub/config.ts'
import type { PubsubRouter } from '../pubsub/service.ts'

export interface PeerEntry {
  Addr: string
  Peer: string
  Direction: 'inbound' | 'outbound'
  Latency?: string
  Streams?: Array<{ Protocol: string }>
  Identify?: PeerInfo
}

export interface PeerInfo {
  ID: string
  PublicKey: string
  Addresses: string[]
  AgentVersion: string
  Protocols: string[]
}

function formatLatency (ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1000)}µs` : `${ms.toFixed(3).replace(/\.?0+$/, '')}ms`
}

const bitswapLog = logger('bitswap')

/** Kubo's ErrOffline, for a command run with --offline on a daemon that is online */
const OFFLINE_REQUEST = 'this action must be run in online mode, try running \'tsipfs daemon\' first'

export function createNetworkApi (components: Pick<Components, 'repo' | 'blocks' | 'datastore'>) {
  let built: Running | undefined
  let metrics: NodeMetrics | undefined
  let peering: Peering | undefined
  let trimmer: ConnectionTrimmer | undefined
  let stopRelays = (): void => {}
  let starting: Promise<Running> | undefined

  function online (): Running {
    if (built === undefined) throw new NotOnlineError()
    return built
  }

  /**
   * The swarm's connections and addresses (`swarm peers|addrs|connect|disconnect`), as Kubo's core API
   * answers them: refused for a request run with --offline (offlineScope, set by the RPC server) although
   * the daemon is online
   */
  function swarmOnline (refused: (message: string) => string = m => m): Running {
    const running = online()
    if (offlineScope.getStore() === true) throw new NotOnlineError(refused(OFFLINE_REQUEST))
    return running
  }

  async function parseAddr (text: string): Promise<Multiaddr> {
    const { readMultiaddr } = await import('./addr.ts')
    try {
      return readMultiaddr(text)
    } catch (err) {
      throw new InvalidArgumentError(`invalid multiaddr ${JSON.stringify(text)}: ${(err as Error).message}`)
    }
  }

  /**
   * Wait (up to `ms`) until identify has told us the peer's protocols, so that a command right after
   * `swarm connect` finds the peer among Bitswap's partners
   */
  async function identified (peer: PeerId, ms: number, options: AbortOptions): Promise<void> {
    const { libp2p } = online()
    let done = (): void => {}
    const waited = new Promise<void>(resolve => { done = resolve })
    const onIdentify = (evt: CustomEvent<{ peerId: PeerId }>): void => { if (evt.detail.peerId.equals(peer)) done() }
    libp2p.addEventListener('peer:identify', onIdentify)
    options.signal?.addEventListener('abort', done)
    const timer = setTimeout(done, ms)
    const isKnown = async (): Promise<boolean> => ((await libp2p.peerStore.get(peer).catch(() => undefined))?.protocols.length ?? 0) > 1
    try {
      if (!await isKnown()) await waited
    } finally {
      clearTimeout(timer)
      libp2p.removeEventListener('peer:identify', onIdentify)
      options.signal?.removeEventListener('abort', done)
    }
  }

  /** A multiaddr that names its peer (…/p2p/<id>), and that peer ID as Kubo prints it (base58btc) */
  async function peerAddr (text: string): Promise<{ ma: Multiaddr, id: string }> {
    const ma = await parseAddr(text)
    const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id === undefined) throw new InvalidArgumentError(`${text}: the address must end in /p2p/<peer ID>`)
    return { ma, id: (await peerIdFromText(id)).toString() }
  }

  const api = {
    get online (): boolean { return built !== undefined },

    ...createSwarmExtrasApi({
      repo: components.repo,
      online: () => ({ ...online(), peering: peering as Peering, metrics: metrics as NodeMetrics }),
      parsePeer: peerIdFromText,
      parseAddr
    }),

    /** The pubsub router and its settings while the network runs (router absent when pubsub is off) */
    get pubsub (): { router?: PubsubRouter, settings: PubsubSettings } | undefined {
      return built === undefined ? undefined : { router: built.libp2p.services.pubsub, settings: built.pubsub }
    },

    /** Listen, dial the bootstrap peers, serve Bitswap. Start-up lines are returned (listen addresses it cannot serve, with why) */
    async start (options: { pubsub?: PubsubFlags } = {}): Promise<string[]> {
      if (built !== undefined) return []
      starting ??= (async () => {
        const { buildLibp2p } = await import('./libp2p.ts')
        const { NodeMetrics } = await import('./metrics.ts')
        const { Bitswap } = await import('./bitswap/index.ts')
        metrics = new NodeMetrics()
        const b0 = await buildLibp2p(components.repo.config, components.repo.path, metrics, options.pubsub ?? {}, components.datastore)
        metrics.attributeConnections(b0.libp2p)
        // the server half reads the local store only (components.blocks is not the networked store)
        const b: Running = { ...b0, bitswap: new Bitswap({ libp2p: b0.libp2p, store: components.blocks, routing: b0.routing, log: (m) => { bitswapLog.warn(m) }, ban: (peer, ms) => { b0.swarm.bans.ban(peer, ms) } }) }
        // identify on a new connection sometimes never answers (seen with Helia peers, ~1 in 3 on loopback):
        // a connection still unidentified after 2 s is identified again, or Bitswap would never use it
        // (judged by the connection: the peer store may hold protocols from elsewhere, such as an inbound DHT
        // query, while the topologies — the DHTs' routing tables — only learn of a peer from identify)
        const identifiedConns = new WeakSet<object>()
        b.libp2p.addEventListener('peer:identify', (evt) => { identifiedConns.add(evt.detail.connection) })
        b.libp2p.addEventListener('connection:open', (evt) => {
          const conn = evt.detail
          setTimeout(() => {
            if (conn.status !== 'open' || built?.libp2p !== b.libp2p || identifiedConns.has(conn)) return
            void b.libp2p.services.identify.identify(conn, { signal: AbortSignal.timeout(5000) }).catch(() => {})
          }, 2000).unref()
        })
        const { Peering } = await import('./peering.ts')
        const { ConnectionTrimmer } = await import('./connmgr.ts')
        const p = new Peering(b.libp2p)
        const peered = await import('./swarm-api.ts').then(async m => await m.peeringFromConfig(components.repo.config))
        for (const { id, addrs } of peered) await p.add(id, addrs)
        try {
          await b.libp2p.start()
          await Promise.all(b.httpRouters.map(async r => { await r.start() }))
          await b.bitswap.start()
          p.start()
          peering = p
          trimmer = new ConnectionTrimmer(b.libp2p, b.swarm.connMgr, (peer) => p.isProtected(peer))
          trimmer.start()
          stopRelays = (await import('./relay.ts')).reserveStaticRelays(b.libp2p, b.swarm.staticRelays)
        } catch (err) {
          p.stop()
          await Promise.resolve(b.bitswap.stop()).catch(() => {})
          await Promise.all(b.httpRouters.map(async r => { await r.stop() })).catch(() => {})
          await Promise.resolve(b.libp2p.stop()).catch(() => {})
          // libp2p puts every listener's stack trace into the message: keep what each one says
          const said = toTsipfsError(err).message.split('\n').filter(l => l.trim() !== '' && !/^\s+at /.test(l) && !l.includes('faultTolerance')).map(l => l.trim())
          throw new InvalidConfigError(`could not start the swarm (Addresses.Swarm): ${said.join('; ')}`)
        }
        return b
      })()
      try {
        built = await starting
        return [...built.skipped.map(a => `Swarm: not listening on ${a}`), ...built.swarm.notes]
      } finally {
        starting = undefined
      }
    },

    async stop (): Promise<void> {
      const b = built
      built = undefined
      if (b === undefined) return
      peering?.stop()
      trimmer?.stop()
      stopRelays()
      stopRelays = () => {}
      peering = undefined
      trimmer = undefined
      metrics?.stop()
      await Promise.resolve(b.bitswap.stop()).catch(() => {})
      await Promise.all(b.httpRouters.map(async r => { await r.stop() })).catch(() => {})
      await b.libp2p.stop()
    },

    peerId (): PeerId {
      return online().libp2p.peerId
    },

    /** The node's routing (IPNS records, providers) while the network runs */
    routing (): Routing | undefined {
      return built?.routing
    },

    /** The running swarm's routing (src/core/routing/api.ts builds the routing API on it) */
    routingParts (): Pick<Built, 'libp2p' | 'routing' | 'plan' | 'dhts'> {
      const { libp2p, routing, plan, dhts } = online()
      return { libp2p, routing, plan, dhts }
    },

    /** Addresses we listen on and announce, each with /p2p/<our id> */
    listenAddrs (): string[] {
      return swarmOnline().libp2p.getMultiaddrs().map(a => a.toString())
    },

    async peers (options: { latency?: boolean, streams?: boolean, identify?: boolean } = {}): Promise<PeerEntry[]> {
      const { libp2p } = swarmOnline()
      const out: PeerEntry[] = []
      for (const conn of libp2p.getConnections()) {
        const entry: PeerEntry = { Addr: conn.remoteAddr.decapsulateCode(421).toString(), Peer: conn.remotePeer.toString(), Direction: conn.direction }
        if (options.latency === true) {
          const rtt = (conn as { rtt?: number }).rtt
          entry.Latency = typeof rtt === 'number' ? formatLatency(rtt) : 'n/a'
        }
        if (options.streams === true) entry.Streams = conn.streams.map(s => ({ Protocol: s.protocol ?? '' })).sort((a, b) => byteOrder(a.Protocol, b.Protocol))
        if (options.identify === true) entry.Identify = await api.peerInfo(conn.remotePeer.toString()).catch(() => undefined)
        out.push(entry)
      }
      // as Kubo lists them: by address, each one's streams by protocol
      return out.sort((a, b) => byteOrder(a.Addr, b.Addr))
    },

    /** Dial each address (which must end in /p2p/<id>) */
    async connect (addrs: string[], options: AbortOptions = {}): Promise<string[]> {
      const { libp2p } = online()
      const done: string[] = []
      for (const text of addrs) {
        const { ma, id } = await peerAddr(text)
        swarmOnline(m => `connect ${id} failure: ${m}`)
        try {
          const conn = await libp2p.dial(ma, options)
          // up to the 2 s after which an unanswered identify is retried (see start()) and that retry's 5 s
          await identified(conn.remotePeer, 7000, options)
        } catch (err) {
          throw new InvalidArgumentError(`connect ${id} failure: ${toTsipfsError(err).message}`)
        }
        done.push(`connect ${id} success`)
      }
      return done
    },

    async disconnect (addrs: string[], options: AbortOptions = {}): Promise<string[]> {
      const { libp2p } = online()
      const done: string[] = []
      for (const text of addrs) {
        const { id } = await peerAddr(text)
        swarmOnline(m => `disconnect ${id} failure: ${m}`)
        const peer = await peerIdFromText(id)
        if (libp2p.getConnections(peer).length === 0) throw new InvalidArgumentError(`disconnect ${id} failure: not connected`)
        await libp2p.hangUp(peer, options)
        done.push(`disconnect ${id} success`)
      }
      return done
    },

    /** Every peer's known addresses (the peer store) */
    async knownAddrs (): Promise<Record<string, string[]>> {
      const { libp2p } = swarmOnline()
      const out: Record<string, string[]> = {}
      for (const peer of await libp2p.peerStore.all()) {
        out[peer.id.toString()] = peer.addresses.map(a => a.multiaddr.toString()).sort()
      }
      return out
    },

    /** What identify told us about a peer (ours when `peer` is our own ID) */
    async peerInfo (peer: string): Promise<PeerInfo> {
      const { libp2p } = online()
      const id = await peerIdFromText(peer)
      const { publicKeyToProtobuf } = await import('@libp2p/crypto/keys')
      if (id.equals(libp2p.peerId)) {
        return {
          ID: id.toString(),
          PublicKey: id.publicKey === undefined ? '' : Buffer.from(publicKeyToProtobuf(id.publicKey)).toString('base64'),
          Addresses: libp2p.getMultiaddrs().map(a => a.toString()),
          AgentVersion: AGENT_VERSION,
          Protocols: libp2p.getProtocols().sort()
        }
      }
      let record
      try {
        record = await libp2p.peerStore.get(id)
      } catch {
        throw new InvalidArgumentError(`peer ${peer} is not known: connect to it first (no peer routing yet)`)
      }
      const key = record.id.publicKey
      return {
        ID: id.toString(),
        PublicKey: key === undefined ? '' : Buffer.from(publicKeyToProtobuf(key)).toString('base64'),
        Addresses: record.addresses.map(a => `${a.multiaddr.toString()}/p2p/${id.toString()}`).sort(),
        AgentVersion: new TextDecoder().decode(record.metadata.get('AgentVersion') ?? new Uint8Array()),
        Protocols: [...record.protocols].sort()
      }
    },

    /** Round trips to a peer, one result per ping, as Kubo's `ping` (./ping.ts) */
    async * ping (peer: string, count: number, options: AbortOptions = {}): AsyncGenerator<PingResult> {
      const { libp2p, routing } = online()
      const { ping } = await import('./ping.ts')
      yield * ping({ libp2p, routing, parseAddr }, peer, count, options)
    },

    /** A block from peers (Bitswap); the caller verifies and stores it */
    async want (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
      return await online().bitswap.want(cid, options)
    },

    /** Tell peers that wanted `cid` that we have it now */
    async announce (cid: CID): Promise<void> {
      if (built === undefined) return
      built.bitswap.announce(cid)
    },

    /** Bytes in and out of every connection (or of one protocol's streams), totals and rates per second */
    bandwidth (options: { proto?: string } = {}): { TotalIn: number, TotalOut: number, RateIn: number, RateOut: number } {
      online()
      const m = metrics as NodeMetrics
      if (options.proto !== undefined) {
        const b = m.byProtocol.get(options.proto) ?? { in: 0, out: 0 }
        return { TotalIn: b.in, TotalOut: b.out, RateIn: 0, RateOut: 0 }
      }
      return { TotalIn: m.total.in, TotalOut: m.total.out, RateIn: m.rate.in, RateOut: m.rate.out }
    },

    /** Bitswap's counters, as `bitswap stat` prints them */
    bitswapStat (): { Wantlist: CID[], Peers: string[], BlocksReceived: number, DataReceived: number, DupBlksReceived: number, DupDataReceived: number, MessagesReceived: number, BlocksSent: number, DataSent: number } {
      const { bitswap } = online()
      const s = bitswap.stats()
      return {
        Wantlist: bitswap.wantlist(),
        Peers: bitswap.peers(),
        BlocksReceived: s.blocksReceived,
        DataReceived: s.dataReceived,
        DupBlksReceived: s.dupBlocksReceived,
        DupDataReceived: s.dupDataReceived,
        MessagesReceived: s.messagesReceived,
        BlocksSent: s.blocksSent,
        DataSent: s.dataSent
      }
    },

    wantlist (peer?: string): Promise<CID[]> | CID[] {
      const { bitswap } = online()
      if (peer === undefined) return bitswap.wantlist()
      return peerIdFromText(peer).then(id => bitswap.peerWantlist(id))
    },

    /** What we exchanged with a peer over Bitswap (Kubo's `bitswap ledger`) */
    async bitswapLedger (peer: string): Promise<LedgerEntry> {
      const { bitswap } = online()
      return bitswap.ledger(await peerIdFromText(peer))
    }
  }
  return api
}

export type NetworkApi = ReturnType<typeof createNetworkApi>
