/**
 * The shape of the config file, key by key, with the Go types Kubo 0.42 decodes each key into (kubo
 * config/*.go), plus the few keys only tsipfs reads. `checkKey` refuses a key Kubo would not find, and
 * `checkConfig` refuses a value Kubo could not decode, both with Kubo's messages, so that a wrong value is
 * refused when it is set or when the file is opened, not met later by the code that reads it.
 *
 * As in Go's encoding/json, keys the shape does not know are left alone when a file or a whole config is
 * checked (only `checkKey`, for `config <key> <value>`, refuses them), and null is accepted wherever Go
 * takes it, except for a whole section or nested object (Go would silently ignore such a null; tsipfs
 * reads into those objects, so it refuses one).
 */
import { byteOrder } from '../order.ts'

export type Shape =
  /**
   * A Go struct: `name` is the struct Go's messages name for its fields ('' for an anonymous one), `go` its
   * type (default `config.<name>`); `pointer` accepts null
   */
  | { kind: 'struct', name: string, fields: Record<string, Shape>, pointer?: boolean, go?: string }
  /** A Go map from string keys */
  | { kind: 'map', go: string, value: Shape }
  /** A Go slice */
  | { kind: 'list', go: string, item: Shape }
  | { kind: 'string', go: string }
  | { kind: 'bool' }
  | { kind: 'int', go: 'int' | 'int64' }
  /** config.Strings: a list of strings, or one string */
  | { kind: 'strings' }
  /** config.Flag: true, false or null (the default) */
  | { kind: 'flag' }
  /** config.Priority: a positive integer, false (disabled) or null (the default) */
  | { kind: 'priority' }
  | { kind: 'optional-integer' }
  | { kind: 'optional-string' }
  | { kind: 'optional-duration' }
  | { kind: 'optional-bytes' }
  | { kind: 'autonat-mode' }
  /** A key Kubo removed: only an empty object is accepted, anything else gets Kubo's message */
  | { kind: 'removed', message: string }
  /** Anything (Go's `any`, json.RawMessage) */
  | { kind: 'any' }

const str: Shape = { kind: 'string', go: 'string' }
const bool: Shape = { kind: 'bool' }
const int: Shape = { kind: 'int', go: 'int' }
const int64: Shape = { kind: 'int', go: 'int64' }
const strings: Shape = { kind: 'strings' }
const flag: Shape = { kind: 'flag' }
const priority: Shape = { kind: 'priority' }
const optInt: Shape = { kind: 'optional-integer' }
const optStr: Shape = { kind: 'optional-string' }
const optDur: Shape = { kind: 'optional-duration' }
const optBytes: Shape = { kind: 'optional-bytes' }
const any: Shape = { kind: 'any' }
const list: Shape = { kind: 'list', go: '[]string', item: str }
const struct = (name: string, fields: Record<string, Shape>, pointer = false): Shape => ({ kind: 'struct', name, fields, pointer })
const map = (go: string, value: Shape): Shape => ({ kind: 'map', go, value })

const headers = map('map[string][]string', list)

