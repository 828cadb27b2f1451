/**
 * A delegated router: one Delegated Routing V1 HTTP API endpoint (ipfs/specs routing/http-routing-v1.md)
 * seen as a @helia/interface Routing, through @helia/delegated-routing-v1-http-api-client. It finds
 * providers and peers and gets and puts IPNS records; `provide` is a no-op (Kubo announces content to the
 * DHT, not to HTTP routers), as is getClosestPeers.
 *
 * An endpoint is a base URL (`https://host` or `https://host/prefix`), used for every method, or a URL that
 * names one method's path (`https://cid.contact/routing/v1/providers`), used for that method only, as
 * Kubo reads Routing.DelegatedRouters. Providers and peers found are added to the peer store, so that
 * Bitswap can dial them by their peer ID.
 */
import { delegatedRoutingV1HttpApiClient, type DelegatedRoutingV1HttpApiClient, type PeerRecord } from '@helia/delegated-routing-v1-http-api-client'
import type { Routing, Provider, Peer, RoutingOptions } from '@helia/interface'
import { NotFoundError, type PeerStore } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromCID } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { InvalidConfigError } from '../errors.ts'

export type HttpMethod = 'providers' | 'peers' | 'ipns'
const ALL: HttpMethod[] = ['providers', 'peers', 'ipns']
const LIBP2P_KEY = 0x72
const IPNS_PREFIX = new TextEncoder().encode('/ipns/')

/**
 * Providers Bitswap can use: those that say they speak Bitswap, and those whose protocols the router does
 * not know (DHT results). IPFS_HTTP-only providers (IPNI) are left to the router to drop.
 */
export const FILTER_PROTOCOLS = ['unknown', 'transport-bitswap']

export interface HttpRouting extends Routing {
  /** The endpoint's base URL, ending in `/` */
  readonly url: string
  /** The methods this endpoint answers */
  readonly methods: ReadonlySet<HttpMethod>
  start(): Promise<void>
  stop(): Promise<void>
}

export interface HttpRoutingInit {
  /** Where found peers' addresses are kept, so that they can be dialled by ID */
  peerStore?: PeerStore
  /** Per-request timeout, ms (the client's default: 30 s) */
  timeout?: number
}

/**
 * What `auto` in Routing.DelegatedRouters stands for: Kubo fills it in from its AutoConf document; tsipfs
 * has none and uses the network indexer that document names for providers
 */
export const AUTO_ENDPOINT = 'https://cid.contact/routing/v1/providers'

/** A configured endpoint → its base URL and the methods it serves */
export function parseEndpoint (endpoint: string): { base: string, methods: Set<HttpMethod> } {
  if (endpoint === 'auto') endpoint = AUTO_ENDPOINT
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new InvalidConfigError(`invalid delegated router URL ${JSON.stringify(endpoint)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidConfigError(`delegated router URL ${JSON.stringify(endpoint)} must be http:// or https://`)
  url.search = ''
  url.hash = ''
  const m = /^(.*?)\/routing\/v1(?:\/(providers|peers|ipns))?\/?$/.exec(url.pathname)
  const methods = new Set<HttpMethod>(m?.[2] !== undefined ? [m[2] as HttpMethod] : ALL)
  url.pathname = `${(m === null ? url.pathname : m[1] as string).replace(/\/+$/, '')}/`
  return { base: url.toString(), methods }
}

/** The IPNS name a routing key `/ipns/<multihash>` is for, or undefined for other keys */
function ipnsName (key: Uint8Array): CID | undefined {
  if (key.byteLength <= IPNS_PREFIX.byteLength || IPNS_PREFIX.some((b, i) => key[i] !== b)) return undefined
  try {
    return CID.createV1(LIBP2P_KEY, Digest.decode(key.subarray(IPNS_PREFIX.byteLength)))
  } catch {
    return undefined
  }
}

/** One endpoint (or several URLs of one base, each naming a method) as a Routing */
export function httpRouting (endpoints: string | string[], init: HttpRoutingInit = {}): HttpRouting {
  const parsed = (Array.isArray(endpoints) ? endpoints : [endpoints]).map(parseEndpoint)
  const base = parsed[0]?.base
  if (base === undefined) throw new InvalidConfigError('a delegated router needs a URL')
  if (parsed.some(p => p.base !== base)) throw new InvalidConfigError(`delegated router URLs of one router must share a base: ${String(endpoints)}`)
  const methods = new Set(parsed.flatMap(p => [...p.methods]))
  const client: DelegatedRoutingV1HttpApiClient = delegatedRoutingV1HttpApiClient({
    url: base,
    timeout: init.timeout,
    filterProtocols: FILTER_PROTOCOLS,
    // responses are not cached here: the client's cache needs the browser Cache API
    cacheTTL: 0
  })({ logger: defaultLogger() })
  const name = `delegated-http-router(${base})`

  async function remember (record: PeerRecord): Promise<void> {
    if (init.peerStore === undefined || record.Addrs.length === 0) return
    await init.peerStore.merge(peerIdFromCID(record.ID), { multiaddrs: record.Addrs }).catch(() => {})
  }

  return {
    url: base,
    methods,
    async start () { await client.start() },
    async stop () { await client.stop() },

    async provide () {},
    async cancelReprovide () {},

    async * findProviders (cid: CID, options: RoutingOptions = {}): AsyncGenerator<Provider> {
      if (!methods.has('providers')) return
      for await (const record of client.getProviders(cid, { signal: options.signal })) {
        await remember(record)
        yield { id: record.ID, multiaddrs: record.Addrs, protocols: record.Protocols, router: name, fallback: false }
      }
    },

    async findPeer (peer: CID, options: RoutingOptions = {}): Promise<Peer> {
      if (methods.has('peers')) {
        for await (const record of client.getPeers(peer, { signal: options.signal })) {
          if (!record.ID.multihash.bytes.every((b, i) => b === peer.multihash.bytes[i])) continue
          await remember(record)
          return { id: record.ID, multiaddrs: record.Addrs, router: name }
        }
      }
      throw new NotFoundError(`${base}: no peer record for ${peer.toString()}`)
    },

    async get (key: Uint8Array, options: RoutingOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
      const cid = ipnsName(key)
      if (cid === undefined || !methods.has('ipns')) throw new NotFoundError(`${base} has only IPNS records`)
      try {
        return await client.getIPNS(cid, { signal: options.signal })
      } catch (err) {
        options.signal?.throwIfAborted()
        // the client reports "no record" as NotFoundError, or as BadResponseError for an empty body
        if ((err as Error).name === 'BadResponseError') throw new NotFoundError(`${base}: no IPNS record for ${cid.toString()}`)
        throw err
      }
    },

    async put (key: Uint8Array, value: Uint8Array, options: RoutingOptions = {}): Promise<void> {
      const cid = ipnsName(key)
      if (cid === undefined || !methods.has('ipns')) return
      await client.putIPNS(cid, value, { signal: options.signal })
    },

    async * getClosestPeers () {}
  }
}

/** Several endpoints: URLs naming methods of one base make one router */
export function httpRouters (endpoints: string[], init: HttpRoutingInit = {}): HttpRouting[] {
  const byBase = new Map<string, string[]>()
  for (const e of endpoints) {
    const { base } = parseEndpoint(e)
    byBase.set(base, [...byBase.get(base) ?? [], e])
  }
  return [...byBase.values()].map(urls => httpRouting(urls, init))
}
