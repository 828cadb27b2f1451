/**
 * The config file: Kubo-shaped JSON. Key names and meanings follow Kubo's docs/config.md wherever Kubo has the
 * key. Defaults live here in code; the file on disk keeps what `init` wrote plus what the user set.
 */
import { ConfigKeyNotFoundError, InvalidConfigError } from '../errors.ts'
import { checkConfig } from './config-schema.ts'

export type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue }
export type JSONObject = { [key: string]: JSONValue }

export interface ImportConfig {
  CidVersion?: number | null
  UnixFSRawLeaves?: boolean | null
  UnixFSChunker?: string | null
  HashFunction?: string | null
  UnixFSFileMaxLinks?: number | null
  UnixFSDirectoryMaxLinks?: number | null
  UnixFSHAMTDirectoryMaxFanout?: number | null
  UnixFSHAMTDirectorySizeThreshold?: string | null
  UnixFSHAMTDirectorySizeEstimation?: string | null
  [key: string]: JSONValue | undefined
}

/**
 * The config as read from disk, checked against config-schema.ts (so null where Kubo takes null). Only the
 * sections tsipfs reads are typed here; the rest pass through untouched.
 */
export interface Config {
  Identity: { PeerID: string, PrivKey?: string }
  Addresses: { API: string | string[] | null, Gateway: string | string[] | null, Swarm: string[] | null, Announce: string[] | null, AppendAnnounce: string[] | null, NoAnnounce: string[] | null }
  Bootstrap: string[] | null
  Datastore: { StorageMax: string | null, StorageGCWatermark: number | null, GCPeriod: string | null, HashOnRead: boolean | null, BloomFilterSize: number | null, Spec: JSONObject | null }
  Import: ImportConfig
  [section: string]: JSONValue | undefined | object
}

export const DEFAULT_BOOTSTRAP = [
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmQCU2EcMqAqQPR2i9bChDtGNJchTbq5TbXJJ16u19uLTa',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ',
  '/ip4/104.131.131.82/udp/4001/quic-v1/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ'
]

/**
 * TCP and QUIC on 4001, IPv4 and IPv6, as in Kubo (Kubo's WebTransport and WebRTC-direct addresses are left
 * out: tsipfs cannot listen on them); WebSockets on 4002, because js-libp2p's TCP and WebSockets transports
 * cannot share one port (go-libp2p can), and a daemon with both on 4001 could not start.
 */
export const DEFAULT_SWARM_ADDRS = [
  '/ip4/0.0.0.0/tcp/4001',
  '/ip6/::/tcp/4001',
  '/ip4/0.0.0.0/udp/4001/quic-v1',
  '/ip6/::/udp/4001/quic-v1',
  '/ip4/0.0.0.0/tcp/4002/ws',
  '/ip6/::/tcp/4002/ws'
]

/** Datastore specs tsipfs understands. `lmdb` is the default; see bench/store for why. */
export const DATASTORE_SPECS: Record<string, JSONObject> = {
  lmdb: { type: 'lmdb', path: 'datastore' },
  flatfs: { type: 'flatfs', path: 'blocks', sync: true, meta: { type: 'lmdb', path: 'datastore' } }
}

/** A fresh config as `init` writes it, before profiles are applied. */
export function defaultConfig (identity: { PeerID: string, PrivKey: string }): Config {
  return {
    Identity: identity,
    API: { HTTPHeaders: {}, Authorizations: {} },
    Addresses: {
      API: '/ip4/127.0.0.1/tcp/5001',
      Gateway: '/ip4/127.0.0.1/tcp/8080',
      Swarm: [...DEFAULT_SWARM_ADDRS],
      Announce: [],
      AppendAnnounce: [],
      NoAnnounce: []
    },
    AutoNAT: {},
    Bootstrap: [...DEFAULT_BOOTSTRAP],
    DNS: { Resolvers: {} },
    Datastore: {
      StorageMax: '10GB',
      StorageGCWatermark: 90,
      GCPeriod: '1h',
      HashOnRead: false,
      BloomFilterSize: 0,
      Spec: DATASTORE_SPECS.lmdb as JSONObject
    },
    Discovery: { MDNS: { Enabled: true } },
    Gateway: {
      DeserializedResponses: null,
      DisableHTMLErrors: null,
      ExposeRoutingAPI: null,
      HTTPHeaders: {},
      NoDNSLink: false,
      NoFetch: false,
      PublicGateways: null,
      RootRedirect: ''
    },
    Import: {
      CidVersion: null,
      UnixFSRawLeaves: null,
      UnixFSChunker: null,
      HashFunction: null,
      UnixFSFileMaxLinks: null,
      UnixFSDirectoryMaxLinks: null,
      UnixFSHAMTDirectoryMaxFanout: null,
      UnixFSHAMTDirectorySizeThreshold: null,
      UnixFSHAMTDirectorySizeEstimation: null
    },
    Ipns: { RepublishPeriod: '', RecordLifetime: '', ResolveCacheSize: 128, UsePubsub: null },
    Peering: { Peers: null },
    Pinning: { RemoteServices: {} },
    Provide: { Enabled: null, Strategy: null, DHT: { Interval: null } },
    Pubsub: { Enabled: null, Router: '', DisableSigning: false },
    Routing: { Type: null, DelegatedRouters: null },
    Swarm: {
      AddrFilters: null,
      ConnMgr: {},
      DisableNatPortMap: false,
      RelayClient: {},
      RelayService: {},
      Transports: { Multiplexers: {}, Network: {}, Security: {} }
    }
  }
}