/** The config file (kubo config/config.go `Config`); keys marked "tsipfs" are not in Kubo 0.42 */
export const CONFIG_SHAPE: Shape = struct('Config', {
  Identity: struct('Identity', { PeerID: str, PrivKey: str }),
  Datastore: struct('Datastore', {
    StorageMax: str,
    StorageGCWatermark: int64,
    GCPeriod: str,
    Type: str,
    Path: str,
    NoSync: bool,
    Params: any,
    Spec: map('map[string]interface {}', any),
    HashOnRead: bool,
    BloomFilterSize: int,
    BlockKeyCacheSize: optInt,
    WriteThrough: flag
  }),
  Addresses: struct('Addresses', { Swarm: list, Announce: list, AppendAnnounce: list, NoAnnounce: list, API: strings, Gateway: strings }),
  Mounts: struct('Mounts', { IPFS: str, IPNS: str, MFS: str, FuseAllowOther: flag, StoreMtime: flag, StoreMode: flag }),
  Discovery: struct('Discovery', { MDNS: struct('MDNS', { Enabled: bool }) }),
  Routing: struct('Routing', {
    Type: optStr,
    AcceleratedDHTClient: flag,
    LoopbackAddressesOnLanDHT: flag,
    IgnoreProviders: list,
    DelegatedRouters: list,
    Routers: map('config.Routers', struct('Router', { Type: { kind: 'string', go: 'config.RouterType' }, Parameters: any })),
    Methods: map('config.Methods', struct('Method', { RouterName: str }))
  }),
  Ipns: struct('Ipns', {
    RepublishPeriod: str,
    RecordLifetime: str,
    ResolveCacheSize: int,
    MaxCacheTTL: optDur,
    UsePubsub: flag,
    DelegatedPublishers: list
  }),
  Bootstrap: list,
  Gateway: struct('Gateway', {
    HTTPHeaders: headers,
    RootRedirect: str,
    NoFetch: bool,
    NoDNSLink: bool,
    DeserializedResponses: flag,
    AllowCodecConversion: flag,
    DisableHTMLErrors: flag,
    PublicGateways: map('map[string]*config.GatewaySpec', struct('GatewaySpec', {
      Paths: list,
      UseSubdomains: bool,
      NoDNSLink: bool,
      InlineDNSLink: flag,
      DeserializedResponses: flag
    }, true)),
    ExposeRoutingAPI: flag,
    RetrievalTimeout: optDur,
    MaxRequestDuration: optDur,
    MaxConcurrentRequests: optInt,
    /** tsipfs: requests one client address may have in flight */
    MaxConcurrentRequestsPerClient: optInt,
    MaxRangeRequestFileSize: optBytes,
    DiagnosticServiceURL: optStr
  }),
  API: struct('API', {
    HTTPHeaders: headers,
    Authorizations: map('map[string]*config.RPCAuthScope', struct('RPCAuthScope', { AuthSecret: str, AllowedPaths: list }, true))
  }),
  Swarm: struct('SwarmConfig', {
    AddrFilters: list,
    DisableBandwidthMetrics: bool,
    DisableNatPortMap: bool,
    RelayClient: struct('RelayClient', { Enabled: flag, StaticRelays: list }),
    RelayService: struct('RelayService', {
      Enabled: flag,
      ConnectionDurationLimit: optDur,
      ConnectionDataLimit: optInt,
      ReservationTTL: optDur,
      MaxReservations: optInt,
      MaxCircuits: optInt,
      BufferSize: optInt,
      MaxReservationsPerIP: optInt,
      MaxReservationsPerASN: optInt,
      /** tsipfs: Kubo's older names for ConnectionDurationLimit and ConnectionDataLimit, still read */
      Limit: struct('RelayLimit', { Duration: optDur, Data: optInt }, true)
    }),
    EnableHolePunching: flag,
    Transports: struct('Transports', {
      Network: struct('', { QUIC: flag, TCP: flag, Websocket: flag, Relay: flag, WebTransport: flag, WebRTCDirect: flag }),
      Security: struct('', { TLS: priority, Noise: priority }),
      Multiplexers: struct('', { Yamux: priority })
    }),
    ConnMgr: struct('ConnMgr', { Type: optStr, LowWater: optInt, HighWater: optInt, GracePeriod: optDur, SilencePeriod: optDur }),
    ResourceMgr: struct('ResourceMgr', {
      Enabled: flag,
      Limits: { kind: 'removed', message: 'The Swarm.ResourceMgr.Limits configuration has been removed in Kubo 0.19 and should be empty or not present. To set custom libp2p limits, read https://github.com/ipfs/kubo/blob/master/docs/libp2p-resource-management.md#user-supplied-override-limits' },
      MaxMemory: optBytes,
      MaxFileDescriptors: optInt,
      Allowlist: list
    })
  }),
  AutoNAT: struct('AutoNATConfig', {
    ServiceMode: { kind: 'autonat-mode' },
    Throttle: struct('AutoNATThrottleConfig', { GlobalLimit: int, PeerLimit: int, Interval: optDur }, true)
  }),
  AutoTLS: struct('AutoTLS', {
    Enabled: flag,
    AutoWSS: flag,
    SkipDNSLookup: flag,
    DomainSuffix: optStr,
    RegistrationEndpoint: optStr,
    RegistrationToken: optStr,
    RegistrationDelay: optDur,
    CAEndpoint: optStr,
    ShortAddrs: flag
  }),
  Pubsub: struct('PubsubConfig', {
    Router: str,
    DisableSigning: bool,
    Enabled: flag,
    SeenMessagesTTL: optDur,
    SeenMessagesStrategy: optStr,
    /** tsipfs: Kubo removed it; false is accepted with DisableSigning only */
    StrictSignatureVerification: flag,
    /** tsipfs: the largest pubsub frame */
    MaxMessageSize: optBytes
  }),
  // peer.AddrInfo decodes itself: Go's messages name the enclosing struct
  Peering: struct('Peering', { Peers: { kind: 'list', go: '[]peer.AddrInfo', item: { kind: 'struct', name: 'Peering', go: 'peer.AddrInfo', fields: { ID: str, Addrs: list } } } }),
  DNS: struct('DNS', { Resolvers: map('map[string]string', str), MaxCacheTTL: optDur }),
  Migration: struct('Migration', { DownloadSources: list, Keep: str }),
  AutoConf: struct('AutoConf', { URL: optStr, Enabled: flag, RefreshInterval: optDur, TLSInsecureSkipVerify: flag }),
  Provide: struct('Provide', {
    Enabled: flag,
    Strategy: optStr,
    BloomFPRate: optInt,
    DHT: struct('ProvideDHT', {
      Interval: optDur,
      MaxWorkers: optInt,
      SweepEnabled: flag,
      DedicatedPeriodicWorkers: optInt,
      DedicatedBurstWorkers: optInt,
      MaxProvideConnsPerWorker: optInt,
      KeystoreBatchSize: optInt,
      OfflineDelay: optDur,
      SendProviderRecordTimeout: optDur,
      ResumeEnabled: flag
    })
  }),
  Provider: struct('Provider', { Enabled: flag, Strategy: optStr, WorkerCount: optInt }),
  Reprovider: struct('Reprovider', { Interval: optDur, Strategy: optStr }),
  HTTPRetrieval: struct('HTTPRetrieval', {
    Enabled: flag,
    Allowlist: list,
    Denylist: list,
    NumWorkers: optInt,
    MaxBlockSize: optStr,
    TLSInsecureSkipVerify: flag
  }),
  Experimental: struct('Experiments', {
    FilestoreEnabled: bool,
    UrlstoreEnabled: bool,
    ShardingEnabled: bool,
    Libp2pStreamMounting: bool,
    P2pHttpProxy: bool,
    StrategicProviding: bool,
    OptimisticProvide: bool,
    OptimisticProvideJobsPoolSize: int,
    GatewayOverLibp2p: bool,
    GraphsyncEnabled: { kind: 'removed', message: 'Support for Experimental.GraphsyncEnabled has been removed in Kubo 0.25.0, please remove this key. For more details see https://github.com/ipfs/kubo/pull/9747.' },
    AcceleratedDHTClient: { kind: 'removed', message: 'The Experimental.AcceleratedDHTClient key has been moved to Routing.AcceleratedDHTClient in Kubo 0.21, please use this new key and remove the old one.' }
  }),
  Plugins: struct('Plugins', { Plugins: map('map[string]config.Plugin', struct('Plugin', { Disabled: bool, Config: any })) }),
  Pinning: struct('Pinning', {
    RemoteServices: map('map[string]config.RemotePinningService', struct('RemotePinningService', {
      API: struct('RemotePinningServiceAPI', { Endpoint: str, Key: str }),
      Policies: struct('RemotePinningServicePolicies', {
        MFS: struct('RemotePinningServiceMFSPolicy', { Enable: bool, PinName: str, RepinInterval: str })
      })
    }))
  }),
  Import: struct('Import', {
    CidVersion: optInt,
    UnixFSRawLeaves: flag,
    UnixFSChunker: optStr,
    HashFunction: optStr,
    UnixFSFileMaxLinks: optInt,
    UnixFSDirectoryMaxLinks: optInt,
    UnixFSHAMTDirectoryMaxFanout: optInt,
    UnixFSHAMTDirectorySizeThreshold: optBytes,
    UnixFSHAMTDirectorySizeEstimation: optStr,
    UnixFSDAGLayout: optStr,
    BatchMaxNodes: optInt,
    BatchMaxSize: optInt,
    FastProvideRoot: flag,
    FastProvideDAG: flag,
    FastProvideWait: flag
  }),
  Version: struct('Version', { AgentSuffix: optStr, SwarmCheckEnabled: flag, SwarmCheckPercentThreshold: optInt }),
  Internal: struct('Internal', {
    Bitswap: struct('InternalBitswap', {
      TaskWorkerCount: optInt,
      EngineBlockstoreWorkerCount: optInt,
      EngineTaskWorkerCount: optInt,
      MaxOutstandingBytesPerPeer: optInt,
      ProviderSearchDelay: optDur,
      ProviderSearchMaxResults: optInt,
      WantHaveReplaceSize: optInt,
      BroadcastControl: struct('BitswapBroadcastControl', {
        Enable: flag,
        MaxPeers: optInt,
        LocalPeers: flag,
        PeeredPeers: flag,
        MaxRandomPeers: optInt,
        SendToPendingPeers: flag
      }, true)
    }, true),
    UnixFSShardingSizeThreshold: optStr,
    Libp2pForceReachability: optStr,
    BackupBootstrapInterval: optDur,
    MFSNoFlushLimit: optInt,
    ShutdownTimeout: optDur
  }),
  Bitswap: struct('Bitswap', { Libp2pEnabled: flag, ServerEnabled: flag })
})

