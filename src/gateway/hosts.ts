/**
 * Which content a request names, from its Host (subdomain-gateway and dnslink-gateway specs):
 * - a known gateway host (Gateway.PublicGateways, with a default `localhost` entry) serves /ipfs/ and /ipns/
 *   paths, or with UseSubdomains redirects them to `{cid}.ipfs.{host}` / `{name}.ipns.{host}`;
 * - `{cidv1}.ipfs.{host}` and `{name}.ipns.{host}` serve that root at the origin's root (CIDv0 and other
 *   bases redirect to the canonical base32/base36 label; DNSLink names are inlined: `-` ↔ `.`, `--` ↔ `-`);
 * - any other host with a DNSLink record serves `/ipns/{host}`;
 * - anything else is a path gateway.
 * X-Forwarded-Host and X-Forwarded-Proto are honoured when building redirects.
 */
import type { IncomingMessage } from 'node:http'
import { CID } from 'multiformats/cid'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { peerIdFromMultihash, peerIdFromString } from '@libp2p/peer-id'

export interface PublicGateway {
  Paths: string[]
  UseSubdomains: boolean
  NoDNSLink: boolean
  InlineDNSLink: boolean
  DeserializedResponses: boolean
}

export type Route =
  /**
   * A path gateway; `gateway` is the host's PublicGateways entry when it has one. `noDnslinkYet`: the host
   * was looked up for a DNSLink record and had none, an answer that may change
   */
  | { kind: 'path', gateway?: PublicGateway, noDnslinkYet?: true }
  | { kind: 'redirect', location: string }
  | { kind: 'error', status: number, message: string }
  /** Content served at the origin's root: contentPath is the root, the URL path is appended */
  | { kind: 'origin', root: string, gateway?: PublicGateway }

const DEFAULT_GATEWAY: PublicGateway = { Paths: ['/ipfs', '/ipns'], UseSubdomains: true, NoDNSLink: false, InlineDNSLink: false, DeserializedResponses: true }

/** Gateway.PublicGateways merged over the default `localhost` entry; a null entry removes a default */
export function publicGateways (config: Record<string, unknown> | null | undefined): Map<string, PublicGateway> {
  const out = new Map<string, PublicGateway>([['localhost', DEFAULT_GATEWAY]])
  for (const [host, value] of Object.entries(config ?? {})) {
    if (value === null) {
      out.delete(host.toLowerCase())
      continue
    }
    const v = value as Partial<PublicGateway>
    out.set(host.toLowerCase(), {
      Paths: v.Paths ?? [],
      UseSubdomains: v.UseSubdomains === true,
      NoDNSLink: v.NoDNSLink === true,
      InlineDNSLink: v.InlineDNSLink === true,
      DeserializedResponses: v.DeserializedResponses !== false
    })
  }
  return out
}

