/**
 * What the /routing/v1 API (routing-v1.ts) asks of a node, answered from this node's routing (the routers
 * Bitswap uses), its peer store and its IPNS record store. Part of the GatewayBackend.
 */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import { peerIdFromCID } from '@libp2p/peer-id'
import { unmarshalIPNSRecord } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import type { TsipfsNode } from '../core/node.ts'
import { canonicalName } from '../core/names/index.ts'
import { logger } from '../core/log.ts'

const log = logger('gateway:routing')

/** A peer as the routing API describes it (the "peer" schema) */
export interface PeerRecord {
  Schema: 'peer'
  /** Base58btc peer ID */
  ID: string
  Addrs: string[]
  Protocols?: string[]
}

export interface RoutingBackend {
  /** Providers of a CID: this node when it holds the block and provides, then what routing finds */
  providers(cid: CID, options?: AbortOptions): AsyncIterable<PeerRecord>
  /** A peer: this node, a peer whose addresses are known, or what routing finds */
  peers(peer: CID, options?: AbortOptions): AsyncIterable<PeerRecord>
  /** The best valid IPNS record of a name (the local store's, else the routers'), or undefined */
  getIpns(name: CID, options?: AbortOptions): Promise<Uint8Array | undefined>
  /** Validate and keep a record (InvalidArgumentError if invalid), then publish it to the routers */
  putIpns(name: CID, record: Uint8Array, options?: AbortOptions): Promise<void>
}

/** Transfer protocol names of the routing API for libp2p protocols a peer speaks */
function transferProtocols (protocols: string[]): string[] | undefined {
  return protocols.some(p => p.startsWith('/ipfs/bitswap')) ? ['transport-bitswap'] : undefined
}

/** The routing key of an IPNS name: `/ipns/` and the key's multihash */
function ipnsKey (name: CID): Uint8Array {
  return Uint8Array.from([...new TextEncoder().encode('/ipns/'), ...name.multihash.bytes])
}

const withoutPeer = (addr: string): string => addr.replace(/\/p2p\/[^/]+$/, '')

function notExpired (record: Uint8Array): boolean {
  try {
    return Date.parse(unmarshalIPNSRecord(record).validity) > Date.now()
  } catch {
    return false
  }
}

export function createRoutingBackend (node: TsipfsNode): RoutingBackend {
  const { network, names, routing } = node
  const { blocks, repo } = node.components

  function self (): PeerRecord {
    return { Schema: 'peer', ID: network.peerId().toString(), Addrs: network.listenAddrs().map(withoutPeer), Protocols: ['transport-bitswap'] }
  }

  return {
    async * providers (cid, options = {}) {
      if (!network.online) return
      const me = network.peerId().toString()
      // this node provides what it holds (Kubo's answer includes itself, from its own provider records)
      const provide = (repo.config.Provide ?? {}) as { Enabled?: boolean | null }
      if (provide.Enabled !== false && await blocks.has(cid, options)) yield self()
      const seen = new Set([me])
      for await (const p of routing.findProviders(cid, { ...options, count: 0 })) {
        if (seen.has(p.ID)) continue
        seen.add(p.ID)
        yield { Schema: 'peer', ID: p.ID, Addrs: p.Addrs.map(withoutPeer) }
      }
    },

    async * peers (peer, options = {}) {
      if (!network.online) return
      const id = peerIdFromCID(peer)
      if (id.equals(network.peerId())) {
        yield self()
        return
      }
      // a peer we know the addresses of (connected, or met before)
      const known = await network.peerInfo(id.toString()).catch(() => undefined)
      if (known !== undefined && known.Addresses.length > 0) {
        const protocols = transferProtocols(known.Protocols)
        yield { Schema: 'peer', ID: id.toString(), Addrs: known.Addresses.map(withoutPeer), ...(protocols !== undefined ? { Protocols: protocols } : {}) }
        return
      }
      let found
      try {
        found = await routing.findPeer(id, options)
      } catch (err) {
        options.signal?.throwIfAborted()
        log.debug(`find peer ${id.toString()}: ${(err as Error).message}`)
        return
      }
      yield { Schema: 'peer', ID: id.toString(), Addrs: found.Addrs.map(withoutPeer) }
    },

    async getIpns (name, options = {}) {
      const key = ipnsKey(name)
      const local = await names.getRecord(canonicalName(name), options).catch(() => undefined)
      // a valid record here is answered at once; the routers are asked only when there is none
      if (local !== undefined && notExpired(local)) return local
      if (!network.online) return undefined
      try {
        const remote = await routing.get(key, options)
        // a record from elsewhere is used only once its signature and name are checked
        await ipnsValidator(key, remote)
        return remote
      } catch (err) {
        options.signal?.throwIfAborted()
        log.debug(`get IPNS record ${canonicalName(name)}: ${(err as Error).message}`)
        return undefined
      }
    },

    async putIpns (name, record, options = {}) {
      await names.putRecord(canonicalName(name), record, options)
      if (!network.online) return
      // kept here whatever the routers say: a router that cannot take it does not make the record invalid
      await routing.put(ipnsKey(name), record, options).catch((err: Error) => {
        log.debug(`publish IPNS record ${canonicalName(name)}: ${err.message}`)
      })
    }
  }
}
