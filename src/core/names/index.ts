/**
 * Names: the keystore, IPNS (publish, resolve, republish) and DNSLink.
 *
 * Records are kept in the local record store (meta `ipns/<name>`), validated before they are stored or
 * used (size, V2 signature, CBOR data matching the protobuf, key matching the name, expiry). Publishing
 * signs a record (V1+V2 signatures) with a keystore key, stores it, puts it to the node's routing and then
 * tells every publish listener (`onPublish`: IPNS over pubsub subscribes there). Resolving asks the local
 * store, the routing and every extra resolver (`addResolver`: pubsub) and uses the best valid record
 * (highest sequence, then longest validity); answers are cached for their TTL (at most Ipns.MaxCacheTTL).
 */
import type { CID } from 'multiformats/cid'
import type { Routing } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'
import type { IPNSRecord } from 'ipns'
import type { Components } from '../node.ts'
import { InvalidArgumentError, InvalidPathError, InvalidRecordError, KeyNotFoundError, NameNotFoundError, NotOnlineError } from '../errors.ts'
import { parseDuration } from '../repo/config.ts'
import { pathSegments } from '../path.ts'
import { offlineScope } from '../blocks/network-store.ts'
import { logger } from '../log.ts'
import { createKeystore, formatName, SELF } from './keystore.ts'
import { createDnslink, parseNsMap, type DnsConfig } from './dnslink.ts'
import { canonicalName, expiresAt, isBetter, parseIpnsName, routingKey, validateRecord } from './records.ts'
import { createRepublisher } from './republisher.ts'

export { parseIpnsName, canonicalName, parseNsMap, formatName }

const MAX_DEPTH = 32
const DEFAULT_LIFETIME = '48h'
const DEFAULT_TTL = '5m'
const log = logger('tsipfs:names')

export interface Resolution {
  /** The /ipfs/ (or, not recursive, /ipns/) path the name points to, with the rest of the path appended */
  path: string
  /** Seconds the answer may be cached (a record's TTL; DNSLink: the TXT record's) */
  ttl: number
}

/** Called after a record of ours was published (stored and put to routing); errors are logged, not thrown */
export type PublishListener = (name: CID, record: Uint8Array, options: AbortOptions) => Promise<void> | void
/** An extra source of records for a name (IPNS over pubsub); undefined when it has none */
export type RecordSource = (name: CID, options: AbortOptions) => Promise<Uint8Array | undefined>

export interface NamesDeps {
  /** The node's routing while the network runs; undefined when offline */
  routing: () => Routing | undefined
  /** Check that a path resolves (`name publish --resolve`) */
  resolvePath: (path: string, options: AbortOptions) => Promise<unknown>
}

export interface PublishOptions extends AbortOptions {
  key?: string
  /** Record validity, a Go duration (default Ipns.RecordLifetime or 48h) */
  lifetime?: string
  /** Cache hint, a Go duration (default 5m) */
  ttl?: string
  allowOffline?: boolean
  /** Check the value resolves first (default true) */
  resolve?: boolean
  sequence?: bigint
  /** Include the V1 signature and fields (default true) */
  v1compat?: boolean
}

export interface ResolveOptions extends AbortOptions {
  recursive?: boolean
  nocache?: boolean
  /** How long routing may take per name (ms; 0 no limit) */
  dhtTimeout?: number
  dhtRecordCount?: number
}

function duration (text: string, what: string): number {
  try {
    return parseDuration(text)
  } catch {
    throw new InvalidArgumentError(`error parsing ${what} option: time: invalid duration ${JSON.stringify(text)}`)
  }
}

/** `/ipfs/<cid>[/…]`, `/ipns/<name>[/…]`, or a bare CID (→ /ipfs/<cid>) */
function normalizeValue (value: string): string {
  const v = value.trim()
  // boxo's checks and words (a path needs a namespace and a root; // . and .. are cleaned away)
  if (v.startsWith('/')) return '/' + pathSegments(v).join('/') + (v.endsWith('/') ? '/' : '')
  if (v === '') throw new InvalidPathError('invalid path "": path does not have enough components')
  return `/ipfs/${v}`
}