/** The request's host (lowercase, for matching), as sent (labels such as base58 CIDv0 keep their case) */
function hostOf (req: IncomingMessage): { host: string, sent: string, withPort: string, proto: string } {
  const forwarded = req.headers['x-forwarded-host']
  const withPort = String((Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? req.headers.host ?? '').trim()
  const sent = withPort.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  const proto = String(req.headers['x-forwarded-proto'] ?? '') === 'https' ? 'https' : 'http'
  return { host: sent.toLowerCase(), sent, withPort, proto }
}

/** A DNSLink name as one DNS label: `-` → `--`, `.` → `-` */
export function inlineDnslink (name: string): string {
  return name.replace(/-/g, '--').replace(/\./g, '-')
}

export function uninlineDnslink (label: string): string {
  return label.replace(/--/g, '\0').replace(/-/g, '.').replace(/\0/g, '-')
}

/**
 * A key as its canonical label (CIDv1 libp2p-key in base36), from a peer ID or a CID of the key in any
 * codec and base (a dag-pb CIDv1 of a key redirects to its libp2p-key form, as the conformance suite
 * checks); undefined for anything that is not a key
 */
function keyLabel (id: string): string | undefined {
  try {
    return peerIdFromString(id).toCID().toString(base36)
  } catch { /* not a peer ID or libp2p-key CID */ }
  try {
    return peerIdFromMultihash(CID.parse(id, id.startsWith('k') ? base36 : undefined).multihash).toCID().toString(base36)
  } catch {
    return undefined
  }
}

/**
 * The subdomain label for a root: CIDv1 base32 (libp2p keys in base36), or a DNSLink name (inlined into one
 * label when asked to, and always for https, where a wildcard certificate covers only one level)
 */
function label (ns: string, id: string, inline: boolean): string | { error: string } {
  if (ns === 'ipfs') {
    let cid: CID
    try {
      cid = CID.parse(id, id.startsWith('k') ? base36 : undefined)
    } catch {
      return { error: `invalid CID ${JSON.stringify(id)}` }
    }
    const v1 = cid.toV1()
    let out = v1.toString(base32)
    if (out.length > 63 && v1.code === 0x72) out = v1.toString(base36)
    if (out.length > 63) return { error: `CID incompatible with DNS label length limit of 63: ${id} is ${out.length} characters as a label; use a path gateway` }
    return out
  }
  const key = keyLabel(id)
  if (key !== undefined) return key
  if (id.includes('.')) {
    if (!inline) return id.toLowerCase()
    const inlined = inlineDnslink(id)
    if (inlined.length > 63) return { error: `DNSLink name ${id} is too long for a DNS label` }
    return inlined
  }
  return { error: `invalid IPNS name ${JSON.stringify(id)}` }
}

export async function route (req: IncomingMessage, url: URL, gateways: Map<string, PublicGateway>, hasDnslink: (host: string) => Promise<boolean>, noDnslink: boolean): Promise<Route> {
  const { host, sent, withPort, proto } = hostOf(req)
  const known = gateways.get(host)
  const port = /:\d+$/.exec(withPort)?.[0] ?? ''
  const segments = url.pathname.split('/')
  const ns = segments[1]
  if (known !== undefined) {
    if (ns !== 'ipfs' && ns !== 'ipns') return { kind: 'path', gateway: known }
    if (!known.Paths.includes(`/${ns}`)) return { kind: 'error', status: 404, message: `${ns} paths are not served on ${host}` }
    if (!known.UseSubdomains) return { kind: 'path', gateway: known }
    let id: string
    try {
      id = decodeURIComponent(segments[2] ?? '')
    } catch {
      return { kind: 'error', status: 400, message: 'invalid URL encoding in path' }
    }
    if (id === '') return { kind: 'path', gateway: known }
    const l = label(ns, id, known.InlineDNSLink || proto === 'https')
    // the error names the path as asked, case kept (the conformance suite looks for `invalid path "/ipfs/…"`)
    if (typeof l !== 'string') return { kind: 'error', status: 400, message: `invalid path ${JSON.stringify(`/${ns}/${id}`)}: ${l.error}` }
    const rest = segments.slice(3).join('/')
    return { kind: 'redirect', location: `${proto}://${l}.${ns}.${withPort}/${rest}${url.search}` }
  }
  // {label}.ipfs.{gateway} / {label}.ipns.{gateway}
  for (const [gwHost, gw] of gateways) {
    if (!gw.UseSubdomains) continue
    for (const space of ['ipfs', 'ipns']) {
      const suffix = `.${space}.${gwHost}`
      if (!host.endsWith(suffix)) continue
      const id = sent.slice(0, -suffix.length)
      if (id === '' || (id.includes('.') && space === 'ipfs')) return { kind: 'error', status: 400, message: `invalid subdomain ${JSON.stringify(id)}` }
      if (id.split('.').some(l => l.length > 63)) return { kind: 'error', status: 400, message: `CID incompatible with DNS label length limit of 63: the subdomain label ${id.slice(0, 16)}… is longer` }
      if (!gw.Paths.includes(`/${space}`)) return { kind: 'error', status: 404, message: `${space} is not served on ${gwHost}` }
      if (space === 'ipfs') {
        const l = label('ipfs', id, false)
        if (typeof l !== 'string') return { kind: 'error', status: 400, message: l.error }
        if (l !== id) return { kind: 'redirect', location: `${proto}://${l}.ipfs.${gwHost}${port}${url.pathname}${url.search}` }
        return { kind: 'origin', root: `/ipfs/${id}`, gateway: gw }
      }
      // a key in any base redirects to base36; anything else is an inlined DNSLink name
      const key = keyLabel(id)
      if (key !== undefined) {
        if (key !== id) return { kind: 'redirect', location: `${proto}://${key}.ipns.${gwHost}${port}${url.pathname}${url.search}` }
        return { kind: 'origin', root: `/ipns/${key}`, gateway: gw }
      }
      return { kind: 'origin', root: `/ipns/${(id.includes('.') ? id : uninlineDnslink(id)).toLowerCase()}`, gateway: gw }
    }
  }
  // a DNSLink website on its own domain
  if (!noDnslink && host.includes('.') && !/^[\d.]+$/.test(host)) {
    if (await hasDnslink(host)) return { kind: 'origin', root: `/ipns/${host}` }
    return { kind: 'path', noDnslinkYet: true }
  }
  return { kind: 'path' }
}