/**
 * Why Kubo would refuse to set `key` (kubo config.CheckKey): "<key so far> not found" for a name no struct
 * has, "<key so far> key is not a map" below a value that is not an object; undefined when it may be set.
 */
export function checkKey (key: string, shape: Shape = CONFIG_SHAPE): string | undefined {
  const parts = key.split('.')
  let cursor = shape
  for (const [i, part] of parts.entries()) {
    switch (cursor.kind) {
      case 'struct': {
        const next = Object.hasOwn(cursor.fields, part) ? cursor.fields[part] : undefined
        if (next === undefined) return `${parts.slice(0, i + 1).join('.')} not found`
        cursor = next
        break
      }
      case 'map':
        cursor = cursor.value
        break
      case 'any':
        return undefined
      // Kubo's optional types are structs without exported fields
      case 'optional-integer': case 'optional-string': case 'optional-duration': case 'optional-bytes':
        return `${parts.slice(0, i + 1).join('.')} not found`
      default:
        return `${parts.slice(0, i).join('.')} key is not a map`
    }
  }
  return undefined
}

/** A value Kubo could not decode: where it is (`Gateway.PublicGateways.x.Paths`, `Peering.Peers[0].ID`) and Kubo's message */
export interface ConfigProblem {
  path: string
  message: string
}