export function createNamesApi ({ repo, meta }: Components, deps: NamesDeps) {
  const keys = createKeystore({ repo })
  const ipnsConfig = (repo.config.Ipns ?? {}) as { RecordLifetime?: string | null, RepublishPeriod?: string | null, ResolveCacheSize?: number, MaxCacheTTL?: string | null }
  const dnslink = createDnslink((repo.config.DNS ?? {}) as DnsConfig, { ipnsMaxCacheTTL: ipnsConfig.MaxCacheTTL })
  const listeners = new Set<PublishListener>()
  const sources = new Set<RecordSource>()
  const cacheSize = typeof ipnsConfig.ResolveCacheSize === 'number' && ipnsConfig.ResolveCacheSize > 0 ? ipnsConfig.ResolveCacheSize : 128
  const maxCacheTtl = typeof ipnsConfig.MaxCacheTTL === 'string' && ipnsConfig.MaxCacheTTL !== '' ? parseDuration(ipnsConfig.MaxCacheTTL) : Number.POSITIVE_INFINITY
  /** name → a resolved value and when it stops being used (an LRU: Map keeps insertion order) */
  const cache = new Map<string, { value: string, recordTtl: number, validUntil: number, expires: number }>()

  /** Seconds a resolution may be cached for: the record's TTL, never past the record's end of validity (whole seconds, as Kubo) */
  function ttlOf (recordTtl: number, validUntil: number): number {
    return Math.max(0, Math.floor(Math.min(recordTtl, (validUntil - Date.now()) / 1000)))
  }

  function remember (name: string, record: IPNSRecord): void {
    const ttlMs = Math.min(Number(record.ttl ?? 0n) / 1e6, maxCacheTtl, expiresAt(record) - Date.now())
    cache.delete(name)
    if (ttlMs <= 0) return
    cache.set(name, { value: record.value, recordTtl: Number(record.ttl ?? 0n) / 1e9, validUntil: expiresAt(record), expires: Date.now() + ttlMs })
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value as string)
  }

  function routing (): Routing | undefined {
    return offlineScope.getStore() === true ? undefined : deps.routing()
  }

  async function localRecord (cid: CID): Promise<Uint8Array | undefined> {
    const stored = await meta.get<string>(`ipns/${canonicalName(cid)}`)
    return stored === undefined ? undefined : Buffer.from(stored, 'base64')
  }

  /** Keep a valid record unless the one we have is better; true if it was kept */
  async function store (cid: CID, bytes: Uint8Array): Promise<boolean> {
    const existing = await localRecord(cid)
    if (existing !== undefined && !(await isBetter(cid, bytes, existing)) && Buffer.compare(existing, bytes) !== 0) {
      // an expired or invalid stored record is replaced by any valid one
      if (await validateRecord(cid, existing).then(() => true, () => false)) return false
    }
    await meta.put(`ipns/${canonicalName(cid)}`, Buffer.from(bytes).toString('base64'))
    return true
  }

  /** The best valid record for a name from every source; NameNotFoundError when none */
  async function * candidates (cid: CID, options: ResolveOptions): AsyncGenerator<Uint8Array> {
    const local = await localRecord(cid)
    if (local !== undefined) yield local
    const r = routing()
    if (r !== undefined) {
      const timeout = options.dhtTimeout ?? 60_000
      const signal = timeout > 0 ? AbortSignal.any([AbortSignal.timeout(timeout), ...(options.signal !== undefined ? [options.signal] : [])]) : options.signal
      try {
        yield await r.get(routingKey(cid), { signal })
      } catch (err) {
        options.signal?.throwIfAborted()
        log.debug(`routing has no record for ${canonicalName(cid)}: ${(err as Error).message}`)
      }
    }
    for (const source of sources) {
      const got = await source(cid, options).catch(() => undefined)
      if (got !== undefined) yield got
    }
  }

  /** Each better valid record as it is found */
  async function * bestRecords (cid: CID, options: ResolveOptions): AsyncGenerator<{ bytes: Uint8Array, record: IPNSRecord }> {
    let best: Uint8Array | undefined
    let lastError: Error | undefined
    for await (const bytes of candidates(cid, options)) {
      let record: IPNSRecord
      try {
        record = await validateRecord(cid, bytes)
      } catch (err) {
        lastError = err as Error
        continue
      }
      // the same record from another source, or one not better, is not news
      if (best !== undefined && (Buffer.compare(bytes, best) === 0 || !(await isBetter(cid, bytes, best)))) continue
      best = bytes
      await store(cid, bytes).catch(() => false)
      yield { bytes, record }
    }
    if (best === undefined) {
      if (lastError !== undefined && /expired/.test(lastError.message)) throw new NameNotFoundError(`could not resolve name: ${lastError.message}`)
      throw new NameNotFoundError()
    }
  }

  async function resolveRecord (cid: CID, options: ResolveOptions): Promise<{ value: string, ttl: number }> {
    const name = canonicalName(cid)
    const hit = cache.get(name)
    if (options.nocache !== true && hit !== undefined && hit.expires > Date.now()) return { value: hit.value, ttl: ttlOf(hit.recordTtl, hit.validUntil) }
    let found: IPNSRecord | undefined
    for await (const { record } of bestRecords(cid, options)) found = record
    const record = found as IPNSRecord
    remember(name, record)
    return { value: record.value, ttl: ttlOf(Number(record.ttl ?? 0n) / 1e9, expiresAt(record)) }
  }

  /** A signed record (V1+V2 signatures) */
  async function sign (keyName: string, value: string, seq: bigint, lifetimeMs: number, ttlNs: bigint, v1Compatible = true): Promise<Uint8Array> {
    const { createIPNSRecord, marshalIPNSRecord } = await import('ipns')
    const record = await createIPNSRecord(await keys.get(keyName), value, seq, lifetimeMs, { ttlNs, v1Compatible })
    return marshalIPNSRecord(record)
  }

  /** Store our record, put it to routing, tell the listeners */
  async function announce (cid: CID, bytes: Uint8Array, options: AbortOptions & { allowOffline?: boolean }, r = routing()): Promise<void> {
    await meta.put(`ipns/${canonicalName(cid)}`, Buffer.from(bytes).toString('base64'))
    const { unmarshalIPNSRecord } = await import('ipns')
    remember(canonicalName(cid), unmarshalIPNSRecord(bytes))
    if (r !== undefined) {
      try {
        await r.put(routingKey(cid), bytes, { signal: options.signal })
      } catch (err) {
        if (options.allowOffline !== true) throw err
        log.warn(`publishing ${canonicalName(cid)} to routing failed: ${(err as Error).message}`)
      }
    }
    for (const listener of listeners) {
      try {
        await listener(cid, bytes, options)
      } catch (err) {
        log.warn(`a publish listener failed for ${canonicalName(cid)}: ${(err as Error).message}`)
      }
    }
  }

  const republisher = createRepublisher({
    keys,
    period: () => ipnsConfig.RepublishPeriod,
    lifetime: () => ipnsConfig.RecordLifetime,
    localRecord,
    sign,
    announce: async (cid, bytes, options) => { await announce(cid, bytes, { ...options, allowOffline: true }) }
  })

  const api = {
    keys,
    republisher,

    /** Called after each publish (IPNS over pubsub sends the record on the name's topic); returns an unsubscribe */
    onPublish (listener: PublishListener): () => void {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },

    /** An extra source of records asked on every resolution (IPNS over pubsub); returns a removal */
    addResolver (source: RecordSource): () => void {
      sources.add(source)
      return () => { sources.delete(source) }
    },

    /**
     * Validate and keep a record for a name (a record not better than the one kept is refused); with
     * `broadcast`, also put it to routing and tell the publish listeners (`name put`)
     */
    async putRecord (name: string, bytes: Uint8Array, options: AbortOptions & { force?: boolean, broadcast?: boolean } = {}): Promise<void> {
      const cid = parseIpnsName(name)
      if (options.force !== true) {
        const record = await validateRecord(cid, bytes)
        if (!await store(cid, bytes)) throw new InvalidRecordError(`a record with sequence ${record.sequence} is not newer than the record kept for ${canonicalName(cid)}`)
      } else {
        await meta.put(`ipns/${canonicalName(cid)}`, Buffer.from(bytes).toString('base64'))
      }
      cache.delete(canonicalName(cid))
      if (options.broadcast !== true) return
      const r = routing()
      if (r !== undefined) await r.put(routingKey(cid), bytes, options)
      for (const listener of listeners) {
        try {
          await listener(cid, bytes, options)
        } catch (err) {
          log.warn(`a publish listener failed for ${canonicalName(cid)}: ${(err as Error).message}`)
        }
      }
    },

    /** The best record for a name (local store and routing) */
    async getRecord (name: string, options: ResolveOptions = {}): Promise<Uint8Array> {
      const cid = parseIpnsName(name)
      let best: Uint8Array | undefined
      for await (const { bytes } of bestRecords(cid, options)) best = bytes
      return best as Uint8Array
    },

    /** The record kept in the local store (validated), without asking routing */
    async localRecord (name: string): Promise<Uint8Array | undefined> {
      return await localRecord(parseIpnsName(name))
    },

    /** Sign and publish a record pointing a key's name at `value` */
    async publish (value: string, options: PublishOptions = {}): Promise<{ name: CID, value: string, record: Uint8Array }> {
      options.signal?.throwIfAborted()
      const keyName = options.key ?? SELF
      const key = await keys.find(keyName)
      if (key === undefined) throw new KeyNotFoundError('no key by the given name was found')
      const r = routing()
      if (r === undefined && options.allowOffline !== true) {
        throw new NotOnlineError('can\'t publish while offline: pass `--allow-offline` to override or `--allow-delegated` if Ipns.DelegatedPublishers are set up')
      }
      const path = normalizeValue(value)
      const lifetime = duration(options.lifetime ?? (ipnsConfig.RecordLifetime !== undefined && ipnsConfig.RecordLifetime !== null && ipnsConfig.RecordLifetime !== '' ? ipnsConfig.RecordLifetime : DEFAULT_LIFETIME), 'lifetime')
      const ttl = duration(options.ttl ?? DEFAULT_TTL, 'ttl')
      if (options.resolve !== false) {
        if (path.startsWith('/ipns/')) await api.resolve(path, { signal: options.signal })
        else await deps.resolvePath(path, { signal: options.signal })
      }
      const cid = key.peerId.toCID()
      const existingBytes = await localRecord(cid)
      const existing = existingBytes === undefined ? undefined : await import('ipns').then(m => m.unmarshalIPNSRecord(existingBytes)).catch(() => undefined)
      let seq = 0n
      if (options.sequence !== undefined) {
        if (existing !== undefined && options.sequence <= existing.sequence) throw new InvalidArgumentError('sequence number must be greater than the current record sequence')
        seq = options.sequence
      } else if (existing !== undefined) {
        // as Kubo: the sequence moves only when the value changes
        seq = existing.value === path ? existing.sequence : existing.sequence + 1n
      }
      const bytes = await sign(key.name, path, seq, lifetime, BigInt(Math.round(ttl * 1e6)), options.v1compat !== false)
      await announce(cid, bytes, options, r)
      return { name: cid, value: path, record: bytes }
    },

    /** A content path with an /ipns/ prefix resolved to its /ipfs/ path; other paths are returned as they are */
    async toIpfsPath (path: string, options: ResolveOptions = {}): Promise<string> {
      return path.startsWith('/ipns/') ? (await api.resolve(path, options)).path : path
    },

    /** Each better value of a name as it is found (`name resolve --stream`), one level */
    async * resolveStream (name: string, options: ResolveOptions = {}): AsyncGenerator<string> {
      const cid = parseIpnsName(name)
      for await (const { record } of bestRecords(cid, options)) yield record.value
    },

    /**
     * Resolve `/ipns/<name>[/rest]` (a key or a DNSLink domain) to a path. Recursive by default: follows
     * /ipns/ values until an /ipfs/ path.
     */
    async resolve (path: string, options: ResolveOptions = {}): Promise<Resolution> {
      let current = path.startsWith('/ipns/') ? path : `/ipns/${path}`
      let ttl = Number.POSITIVE_INFINITY
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        options.signal?.throwIfAborted()
        const parts = current.split('/')
        const name = parts[2] ?? ''
        const rest = parts.slice(3).join('/')
        if (name === '') throw new InvalidPathError(`invalid path ${JSON.stringify(path)}: path does not have enough components`)
        let value: string
        if (name.includes('.')) {
          const answer = await dnslink.resolve(name, options)
          value = answer.value
          ttl = Math.min(ttl, answer.ttl)
        } else {
          const answer = await resolveRecord(parseIpnsName(name), options)
          value = answer.value
          ttl = Math.min(ttl, answer.ttl)
        }
        if (!value.startsWith('/')) value = `/ipfs/${value}`
        current = rest === '' ? value : `${value.replace(/\/$/, '')}/${rest}`
        if (!current.startsWith('/ipns/') || options.recursive === false) return { path: current, ttl: Number.isFinite(ttl) ? ttl : 60 }
      }
      throw new NameNotFoundError(`could not resolve name: more than ${MAX_DEPTH} levels of indirection`)
    },

  }
  return api
}

export type NamesApi = ReturnType<typeof createNamesApi>
