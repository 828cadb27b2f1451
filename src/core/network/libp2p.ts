/**
 * The libp2p node, configured explicitly from the repo's config (Kubo's keys and meanings): listen and
 * announce addresses, the swarm's transports, encryption, relay, NAT traversal, filters, private network
 * and connection limits (swarm.ts), identify (and push), ping, the bootstrap list, mDNS, and Bitswap over
 * the local store. Loaded only by the daemon: the
 * libp2p stack costs a CLI command time and memory it does not need.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
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
import { localRouting } from './routing.ts'
import { planSwarm, type SwarmPlan } from './swarm.ts'
import type { NodeMetrics } from './metrics.ts'

export type Services = { identify: Identify, identifyPush: unknown, ping: Ping }
export type Node = Libp2p<Services>


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
  /** Listen addresses from the config that this build cannot serve, each with the reason */
  skipped: string[]
  /** The swarm's settings and the parts that run beside libp2p (swarm.ts) */
  swarm: SwarmPlan
}

export async function buildLibp2p (config: Config, repoPath: string, blockstore: Blockstore, metrics: NodeMetrics): Promise<Built> {
  const { PrivKey } = config.Identity
  if (PrivKey === undefined) throw new InvalidConfigError('config has no Identity.PrivKey')
  const privateKey = privateKeyFromProtobuf(u8FromString(PrivKey, 'base64pad'))
  const swarm = await planSwarm(config, repoPath)
  const { listen, skipped } = swarm
  for (const a of [...listen, ...config.Addresses.Announce ?? [], ...config.Addresses.AppendAnnounce ?? []]) {
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
  const libp2p = await createLibp2p({
    privateKey,
    start: false,
    addresses: {
      listen,
      announce: config.Addresses.Announce ?? [],
      appendAnnounce: config.Addresses.AppendAnnounce ?? [],
      noAnnounce: config.Addresses.NoAnnounce ?? []
    },
    ...swarm.options,
    peerDiscovery,
    nodeInfo: { userAgent: AGENT_VERSION },
    metrics: () => metrics,
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      ...swarm.services
    }
  }) as unknown as Node
  const bitswap = await bitswapBroker({
    libp2p,
    blockstore,
    routing: localRouting(),
    logger: defaultLogger(),
    metrics,
    getHasher: async (code: number) => hasherByCode(code)
  })
  return { libp2p, bitswap, skipped, swarm }
}
