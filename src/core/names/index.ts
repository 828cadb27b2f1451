/**
 * Names: IPNS records kept in the local record store (meta `ipns/<name>`), IPNS resolution, and DNSLink
 * (TXT records at `_dnslink.<domain>`, or the IPFS_NS_MAP environment variable, as Kubo reads it for
 * tests). Every record is validated (signature V2, CBOR data matching the protobuf fields, name matching
 * the key) before it is stored or used; an expired record does not resolve.
 */
import { resolveTxt } from 'node:dns/promises'
import type { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import { peerIdFromString } from '@libp2p/peer-id'
import { unmarshalIPNSRecord, type IPNSRecord } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import { ipnsSelector } from 'ipns/selector'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import { InvalidArgumentError, NameNotFoundError, toTsipfsError } from '../errors.ts'

const MAX_DEPTH = 32
/** Seconds a DNSLink answer is used before asking DNS again (and the TTL the gateway gives it) */
const DNSLINK_TTL = 60

export interface Resolution {
  /** The /ipfs/ (or, not recursive, /ipns/) path the name points to, with the rest of the path appended */
  path: string
  /** Seconds the answer may be cached (a record's TTL; DNSLink: 60) */
  ttl: number
}

/** An IPNS name in any textual form (base36/base32 CIDv1 libp2p-key, base58 peer ID `12D3…`/`Qm…`) → its CID */
export function parseIpnsName (name: string): CID {
  try {
    return peerIdFromString(name).toCID()
  } catch (err) {
    throw new InvalidArgumentError(`invalid IPNS name ${JSON.stringify(name)}: ${(err as Error).message}`)
  }
}

/** The canonical text form of a name: CIDv1 libp2p-key in base36 */
export function canonicalName (cid: CID): string {
  return cid.toString(base36)
}

function routingKey (cid: CID): Uint8Array {
  const prefix = new TextEncoder().encode('/ipns/')
  const out = new Uint8Array(prefix.byteLength + cid.multihash.bytes.byteLength)
  out.set(prefix)
  out.set(cid.multihash.bytes, prefix.byteLength)
  return out
}

/** IPFS_NS_MAP: `domain:/ipfs/cid,other:/ipns/name` */
export function parseNsMap (text: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const pair of (text ?? '').split(',')) {
    const i = pair.indexOf(':')
    if (i <= 0) continue
    map.set(pair.slice(0, i).trim().toLowerCase(), pair.slice(i + 1).trim())
  }
  return map
}

