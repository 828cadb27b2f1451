/**
 * The libp2p node, configured explicitly from the repo's config (Kubo's keys and meanings): listen and
 * announce addresses, TCP and WebSockets, noise, yamux, identify (and push), ping, the bootstrap list,
 * mDNS, the connection manager's limits, and Bitswap over the local store. Loaded only by the daemon: the
 * libp2p stack costs a CLI command time and memory it does not need.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify, identifyPush, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { bootstrap } from '@libp2p/bootstrap'
import { mdns } from '@libp2p/mdns'
import { defaultLogger } from '@libp2p/logger'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { withBitswap } from '@helia/bitswap'
import type { CID } from 'multiformats/cid'
import type { AbortOptions, PeerDiscovery, PeerId } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import { fromString as u8FromString } from 'uint8arrays/from-string'
import type { Config } from '../repo/config.ts'
import { hasherByCode } from '../blocks/hashers.ts'
import { InvalidConfigError } from '../errors.ts'
import { AGENT_VERSION } from './identity.ts'
import type { Routing } from '@helia/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { routingPlan, type RoutingPlan } from '../routing/plan.ts'
import { dhtService } from '../routing/dht.ts'
import { buildRouting } from '../routing/index.ts'
import { httpRouting, type HttpRouting } from '../routing/http-client.ts'
import type { NodeMetrics } from './metrics.ts'

export type Services = { identify: Identify, identifyPush: unknown, ping: Ping }
export type Node = Libp2p<Services>

/** Transports tsipfs has; listen addresses for others (QUIC, WebTransport, WebRTC) are skipped with a warning */
function supported (addr: string): boolean {
  return /\/tcp\/\d+(\/(ws|wss|tls\/ws))?(\/p2p\/[^/]+)?$/.test(addr) && !addr.includes('/quic')
}

/** What tsipfs uses of @helia/bitswap's block broker */
export interface BitswapBroker {
  start(): Promise<void>
  stop(): Promise<void>
  retrieve(cid: CID, options?: AbortOptions): Promise<Uint8Array>
  announce(cid: CID, options?: AbortOptions): Promise<void>
  bitswap: {
    getWantlist(): Array<{ cid: CID, priority: number, wantType: number }>
    getPeerWantlist(peer: PeerId): Array<{ cid: CID, priority: number, wantType: number }> | undefined
  }
}

/**
 * @helia/bitswap 4 exports its Bitswap only through `withBitswap(helia)`, a Helia mixin. tsipfs is not a
 * Helia node, so it hands the mixin the few parts the broker reads (libp2p, the local blockstore, routing,
 * a logger, hashers) and keeps the broker the mixin builds. The broker is not started here.
 */
async function bitswapBroker (components: Record<string, unknown>): Promise<BitswapBroker> {
  let mixin: { start: (h: unknown) => Promise<void> } | undefined
  let broker: BitswapBroker | undefined
  const shim = {
    ...components,
    status: 'starting',
    addMixin (m: typeof mixin) { mixin = m },
    hasBlockBroker: () => false,
    addBlockBroker (b: BitswapBroker) { broker = b }
  }
  withBitswap(shim as unknown as Parameters<typeof withBitswap>[0], { maxWantlistSize: 1024 })
  // the mixin builds the broker and starts it; stop it again so that start/stop stay the network's
  await mixin?.start(shim)
  if (broker === undefined) throw new Error('@helia/bitswap did not build its block broker')
  await broker.stop()
  return broker
}

export interface Built {
  libp2p: Node
  bitswap: BitswapBroker
  /** Listen addresses from the config that this build cannot serve */
  skipped: string[]
  /** The DHTs, delegated routers… composed (src/core/routing) */
  routing: Routing
  plan: RoutingPlan
  /** The DHT services by service name (aminoDHT, lanDHT, or dht_<name> for Routing.Type custom) */
  dhts: Map<string, KadDHT>
  /** The delegated HTTP routers among them, started and stopped with the network */
  httpRouters: HttpRouting[]
}

export async function buildLibp2p (config: Config, blockstore: Blockstore, metrics: NodeMetrics): Promise<Built> {
  const { PrivKey } = config.Identity
  if (PrivKey === undefined) throw new InvalidConfigError('config has no Identity.PrivKey')
  const privateKey = privateKeyFromProtobuf(u8FromString(PrivKey, 'base64pad'))
  const listen = (config.Addresses.Swarm ?? []).filter(supported)
  const skipped = (config.Addresses.Swarm ?? []).filter((a: string) => !supported(a))
  for (const a of [...listen as string[], ...config.Addresses.Announce ?? [], ...config.Addresses.AppendAnnounce ?? []]) {
    try {
      multiaddr(a)
    } catch (err) {
      throw new InvalidConfigError(`invalid multiaddr ${JSON.stringify(a)} in Addresses: ${(err as Error).message}`)
    }
  }
  const bootstrapList = (config.Bootstrap ?? []).filter(a => typeof a === 'string' && a !== '')
  const discovery = config.Discovery as { MDNS?: { Enabled?: boolean } } | undefined
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (bootstrapList.length > 0) peerDiscovery.push(bootstrap({ list: bootstrapList }))
  if (discovery?.MDNS?.Enabled !== false) peerDiscovery.push(mdns())
  const plan = routingPlan(config)
  const dhtServices = Object.fromEntries(plan.dhts.map(d => [d.service, dhtService(d, { loopbackOnLan: plan.loopbackOnLan })]))
  const connMgr = ((config.Swarm as Record<string, unknown> | undefined)?.ConnMgr ?? {}) as { HighWater?: number }
  const libp2p = await createLibp2p({
    privateKey,
    start: false,
    addresses: {
      listen,
      announce: config.Addresses.Announce ?? [],
      appendAnnounce: config.Addresses.AppendAnnounce ?? [],
      noAnnounce: config.Addresses.NoAnnounce ?? []
    },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: { maxConnections: typeof connMgr.HighWater === 'number' && connMgr.HighWater > 0 ? connMgr.HighWater : 96 },
    nodeInfo: { userAgent: AGENT_VERSION },
    metrics: () => metrics,
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      ...dhtServices
    }
  })
  const services = libp2p.services as unknown as Record<string, KadDHT>
  const dhts = new Map(plan.dhts.map(d => [d.service, services[d.service] as KadDHT]))
  const httpRouters: HttpRouting[] = []
  const httpRouter = (endpoint: string): Routing => {
    const r = httpRouting(endpoint, { peerStore: libp2p.peerStore })
    httpRouters.push(r)
    return r
  }
  const routing = buildRouting({ plan, dhts, peerStore: libp2p.peerStore, httpRouter })
  const bitswap = await bitswapBroker({
    libp2p,
    blockstore,
    routing,
    logger: defaultLogger(),
    metrics,
    getHasher: async (code: number) => hasherByCode(code)
  })
  return { libp2p, bitswap, skipped, routing, plan, dhts, httpRouters }
}