interface Where {
  /** The exact path, with map keys and list indexes */
  path: string
  /** Go's view for its messages: the innermost struct and the struct fields (map keys and indexes left out) */
  struct: string
  fields: string[]
}

/** The first value in `config` that does not fit its shape, keys in byte order as Go meets them; undefined when all fit */
export function checkConfig (config: unknown, shape: Shape = CONFIG_SHAPE): ConfigProblem | undefined {
  return check(config, shape, { path: '', struct: '', fields: [] })
}

function check (v: unknown, shape: Shape, at: Where): ConfigProblem | undefined {
  const wrongType = (go: string, value = kindOf(v)): ConfigProblem => ({
    path: at.path,
    message: `json: cannot unmarshal ${value} into Go struct field ${at.struct}.${at.fields.join('.')} of type ${go}`
  })
  const problem = (message: string): ConfigProblem => ({ path: at.path, message })
  switch (shape.kind) {
    case 'struct': {
      const go = shape.go ?? `config.${shape.name}`
      if (v === null && shape.pointer !== true && at.path !== '') return wrongType(go, 'null')
      if (v === null) return undefined
      if (!isObject(v)) return wrongType(go)
      for (const key of Object.keys(v).sort(byteOrder)) {
        const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined
        if (field === undefined) continue
        const found = check(v[key], field, { path: at.path === '' ? key : `${at.path}.${key}`, struct: shape.name, fields: [...at.fields, key] })
        if (found !== undefined) return found
      }
      return undefined
    }
    case 'map': {
      if (v === null) return undefined
      if (!isObject(v)) return wrongType(shape.go)
      for (const key of Object.keys(v).sort(byteOrder)) {
        const found = check(v[key], shape.value, { ...at, path: /^[\w-]+$/.test(key) ? `${at.path}.${key}` : `${at.path}[${JSON.stringify(key)}]` })
        if (found !== undefined) return found
      }
      return undefined
    }
    case 'list': {
      if (v === null) return undefined
      if (!Array.isArray(v)) return wrongType(shape.go)
      for (const [i, item] of v.entries()) {
        const found = check(item, shape.item, { ...at, path: `${at.path}[${i}]` })
        if (found !== undefined) return found
      }
      return undefined
    }
    case 'strings':
      if (Array.isArray(v)) {
        const i = v.findIndex(item => item !== null && typeof item !== 'string')
        return i === -1 ? undefined : check(v[i], str, { ...at, path: `${at.path}[${i}]` })
      }
      return v === null || typeof v === 'string' ? undefined : wrongType('string')
    case 'string': case 'optional-string':
      return v === null || typeof v === 'string' ? undefined : wrongType(shape.kind === 'string' ? shape.go : 'string')
    case 'bool':
      return v === null || typeof v === 'boolean' ? undefined : wrongType('bool')
    case 'int': case 'optional-integer': {
      if (v === null || isInt64(v)) return undefined
      const go = shape.kind === 'int' ? shape.go : 'int64'
      return typeof v === 'number' ? wrongType(go, `number ${String(v)}`) : wrongType(go)
    }
    case 'flag':
      return v === null || typeof v === 'boolean' ? undefined : problem(`failed to unmarshal ${goQuote(JSON.stringify(v))} into a flag: must be null/undefined, true, or false`)
    case 'priority':
      if (v === null || v === false) return undefined
      if (v === true) return problem("'true' is not a valid priority")
      if (isInt64(v)) return v > 0 ? undefined : problem(`priority must be positive: ${v} <= 0`)
      return typeof v === 'number' ? wrongType('int64', `number ${String(v)}`) : wrongType('int64')
    case 'optional-duration': {
      if (v === null) return undefined
      // Kubo trims the quotes off the JSON text and parses what is left
      const text = JSON.stringify(v).replace(/^"+|"+$/g, '')
      if (['', 'null', 'default'].includes(text)) return undefined
      const err = goDurationError(text)
      return err === undefined ? undefined : problem(err)
    }
    case 'optional-bytes': {
      if (v === null || typeof v === 'number') return undefined
      if (typeof v !== 'string') return problem(`unable to parse byte size, expected a size string (e.g., "5GiB") or a number, but got ${goTypeOf(v)}`)
      const err = bytesError(v)
      return err === undefined ? undefined : problem(err)
    }
    case 'autonat-mode':
      if (v === null) return undefined
      if (typeof v !== 'string') return wrongType('config.AutoNATServiceMode')
      return ['', 'enabled', 'disabled', 'legacy-v1'].includes(v) ? undefined : problem(`unknown autonat mode: ${v}`)
    case 'removed':
      return isObject(v) && Object.keys(v).length === 0 ? undefined : problem(shape.message)
    case 'any':
      return undefined
  }
}

