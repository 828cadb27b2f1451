/**
 * The Kademlia DHTs (@libp2p/kad-dht): the libp2p services a RoutingPlan asks for, and each DHT seen as a
 * @helia/interface Routing so that composeRouting can put it beside the delegated HTTP routers.
 */
import { kadDHT, removePrivateAddressesMapper, EventTypes, type KadDHT, type QueryEvent } from '@libp2p/kad-dht'
import { isPrivate, isLoopback } from '@libp2p/utils'
import { NotFoundError, type PeerId, type PeerInfo, type PeerStore } from '@libp2p/interface'
import { peerIdFromCID } from '@libp2p/peer-id'
import type { Routing, Provider, Peer, RoutingOptions } from '@helia/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import { ipnsValidator } from 'ipns/validator'
import { ipnsSelector } from 'ipns/selector'
import type { DhtSpec } from './plan.ts'

/** IPNS records are validated and chosen as the ipns package says (sequence, then validity) */
export const recordValidators = { ipns: ipnsValidator }
export const recordSelectors = { ipns: ipnsSelector }

/** A libp2p service factory for one DHT of the plan */
export function dhtService (spec: DhtSpec, options: { loopbackOnLan: boolean }): ReturnType<typeof kadDHT> {
  // the LAN DHT keeps private addresses only, and loopback only when asked (Kubo: Routing.LoopbackAddressesOnLanDHT)
  const lanMapper = (peer: PeerInfo): PeerInfo => ({
    ...peer,
    multiaddrs: peer.multiaddrs.filter(ma => isPrivate(ma) && (options.loopbackOnLan || !isLoopback(ma)))
  })
  return kadDHT({
    protocol: spec.protocol,
    clientMode: spec.mode === 'auto' ? undefined : spec.mode === 'client',
    peerInfoMapper: spec.lan ? lanMapper : removePrivateAddressesMapper,
    logPrefix: `tsipfs:routing:${spec.service}`,
    datastorePrefix: `/${spec.service}`,
    metricsPrefix: `tsipfs_${spec.service}`,
    validators: recordValidators,
    selectors: recordSelectors,
    // Kubo answers at once when the routing table is empty, rather than waiting for a first peer
    allowQueryWithZeroPeers: true,
    // tsipfs re-announces what it provides itself (src/core/routing/provider.ts), in batches
    reprovide: { interval: 2 ** 31 - 1, threshold: 0 }
  })
}

/** Addresses of a peer: the ones the DHT gave, else what the peer store knows */
async function addrsOf (peerStore: PeerStore, info: PeerInfo): Promise<Multiaddr[]> {
  if (info.multiaddrs.length > 0) return info.multiaddrs
  const known = await peerStore.get(info.id).catch(() => undefined)
  return known?.addresses.map(a => a.multiaddr) ?? []
}

/** Run a query to its end (kad-dht's operations are lazy iterables of events) */
async function drain (events: AsyncIterable<QueryEvent>): Promise<QueryEvent[]> {
  const out: QueryEvent[] = []
  for await (const e of events) out.push(e)
  return out
}

/** One DHT as a Routing */
export function kadRouting (dht: KadDHT, peerStore: PeerStore, name: string): Routing {
  return {
    async provide (cid: CID, options?: RoutingOptions) {
      await drain(dht.provide(cid, options))
    },
    async cancelReprovide (cid: CID, options?: RoutingOptions) {
      await dht.cancelReprovide(cid, options)
    },
    async * findProviders (cid: CID, options?: RoutingOptions): AsyncGenerator<Provider> {
      for await (const e of dht.findProviders(cid, options)) {
        if (e.type !== EventTypes.PROVIDER) continue
        for (const p of e.providers) {
          // Bitswap dials providers by peer ID: the addresses must be in the peer store
          if (p.multiaddrs.length > 0) await peerStore.merge(p.id, { multiaddrs: p.multiaddrs }).catch(() => {})
          yield { id: p.id.toCID(), multiaddrs: await addrsOf(peerStore, p), router: name, fallback: false }
        }
      }
    },
    async put (key: Uint8Array, value: Uint8Array, options?: RoutingOptions) {
      await drain(dht.put(key, value, options))
    },
    async get (key: Uint8Array, options?: RoutingOptions): Promise<Uint8Array<ArrayBuffer>> {
      let value: Uint8Array | undefined
      for await (const e of dht.get(key, options)) {
        if (e.type === EventTypes.VALUE) value = e.value
      }
      if (value === undefined) throw new NotFoundError('routing: not found')
      return value as Uint8Array<ArrayBuffer>
    },
    async findPeer (id: CID, options?: RoutingOptions): Promise<Peer> {
      const peerId: PeerId = peerIdFromCID(id)
      for await (const e of dht.findPeer(peerId, options)) {
        if (e.type === EventTypes.FINAL_PEER && e.peer.id.equals(peerId)) {
          return { id, multiaddrs: e.peer.multiaddrs, router: name }
        }
      }
      throw new NotFoundError('routing: not found')
    },
    async * getClosestPeers (key: Uint8Array, options?: RoutingOptions): AsyncGenerator<Peer> {
      for await (const e of dht.getClosestPeers(key, options)) {
        if (e.type === EventTypes.FINAL_PEER) yield { id: e.peer.id.toCID(), multiaddrs: e.peer.multiaddrs, router: name }
      }
    }
  }
}
