/**
 * DNSLink: a domain's `dnslink=/ipfs/…` or `dnslink=/ipns/…` TXT record at `_dnslink.<domain>` (Kubo no
 * longer reads the domain's own TXT records). Queries go to the resolver DNS.Resolvers names for the
 * most specific suffix of the domain (`"eth.": "https://…/dns-query"`, `".": …`), as Kubo picks them:
 * DNS-over-HTTPS in the RFC 8484 wire format, or the operating system's resolver for `.` when unset or
 * `"auto"`. `"auto"` for `eth.` (and the default when `eth.` is not configured) is the ENS DoH
 * resolver Kubo's AutoConf gives, dns.eth.limo. Answers are cached for their TTL, at most DNS.MaxCacheTTL.
 * IPFS_NS_MAP (`domain:/ipfs/cid,…`) answers first, without DNS, as in Kubo (tests use it).
 */
import type { DNS, DNSResponse, QueryOptions } from '@multiformats/dns'
import type { AbortOptions } from '@libp2p/interface'
import { InvalidConfigError, NameNotFoundError } from '../errors.ts'
import { parseDuration } from '../repo/config.ts'

type Resolver = (domain: string, options?: QueryOptions) => Promise<DNSResponse>

/** A TXT record's type number (RFC 1035; @multiformats/dns's RecordType.TXT, which is loaded only to resolve) */
const TXT = 16

/** Kubo's AutoConf resolver for `.eth` names (ENS through DNS-over-HTTPS) */
export const ENS_DOH = 'https://dns.eth.limo/dns-query'

export interface DnsConfig {
  Resolvers?: Record<string, string> | null
  MaxCacheTTL?: string | null
}

export interface DnslinkAnswer {
  /** `/ipfs/…` or `/ipns/…` */
  value: string
  /** seconds the answer may be cached */
  ttl: number
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

/** A TXT answer's text: the resolvers hand strings, string arrays or byte arrays (one per character-string) */
function txtText (data: unknown): string {
  if (Array.isArray(data)) return data.map(d => typeof d === 'string' ? d : Buffer.from(d as Uint8Array).toString()).join('')
  if (data instanceof Uint8Array) return Buffer.from(data).toString()
  const s = String(data)
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s
}

function checkUrl (suffix: string, url: string): void {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new InvalidConfigError(`DNS.Resolvers["${suffix}"]: invalid URL ${JSON.stringify(url)}`)
  }
  // Kubo takes https:// only; plain http is allowed to a resolver on this machine (tests run their own)
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new InvalidConfigError(`DNS.Resolvers["${suffix}"]: only https:// DNS-over-HTTPS URLs are supported (http:// on loopback), not ${JSON.stringify(url)}`)
  }
}

/** The resolver table from the config: FQDN suffix (with its trailing dot) → DoH URL (undefined: the system's resolver) */
function resolverTable (config: DnsConfig): Map<string, string | undefined> {
  const table = new Map<string, string | undefined>()
  const entries = Object.entries(config.Resolvers ?? {})
  if (!entries.some(([k]) => k.toLowerCase().replace(/\.?$/, '.') === 'eth.')) entries.push(['eth.', 'auto'])
  for (const [key, url] of entries) {
    if (typeof url !== 'string') throw new InvalidConfigError(`DNS.Resolvers["${key}"] must be a URL string`)
    const suffix = key === '.' || key === '' ? '.' : key.toLowerCase().replace(/\.?$/, '.')
    if (url === 'auto' || url === '') {
      table.set(suffix, suffix === 'eth.' ? ENS_DOH : undefined)
      continue
    }
    checkUrl(key, url)
    table.set(suffix, url)
  }
  return table
}

export function createDnslink (config: DnsConfig = {}, options: { ipnsMaxCacheTTL?: string | null } = {}) {
  const nsMap = parseNsMap(process.env.IPFS_NS_MAP)
  const table = resolverTable(config)
  const caps = [config.MaxCacheTTL, options.ipnsMaxCacheTTL]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .map(v => parseDuration(v) / 1000)
  const maxTtl = caps.length > 0 ? Math.min(...caps) : Number.POSITIVE_INFINITY

  /** The DoH URL of the longest configured suffix of `domain`; undefined: the system's resolver */
  function pick (domain: string): string | undefined {
    const fqdn = domain.toLowerCase().replace(/\.?$/, '.')
    let best: string | undefined
    for (const suffix of table.keys()) {
      if (suffix === '.' || fqdn === suffix || fqdn.endsWith(`.${suffix}`)) {
        if (best === undefined || suffix.length > best.length) best = suffix
      }
    }
    return best === undefined ? undefined : table.get(best)
  }

  // one DNS client per resolver choice, each with its TTL-aware cache (capped at maxTtl); @multiformats/dns
  // is loaded on the first lookup, not by every command that opens the repo
  const clients = new Map<string | undefined, DNS>()
  async function client (domain: string): Promise<DNS> {
    const url = pick(domain)
    let c = clients.get(url)
    if (c === undefined) {
      const { dns: createDns } = await import('@multiformats/dns')
      let capped: Resolver | undefined
      if (url !== undefined) {
        const { dnsOverHttps } = await import('@multiformats/dns/resolvers')
        const resolver = dnsOverHttps(url)
        capped = async (d, o) => {
          const r = await resolver(d, o)
          return { ...r, Answer: r.Answer.map(a => ({ ...a, TTL: Math.min(a.TTL, maxTtl) })) }
        }
      }
      c = clients.get(url) ?? createDns(capped === undefined ? {} : { resolvers: { '.': capped } })
      clients.set(url, c)
    }
    return c
  }

  async function txt (fqdn: string, options: AbortOptions & { nocache?: boolean }): Promise<DnslinkAnswer | undefined> {
    let response: DNSResponse
    try {
      response = await (await client(fqdn)).query(fqdn, { types: [TXT], signal: options.signal, cached: options.nocache !== true && maxTtl > 0 })
    } catch {
      options.signal?.throwIfAborted()
      return undefined
    }
    for (const answer of response.Answer) {
      if (answer.type !== TXT) continue
      const text = txtText(answer.data).trim()
      if (text.startsWith('dnslink=')) {
        const value = text.slice('dnslink='.length).trim()
        if (value.startsWith('/ipfs/') || value.startsWith('/ipns/')) return { value, ttl: Math.min(answer.TTL, maxTtl) }
      }
    }
    return undefined
  }

  return {
    /** The DNSLink value of a domain; NameNotFoundError (Kubo's message) when it has none */
    async resolve (domain: string, options: AbortOptions & { nocache?: boolean } = {}): Promise<DnslinkAnswer> {
      const name = domain.replace(/\.$/, '')
      const mapped = nsMap.get(name.toLowerCase())
      if (mapped !== undefined) return { value: mapped, ttl: 60 }
      const found = await txt(`_dnslink.${name}`, options)
      if (found === undefined) {
        throw new NameNotFoundError(`DNSLink lookup for "${name}." failed: could not resolve name: DNSLink lookup could not find a TXT record (https://docs.ipfs.tech/concepts/dnslink/)`)
      }
      return found
    }
  }
}

export type Dnslink = ReturnType<typeof createDnslink>