function isObject (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function isInt64 (v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63
}

/** How Go's encoding/json names a JSON value's kind in its messages */
function kindOf (v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string': return 'string'
    case 'number': return 'number'
    case 'boolean': return 'bool'
    default: return 'object'
  }
}

/** The Go type a JSON value decodes to in an `any` (for Kubo's "but got %T") */
function goTypeOf (v: unknown): string {
  if (Array.isArray(v)) return '[]interface {}'
  return typeof v === 'boolean' ? 'bool' : 'map[string]interface {}'
}

/** Go's %q of a string: JSON's quoting is the same for the text of a JSON value */
function goQuote (s: string): string {
  return JSON.stringify(s)
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'])

/** Go's time.ParseDuration, for its error only */
function goDurationError (text: string): string | undefined {
  const quoted = `"${text}"`
  let s = text.replace(/^[-+]/, '')
  if (s === '0') return undefined
  if (s === '') return `time: invalid duration ${quoted}`
  while (s !== '') {
    const number = /^(\d*)(\.(\d*))?/.exec(s) as RegExpExecArray
    if ((number[1] ?? '') === '' && (number[3] ?? '') === '') return `time: invalid duration ${quoted}`
    s = s.slice(number[0].length)
    const unit = (/^[^\d.]*/.exec(s) as RegExpExecArray)[0]
    if (unit === '') return `time: missing unit in duration ${quoted}`
    if (!DURATION_UNITS.has(unit)) return `time: unknown unit "${unit}" in duration ${quoted}`
    s = s.slice(unit.length)
  }
  return undefined
}

const BYTE_UNITS = new Set(['', 'b', 'k', 'kb', 'ki', 'kib', 'm', 'mb', 'mi', 'mib', 'g', 'gb', 'gi', 'gib', 't', 'tb', 'ti', 'tib', 'p', 'pb', 'pi', 'pib', 'e', 'eb', 'ei', 'eib'])

/** go-humanize's ParseBytes (what Kubo's OptionalBytes checks a size with), for its error only */
function bytesError (text: string): string | undefined {
  const digits = (/^[\d.,]*/.exec(text) as RegExpExecArray)[0]
  const number = digits.replaceAll(',', '')
  if (!/^(\d+\.?\d*|\.\d+)$/.test(number)) return `strconv.ParseFloat: parsing ${JSON.stringify(number)}: invalid syntax`
  const unit = text.slice(digits.length).trim().toLowerCase()
  return BYTE_UNITS.has(unit) ? undefined : `unhandled size name: ${unit}`
}