export function createNamesApi ({ meta }: Components) {
  const nsMap = parseNsMap(process.env.IPFS_NS_MAP)

  // answers (and failures) are kept for DNSLINK_TTL: a gateway asks for every request to a DNSLink host
  const dnsCache = new Map<string, { value: string | NameNotFoundError, expires: number }>()

  async function dnslink (domain: string, options: AbortOptions): Promise<string> {
    const mapped = nsMap.get(domain.toLowerCase())
    if (mapped !== undefined) return mapped
    const cached = dnsCache.get(domain.toLowerCase())
    if (cached !== undefined && cached.expires > Date.now()) {
      if (cached.value instanceof NameNotFoundError) throw cached.value
      return cached.value
    }
    if (dnsCache.size > 10_000) dnsCache.clear()
    try {
      const value = await lookupDnslink(domain, options)
      dnsCache.set(domain.toLowerCase(), { value, expires: Date.now() + DNSLINK_TTL * 1000 })
      return value
    } catch (err) {
      if (err instanceof NameNotFoundError) dnsCache.set(domain.toLowerCase(), { value: err, expires: Date.now() + DNSLINK_TTL * 1000 })
      throw err
    }
  }

  async function lookupDnslink (domain: string, options: AbortOptions): Promise<string> {
    let records: string[][]
    try {
      records = await resolveTxt(`_dnslink.${domain}`)
    } catch (err) {
      options.signal?.throwIfAborted()
      throw new NameNotFoundError(`could not resolve name: ${domain}: no DNSLink TXT record (${(err as { code?: string }).code ?? toTsipfsError(err).message})`)
    }
    for (const r of records) {
      const text = r.join('')
      if (text.startsWith('dnslink=')) return text.slice('dnslink='.length).trim()
    }
    throw new NameNotFoundError(`could not resolve name: ${domain}: no dnslink= TXT record`)
  }

  // told of every IPNS name looked up (IPNS over pubsub subscribes to the name's topic)
  const lookupListeners = new Set<(name: string) => void>()

  const api = {
    /** Be told of every IPNS name that is looked up; the returned function stops it */
    onLookup (fn: (name: string) => void): () => void {
      lookupListeners.add(fn)
      return () => { lookupListeners.delete(fn) }
    },

    /** Validate and keep a record for a name; an older record (lower sequence) does not replace a newer one */
    async putRecord (name: string, bytes: Uint8Array, _options: AbortOptions = {}): Promise<void> {
      const cid = parseIpnsName(name)
      try {
        await ipnsValidator(routingKey(cid), bytes)
      } catch (err) {
        throw new InvalidArgumentError(`invalid IPNS record for ${canonicalName(cid)}: ${(err as Error).message}`)
      }
      const key = `ipns/${canonicalName(cid)}`
      const existing = await meta.get<string>(key)
      if (existing !== undefined) {
        const old = Buffer.from(existing, 'base64')
        if (ipnsSelector(routingKey(cid), [bytes, old]) === 1) return
      }
      await meta.put(key, Buffer.from(bytes).toString('base64'))
    },

    /** The stored record's bytes */
    async getRecord (name: string, _options: AbortOptions = {}): Promise<Uint8Array> {
      const cid = parseIpnsName(name)
      const stored = await meta.get<string>(`ipns/${canonicalName(cid)}`)
      if (stored === undefined) throw new NameNotFoundError(`could not resolve name: no record for /ipns/${canonicalName(cid)} in the local record store`)
      return Buffer.from(stored, 'base64')
    },

    async record (name: string, options: AbortOptions = {}): Promise<IPNSRecord> {
      for (const fn of lookupListeners) fn(name)
      return unmarshalIPNSRecord(await api.getRecord(name, options))
    },

    /**
     * Resolve `/ipns/<name>[/rest]` (a key or a DNSLink domain) to a path. Recursive by default: follows
     * /ipns/ values until an /ipfs/ path.
     */
    async resolve (path: string, options: AbortOptions & { recursive?: boolean } = {}): Promise<Resolution> {
      let current = path.startsWith('/ipns/') ? path : `/ipns/${path}`
      let ttl = Number.POSITIVE_INFINITY
      for (let depth = 0; depth < MAX_DEPTH; depth++) {
        options.signal?.throwIfAborted()
        const parts = current.split('/')
        const name = parts[2] ?? ''
        const rest = parts.slice(3).join('/')
        let value: string
        if (name.includes('.')) {
          value = await dnslink(name, options)
          ttl = Math.min(ttl, DNSLINK_TTL)
        } else {
          const record = await api.record(name, options)
          if (Date.parse(record.validity) < Date.now()) throw new NameNotFoundError(`the IPNS record for ${name} expired at ${record.validity}`)
          value = record.value
          ttl = Math.min(ttl, Number(record.ttl ?? 0n) / 1e9)
        }
        if (!value.startsWith('/')) value = `/ipfs/${value}`
        current = rest === '' ? value : `${value.replace(/\/$/, '')}/${rest}`
        if (!current.startsWith('/ipns/') || options.recursive === false) return { path: current, ttl: Number.isFinite(ttl) ? ttl : 60 }
      }
      throw new NameNotFoundError(`could not resolve name: more than ${MAX_DEPTH} levels of indirection`)
    }
  }
  return api
}

export type NamesApi = ReturnType<typeof createNamesApi>
