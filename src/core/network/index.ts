/**
 * The network: the libp2p swarm and Bitswap, started by the daemon (not by a CLI command that opens the
 * repo itself: that node is offline). Everything here answers NotOnlineError while the network is off.
 */
import type { CID } from 'multiformats/cid'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Components } from '../node.ts'
import { asInterfaceBlockstore } from '../blocks/store.ts'
import { InvalidArgumentError, InvalidConfigError, NotOnlineError, toTsipfsError } from '../errors.ts'
import type { Built } from './libp2p.ts'
import { AGENT_VERSION } from './identity.ts'
import type { NodeMetrics } from './metrics.ts'

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

export function createNetworkApi (components: Pick<Components, 'repo' | 'blocks'>) {
  let built: Built | undefined
  let metrics: NodeMetrics | undefined
  // @helia/bitswap 4.0.19 registers received-block metrics but never updates them: counted here instead
  const received = { blocks: 0, bytes: 0 }
  let starting: Promise<Built> | undefined

  function online (): Built {
    if (built === undefined) throw new NotOnlineError()
    return built
  }

  async function parsePeer (text: string): Promise<PeerId> {
    const { peerIdFromString } = await import('@libp2p/peer-id')
    try {
      return peerIdFromString(text.replace(/^\/p2p\//, '').replace(/^\/ipfs\//, ''))
    } catch (err) {
      throw new InvalidArgumentError(`invalid peer ID ${JSON.stringify(text)}: ${(err as Error).message}`)
    }
  }

  async function parseAddr (text: string): Promise<Multiaddr> {
    const { multiaddr } = await import('@multiformats/multiaddr')
    try {
      return multiaddr(text)
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

  /** A multiaddr that names its peer (…/p2p/<id>), and that ID as written */
  async function peerAddr (text: string): Promise<{ ma: Multiaddr, id: string }> {
    const ma = await parseAddr(text)
    const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id === undefined) throw new InvalidArgumentError(`${text}: the address must end in /p2p/<peer ID>`)
    return { ma, id }
  }

  const api = {
    get online (): boolean { return built !== undefined },

    /** Listen, dial the bootstrap peers, serve Bitswap. Listen addresses it cannot serve are returned */
    async start (): Promise<string[]> {
      if (built !== undefined) return []
      starting ??= (async () => {
        const { buildLibp2p } = await import('./libp2p.ts')
        const { NodeMetrics } = await import('./metrics.ts')
        metrics = new NodeMetrics()
        const b = await buildLibp2p(components.repo.config, asInterfaceBlockstore(components.blocks), metrics)
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
        try {
          await b.libp2p.start()
          await Promise.all(b.httpRouters.map(async r => { await r.start() }))
          await b.bitswap.start()
        } catch (err) {
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
        return built.skipped
      } finally {
        starting = undefined
      }
    },

    async stop (): Promise<void> {
      const b = built
      built = undefined
      if (b === undefined) return
      metrics?.stop()
      await Promise.resolve(b.bitswap.stop()).catch(() => {})
      await Promise.all(b.httpRouters.map(async r => { await r.stop() })).catch(() => {})
      await b.libp2p.stop()
    },

    peerId (): PeerId {
      return online().libp2p.peerId
    },

    /** The running swarm's routing (src/core/routing/api.ts builds the routing API on it) */
    routingParts (): Pick<Built, 'libp2p' | 'routing' | 'plan' | 'dhts'> {
      const { libp2p, routing, plan, dhts } = online()
      return { libp2p, routing, plan, dhts }
    },

    /** Addresses we listen on and announce, each with /p2p/<our id> */
    listenAddrs (): string[] {
      return online().libp2p.getMultiaddrs().map(a => a.toString())
    },

    async peers (options: { latency?: boolean, streams?: boolean, identify?: boolean } = {}): Promise<PeerEntry[]> {
      const { libp2p } = online()
      const out: PeerEntry[] = []
      for (const conn of libp2p.getConnections()) {
        const entry: PeerEntry = { Addr: conn.remoteAddr.decapsulateCode(421).toString(), Peer: conn.remotePeer.toString(), Direction: conn.direction }
        if (options.latency === true) {
          const rtt = (conn as { rtt?: number }).rtt
          entry.Latency = typeof rtt === 'number' ? formatLatency(rtt) : 'n/a'
        }
        if (options.streams === true) entry.Streams = conn.streams.map(s => ({ Protocol: s.protocol ?? '' }))
        if (options.identify === true) entry.Identify = await api.peerInfo(conn.remotePeer.toString()).catch(() => undefined)
        out.push(entry)
      }
      return out.sort((a, b) => a.Peer.localeCompare(b.Peer))
    },

    /** Dial each address (which must end in /p2p/<id>) */
    async connect (addrs: string[], options: AbortOptions = {}): Promise<string[]> {
      const { libp2p } = online()
      const done: string[] = []
      for (const text of addrs) {
        const { ma, id } = await peerAddr(text)
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
        const peer = await parsePeer(id)
        if (libp2p.getConnections(peer).length === 0) throw new InvalidArgumentError(`disconnect ${id} failure: not connected`)
        await libp2p.hangUp(peer, options)
        done.push(`disconnect ${id} success`)
      }
      return done
    },

    /** Every peer's known addresses (the peer store) */
    async knownAddrs (): Promise<Record<string, string[]>> {
      const { libp2p } = online()
      const out: Record<string, string[]> = {}
      for (const peer of await libp2p.peerStore.all()) {
        out[peer.id.toString()] = peer.addresses.map(a => a.multiaddr.toString()).sort()
      }
      return out
    },

    /** What identify told us about a peer (ours when `peer` is our own ID) */
    async peerInfo (peer: string): Promise<PeerInfo> {
      const { libp2p } = online()
      const id = await parsePeer(peer)
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

    /** Round trips to a peer, one result per ping */
    async * ping (peer: string, count: number, options: AbortOptions = {}): AsyncGenerator<{ Success: boolean, Time: number, Text: string }> {
      const { libp2p } = online()
      const target = peer.startsWith('/') ? await parseAddr(peer) : await parsePeer(peer)
      const id = typeof (target as PeerId).toMultihash === 'function' ? (target as PeerId).toString() : peer
      yield { Success: true, Time: 0, Text: `PING ${id}.` }
      let ok = 0
      let total = 0
      for (let i = 0; i < count; i++) {
        options.signal?.throwIfAborted()
        try {
          const ms = await libp2p.services.ping.ping(target, options)
          ok++
          total += ms
          yield { Success: true, Time: Math.round(ms * 1e6), Text: '' }
        } catch (err) {
          options.signal?.throwIfAborted()
          yield { Success: false, Time: 0, Text: `Ping error: ${toTsipfsError(err).message}` }
        }
        if (i < count - 1) await new Promise(resolve => setTimeout(resolve, 1000))
      }
      yield { Success: ok > 0, Time: 0, Text: ok === 0 ? 'Ping failed' : `Average latency: ${(total / ok).toFixed(2)}ms` }
    },

    /** A block from peers (Bitswap); the caller verifies and stores it */
    async want (cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
      const bytes = await online().bitswap.retrieve(cid, options)
      received.blocks++
      received.bytes += bytes.byteLength
      return bytes
    },

    /** Tell peers that wanted `cid` that we have it now */
    async announce (cid: CID): Promise<void> {
      if (built === undefined) return
      await built.bitswap.announce(cid).catch(() => {})
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
    bitswapStat (): { Wantlist: CID[], Peers: string[], BlocksReceived: number, DataReceived: number, DupBlksReceived: number | null, DupDataReceived: number | null, BlocksSent: number, DataSent: number } {
      const { bitswap, libp2p } = online()
      const m = metrics as NodeMetrics
      return {
        Wantlist: bitswap.bitswap.getWantlist().map(w => w.cid),
        Peers: libp2p.getConnections().map(c => c.remotePeer.toString()).filter((p, i, a) => a.indexOf(p) === i).sort(),
        BlocksReceived: received.blocks,
        DataReceived: received.bytes,
        // not observable through @helia/bitswap (its duplicate counters are never updated): unknown, not 0
        DupBlksReceived: null,
        DupDataReceived: null,
        BlocksSent: m.get('helia_bitswap_sent_blocks_total'),
        DataSent: m.get('helia_bitswap_sent_data_bytes_total')
      }
    },

    wantlist (peer?: string): Promise<CID[]> | CID[] {
      const { bitswap } = online()
      if (peer === undefined) return bitswap.bitswap.getWantlist().map(w => w.cid)
      return parsePeer(peer).then(id => (bitswap.bitswap.getPeerWantlist(id) ?? []).map(w => w.cid))
    }
  }
  return api
}

export type NetworkApi = ReturnType<typeof createNetworkApi>