/** Split a dotted key (`Addresses.API`) into its parts; empty parts are an error */
export function splitKey (key: string): string[] {
  const parts = key.split('.')
  if (key === '' || parts.some(p => p === '')) throw new InvalidConfigError(`invalid config key "${key}"`)
  return parts
}

/** A dotted key's value; a missing key fails with Kubo's message, naming the key up to where it failed */
export function getKey (config: object, key: string): JSONValue {
  let cursor: unknown = config
  const parts = splitKey(key)
  for (const [i, part] of parts.entries()) {
    if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) {
      throw new ConfigKeyNotFoundError(`failed to get config value: "${parts.slice(0, i).join('.')} key is not a map"`)
    }
    if (!Object.hasOwn(cursor, part)) throw new ConfigKeyNotFoundError(`failed to get config value: "${parts.slice(0, i + 1).join('.')} not found"`)
    cursor = (cursor as Record<string, unknown>)[part]
  }
  return cursor as JSONValue
}

/** Set a dotted key, creating intermediate objects as Kubo does */
export function setKey (config: object, key: string, value: JSONValue): void {
  const parts = splitKey(key)
  let cursor = config as Record<string, unknown>
  for (const [i, part] of parts.slice(0, -1).entries()) {
    const next = cursor[part]
    if (next === undefined || next === null) {
      cursor[part] = {}
    } else if (typeof next !== 'object' || Array.isArray(next)) {
      throw new InvalidConfigError(`${parts.slice(0, i + 1).join('.')} key is not a map`)
    }
    cursor = cursor[part] as Record<string, unknown>
  }
  cursor[parts[parts.length - 1] as string] = value
}

/**
 * Check every key against its type (config-schema.ts); keys tsipfs does not know are kept as they are.
 * A value of the wrong type fails as `<key>: <Kubo's message>`.
 */
export function validateConfig (value: unknown): Config {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidConfigError('config must be a JSON object')
  }
  const problem = checkConfig(value)
  if (problem !== undefined) throw new InvalidConfigError(`${problem.path}: ${problem.message}`)
  const identity = (value as Record<string, unknown>).Identity as Record<string, unknown> | undefined
  if (identity == null || typeof identity.PeerID !== 'string') {
    throw new InvalidConfigError('config has no Identity.PeerID')
  }
  return value as Config
}

const UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4
}

/** Parse a Kubo size string ("10GB", "256KiB", "1048576") into bytes */
export function parseSize (value: string | number): number {
  if (typeof value === 'number') return value
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value)
  const unit = UNITS[(m?.[2] ?? '').toLowerCase()]
  if (m == null || unit === undefined) throw new InvalidConfigError(`invalid size "${value}"`)
  return Math.floor(Number(m[1]) * unit)
}

/** Parse a Go-style duration ("1h", "30s", "1m30s", "0") into milliseconds */
export function parseDuration (value: string): number {
  if (value === '0' || value === '') return 0
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy
  const scale: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 }
  let total = 0
  let consumed = 0
  for (let m = re.exec(value); m !== null; m = re.exec(value)) {
    total += Number(m[1]) * (scale[m[2] as string] as number)
    consumed = re.lastIndex
  }
  if (consumed !== value.length) throw new InvalidConfigError(`invalid duration "${value}"`)
  return total
}
