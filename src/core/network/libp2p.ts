/**
 * The libp2p node, configured explicitly from the repo's config (Kubo's keys and meanings): listen and
 * announce addresses, the swarm's transports, encryption, relay, NAT traversal, filters, private network
 * and connection limits (swarm.ts), identify (and push), ping, the bootstrap list and mDNS (Bitswap runs on
 * it: ./bitswap/). Loaded only by the daemon: the
 * libp2p stack costs a CLI command time and memory it does not need.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { identify, identifyPush, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { bootstrap } from '@libp2p/bootstrap'
import { mdns } from '@libp2p/mdns'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { readMultiaddr } from './addr.ts'
import type { ComponentLogger, Logger, PeerDiscovery } from '@libp2p/interface'
import { fromString as u8FromString } from 'uint8arrays/from-string'
import type { Config } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'
import { AGENT_VERSION } from './identity.ts'
import { planSwarm, type SwarmPlan } from './swarm.ts'
import type { Routing } from '@helia/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { routingPlan, type RoutingPlan } from '../routing/plan.ts'
import { dhtService, withoutDhtKeepAlive } from '../routing/dht.ts'
import { buildRouting } from '../routing/index.ts'
import { httpRouting, type HttpRouting } from '../routing/http-client.ts'
import type { NodeMetrics } from './metrics.ts'
import { pubsubSettings, type PubsubFlags, type PubsubSettings } from '../pubsub/config.ts'
import { pubsubService, type PubsubRouter } from '../pubsub/service.ts'
import type { Datastore } from 'interface-datastore'
import { RECORD_VALIDITY, storeSweep } from '../routing/dht-store.ts'

export type Services = { identify: Identify, identifyPush: unknown, ping: Ping, pubsub?: PubsubRouter }

const off: Logger = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => off })

/**
 * libp2p's loggers while DEBUG is unset: one shared logger, off. @libp2p/logger makes three `debug`
 * instances (each asking whether stderr is a terminal) for every stream's scope, whether they log or not:
 * 0.1 ms a stream, and Kubo opens a stream for every block it sends (~100 ms of CPU for 256 MiB from it).
 * With DEBUG set (DEBUG=libp2p:*), libp2p's own loggers are used.
 */
const quietLogger = (): ComponentLogger | undefined => process.env.DEBUG === undefined || process.env.DEBUG === '' ? { forComponent: () => off } : undefined

export type Node = Libp2p<Services>


export interface Built {
  libp2p: Node
  /** Listen addresses from the config that this build cannot serve, each with the reason */
  skipped: string[]
  /** The swarm's settings and the parts that run beside libp2p (swarm.ts) */
  swarm: SwarmPlan
  /** How pubsub was configured (the router is libp2p.services.pubsub, present when settings.enabled) */
  pubsub: PubsubSettings
  /** The DHTs, delegated routers… composed (src/core/routing) */
  routing: Routing
  plan: RoutingPlan
  /** The DHT services by service name (aminoDHT, lanDHT, or dht_<name> for Routing.Type custom) */
  dhts: Map<string, KadDHT>
  /** The delegated HTTP routers among them, started and stopped with the network */
  httpRouters: HttpRouting[]
}

export async function buildLibp2p (config: Config, repoPath: string, metrics: NodeMetrics, flags: PubsubFlags, datastore: Datastore): Promise<Built> {
  const pubsub = pubsubSettings(config, flags)
  const { PrivKey } = config.Identity
  if (PrivKey === undefined) throw new InvalidConfigError('config has no Identity.PrivKey')
  const privateKey = privateKeyFromProtobuf(u8FromString(PrivKey, 'base64pad'))
  const swarm = await planSwarm(config, repoPath)
  const { listen, skipped } = swarm
  for (const a of [...listen, ...config.Addresses?.Announce ?? [], ...config.Addresses?.AppendAnnounce ?? []] as Array<string | null>) {
    try {
      // null in a list is "" to Go, which Kubo refuses as it refuses "" (libp2p would fail on null with a TypeError)
      if (a === null || a === '') throw new Error('empty multiaddr')
      multiaddr(a)
    } catch (err) {
      throw new InvalidConfigError(`invalid multiaddr ${JSON.stringify(a ?? '')} in Addresses: ${(err as Error).message}`)
    }
  }
  const bootstrapList = (config.Bootstrap ?? []).filter(a => typeof a === 'string' && a !== '').map(a => {
    try {
      return readMultiaddr(a).toString()
    } catch (err) {
      throw new InvalidConfigError(`invalid multiaddr ${JSON.stringify(a)} in Bootstrap: ${(err as Error).message}`)
    }
  })
  const discovery = config.Discovery as { MDNS?: { Enabled?: boolean } } | undefined
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  if (bootstrapList.length > 0) peerDiscovery.push(bootstrap({ list: bootstrapList }))
  if (discovery?.MDNS?.Enabled !== false) peerDiscovery.push(mdns())
  const plan = routingPlan(config)
  const dhtServices = Object.fromEntries(plan.dhts.map(d => [d.service, dhtService(d, { loopbackOnLan: plan.loopbackOnLan })]))
  const libp2p = await createLibp2p({
    privateKey,
    start: false,
    logger: quietLogger(),
    // kept in the repo (network/datastore.ts); a stored provider record is answered from its peer's entry, so peers are kept as long
    datastore,
    peerStore: { maxPeerAge: RECORD_VALIDITY },
    addresses: {
      listen,
      announce: config.Addresses?.Announce ?? [],
      appendAnnounce: config.Addresses?.AppendAnnounce ?? [],
      noAnnounce: config.Addresses?.NoAnnounce ?? []
    },
    ...swarm.options,
    peerDiscovery,
    nodeInfo: { userAgent: AGENT_VERSION },
    metrics: () => metrics,
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      // the connection monitor pings every connection every 10 s on this protocol too: with the module's
      // default of one outbound stream, `tsipfs ping` colliding with it failed ("Too many outbound protocol
      // streams"); Kubo does not limit ping streams this tightly
      ping: ping({ maxOutboundStreams: 4, maxInboundStreams: 4 }),
      ...swarm.services,
      ...dhtServices,
      storeSweep: storeSweep(),
      ...(pubsub.enabled ? { pubsub: pubsubService(pubsub) } : {})
    }
  }) as unknown as Node
  const services = libp2p.services as unknown as Record<string, KadDHT>
  const dhts = new Map(plan.dhts.map(d => [d.service, services[d.service] as KadDHT]))
  withoutDhtKeepAlive(libp2p, libp2p.peerStore)
  const httpRouters: HttpRouting[] = []
  const httpRouter = (endpoint: string): Routing => {
    const r = httpRouting(endpoint, { peerStore: libp2p.peerStore })
    httpRouters.push(r)
    return r
  }
  const routing = buildRouting({ plan, dhts, peerStore: libp2p.peerStore, httpRouter })
  return { libp2p, skipped, swarm, routing, plan, dhts, pubsub, httpRouters }
}
