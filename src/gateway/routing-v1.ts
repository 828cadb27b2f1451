/**
 * The Delegated Routing V1 HTTP API (ipfs/specs src/routing/http-routing-v1.md) on the gateway port, when
 * Gateway.ExposeRoutingAPI is on: GET /routing/v1/providers/{cid}, GET /routing/v1/peers/{peer-id}, GET and
 * PUT /routing/v1/ipns/{name}. Answers come from the GatewayBackend (this node's routing).
 *
 * - JSON by default (at most 100 records), NDJSON streamed as found with `Accept: application/x-ndjson`;
 *   `?filter-addrs=` and `?filter-protocols=` as IPIP-484 says.
 * - No result is 200 with an empty list (IPIP-0513; clients also take 404), with a short max-age; bad
 *   input is 400; an unknown path is 400; a method the API does not have is 501 (the spec's codes).
 * - Cache-Control, Last-Modified and Vary: Accept as the spec says, and for IPNS records Etag, Expires and
 *   a max-age of the record's TTL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { unmarshalIPNSRecord } from 'ipns'
import type { RoutingBackend, PeerRecord } from './routing-backend.ts'
import { parseCid } from '../core/path.ts'
import { canonicalName, parseIpnsName } from '../core/names/index.ts'
import { toTsipfsError } from '../core/errors.ts'
import { logger } from '../core/log.ts'

const log = logger('gateway:routing')

export const ROUTING_V1 = '/routing/v1'
const JSON_TYPE = 'application/json'
const NDJSON_TYPE = 'application/x-ndjson'
const IPNS_TYPE = 'application/vnd.ipfs.ipns-record'
/** The Amino DHT's provider record lifetime (48 h): how long a stale answer may still be used */
const MAX_TTL = 172800
const CACHE_FOUND = `public, max-age=300, stale-while-revalidate=${MAX_TTL}, stale-if-error=${MAX_TTL}`
const CACHE_EMPTY = `public, max-age=15, stale-while-revalidate=${MAX_TTL}, stale-if-error=${MAX_TTL}`
/** JSON responses carry at most this many records (the spec's SHOULD); NDJSON has no limit */
const JSON_LIMIT = 100
/** IPNS records are at most 10 KiB (ipfs/specs ipns-record.md) */
const MAX_IPNS_RECORD = 10 * 1024
/** A lookup that has not ended by then is answered with what it found */
const DEFAULT_TIMEOUT = 30_000

export interface RoutingContext {
  req: IncomingMessage
  res: ServerResponse
  backend: RoutingBackend
  /** ms before a lookup is cut short (Gateway.RetrievalTimeout) */
  timeout?: number
}

class RoutingHttpError extends Error {
  readonly status: number
  constructor (status: number, message: string) {
    super(message)
    this.status = status
  }
}

function send (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers })
  res.end(body === '' ? undefined : `${body}\n`)
}

/** Serve a request whose path starts with /routing/v1 */
export async function serveRoutingV1 (ctx: RoutingContext): Promise<void> {
  const { req, res } = ctx
  res.setHeader('Access-Control-Allow-Origin', '*')
  res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, OPTIONS')
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Accept, User-Agent, X-Requested-With')
  if (req.method === 'OPTIONS') {
    res.writeHead(200)
    res.end()
    return
  }
  const controller = new AbortController()
  const timer = setTimeout(() => { controller.abort() }, ctx.timeout ?? DEFAULT_TIMEOUT)
  res.once('close', () => { if (!res.writableFinished) controller.abort() })
  try {
    const url = new URL(req.url ?? '/', 'http://gateway.invalid')
    const [kind, arg, ...rest] = url.pathname.slice(ROUTING_V1.length + 1).split('/')
    const method = req.method ?? 'GET'
    const read = method === 'GET' || method === 'HEAD'
    if (rest.length > 0 || !['providers', 'peers', 'ipns'].includes(kind ?? '')) throw new RoutingHttpError(400, `unknown path ${url.pathname}: the routing API has /routing/v1/providers/{cid}, /routing/v1/peers/{peer-id} and /routing/v1/ipns/{name}`)
    if (arg === undefined || arg === '') {
      // PUT /routing/v1/providers and /peers (announcements) are in the spec, not here
      throw new RoutingHttpError(method === 'PUT' ? 501 : 400, method === 'PUT' ? `${method} ${url.pathname} is not supported by this server` : `${url.pathname} needs a key: ${url.pathname.replace(/\/$/, '')}/{key}`)
    }
    const key = decodeURIComponent(arg)
    if (kind === 'ipns' && method === 'PUT') return await putIpns(ctx, key, controller.signal)
    if (!read) throw new RoutingHttpError(501, `${method} ${url.pathname} is not supported by this server`)
    if (kind === 'ipns') return await getIpns(ctx, key, controller.signal)
    const ndjson = negotiate(req.headers.accept)
    const filters = { addrs: list(url.searchParams.get('filter-addrs')), protocols: list(url.searchParams.get('filter-protocols')) }
    const records = kind === 'providers' ? providers(ctx, key, controller.signal) : peers(ctx, key, controller.signal)
    await sendRecords(ctx, kind === 'providers' ? 'Providers' : 'Peers', filtered(records, filters), ndjson)
  } catch (err) {
    if (err instanceof RoutingHttpError) return send(res, err.status, err.message)
    const e = toTsipfsError(err)
    // bad input (the error table's 400s: arguments, CIDs, records) is the client's; anything else is ours
    const status = e.status === 400 ? 400 : 500
    if (status === 500) log.error(`${req.url ?? ''}: ${e.message}`)
    send(res, status, e.message)
  } finally {
    clearTimeout(timer)
  }
}

/** true for NDJSON; JSON when asked for or when Accept says nothing; else 400 */
function negotiate (accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return false
  const types = accept.split(',').map(v => (v.split(';')[0] ?? '').trim().toLowerCase())
  if (types.includes(NDJSON_TYPE)) return true
  if (types.some(t => t === JSON_TYPE || t === '*/*' || t === 'application/*')) return false
  throw new RoutingHttpError(400, `no supported content types: ask for ${JSON_TYPE} or ${NDJSON_TYPE}`)
}

function list (value: string | null): string[] {
  return (value ?? '').split(',').map(s => s.trim().toLowerCase()).filter(s => s !== '')
}

async function * providers (ctx: RoutingContext, key: string, signal: AbortSignal): AsyncGenerator<PeerRecord> {
  let cid: CID
  try {
    cid = parseCid(key)
  } catch (err) {
    throw new RoutingHttpError(400, `unable to parse CID ${JSON.stringify(key)}: ${toTsipfsError(err).message}`)
  }
  yield * ctx.backend.providers(cid, { signal })
}

async function * peers (ctx: RoutingContext, key: string, signal: AbortSignal): AsyncGenerator<PeerRecord> {
  let cid: CID
  try {
    cid = peerIdFromString(key).toCID()
  } catch (err) {
    throw new RoutingHttpError(400, `unable to parse peer ID ${JSON.stringify(key)}: ${(err as Error).message}`)
  }
  yield * ctx.backend.peers(cid, { signal })
}

/** IPIP-484: does a name filter pass `names` (any positive one matches, no negative one does)? */
function passes (filter: string[], names: string[]): boolean {
  const negative = filter.filter(f => f.startsWith('!')).map(f => f.slice(1))
  const positive = filter.filter(f => !f.startsWith('!'))
  if (negative.some(n => names.includes(n))) return false
  return positive.length === 0 || positive.some(p => names.includes(p))
}

/** Apply ?filter-addrs and ?filter-protocols: a record left without addresses is dropped */
async function * filtered (records: AsyncIterable<PeerRecord>, filters: { addrs: string[], protocols: string[] }): AsyncGenerator<PeerRecord> {
  for await (const r of records) {
    if (filters.protocols.length > 0) {
      const protocols = (r.Protocols ?? []).map(p => p.toLowerCase())
      if (!filters.protocols.some(f => protocols.includes(f) || (f === 'unknown' && protocols.length === 0))) continue
    }
    if (filters.addrs.length > 0) {
      if (r.Addrs.length === 0) {
        if (filters.addrs.includes('unknown')) yield r
        continue
      }
      const addrs = r.Addrs.filter(a => {
        try {
          return passes(filters.addrs, multiaddr(a).getComponents().map(c => c.name.toLowerCase()))
        } catch {
          return false
        }
      })
      if (addrs.length === 0) continue
      yield { ...r, Addrs: addrs }
      continue
    }
    yield r
  }
}

/**
 * Write the records as JSON or NDJSON. The first record is awaited before the headers are written, so
 * that Cache-Control can say whether anything was found; a lookup cut short by the timeout or the client
 * ends the answer with what was found by then.
 */
async function sendRecords (ctx: RoutingContext, field: 'Providers' | 'Peers', records: AsyncGenerator<PeerRecord>, ndjson: boolean): Promise<void> {
  const { req, res } = ctx
  const head = req.method === 'HEAD'
  const found: PeerRecord[] = []
  const next = async (): Promise<PeerRecord | undefined> => {
    try {
      const r = await records.next()
      return r.done === true ? undefined : r.value
    } catch (err) {
      if (err instanceof RoutingHttpError) throw err
      // aborted (timeout or client gone) or a router failed: answer with what was found
      log.debug(`${req.url ?? ''}: ${toTsipfsError(err).message}`)
      return undefined
    }
  }
  let first = await next()
  const headers = {
    'Content-Type': ndjson ? NDJSON_TYPE : JSON_TYPE,
    'Cache-Control': first === undefined ? CACHE_EMPTY : CACHE_FOUND,
    'Last-Modified': new Date().toUTCString(),
    Vary: 'Accept'
  }
  if (!ndjson) {
    while (first !== undefined && found.length < JSON_LIMIT) {
      found.push(first)
      if (found.length < JSON_LIMIT) first = await next()
    }
    await records.return(undefined)
    const body = JSON.stringify({ [field]: found })
    res.writeHead(200, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) })
    res.end(head ? undefined : body)
    return
  }
  res.writeHead(200, headers)
  if (head) {
    await records.return(undefined)
    res.end()
    return
  }
  for (let r = first; r !== undefined; r = await next()) {
    if (!res.write(`${JSON.stringify(r)}\n`)) await new Promise(resolve => res.once('drain', resolve))
    if (res.destroyed) break
  }
  await records.return(undefined)
  res.end()
}

async function getIpns (ctx: RoutingContext, key: string, signal: AbortSignal): Promise<void> {
  const { req, res } = ctx
  const name = parseIpnsName(key)
  const accept = req.headers.accept
  if (accept !== undefined && accept.trim() !== '') {
    const types = accept.split(',').map(v => (v.split(';')[0] ?? '').trim().toLowerCase())
    if (!types.some(t => t === IPNS_TYPE || t === '*/*' || t === 'application/*')) {
      throw new RoutingHttpError(406, `content type in 'Accept' header is not supported, retry with 'Accept: ${IPNS_TYPE}'`)
    }
  }
  const record = await ctx.backend.getIpns(name, { signal })
  const common = { 'Last-Modified': new Date().toUTCString(), Vary: 'Accept' }
  if (record === undefined) {
    // IPIP-0513: 200, and any type but an IPNS record's means "no record"
    send(res, 200, `no IPNS record found for ${canonicalName(name)}`, { ...common, 'Cache-Control': CACHE_EMPTY })
    return
  }
  const parsed = unmarshalIPNSRecord(record)
  const ttl = Math.floor(Number(parsed.ttl ?? 0n) / 1e9)
  const expires = Date.parse(parsed.validity)
  const remaining = Math.max(0, Math.floor((expires - Date.now()) / 1000))
  const etag = `"${createHash('sha256').update(record).digest('hex').slice(0, 32)}"`
  const headers = {
    ...common,
    'Content-Type': IPNS_TYPE,
    'Cache-Control': `public, max-age=${ttl > 0 ? ttl : 60}, stale-while-revalidate=${remaining}, stale-if-error=${remaining}`,
    Expires: new Date(expires).toUTCString(),
    Etag: etag,
    'Content-Disposition': `attachment; filename="${canonicalName(name)}.ipns-record"`
  }
  if ((req.headers['if-none-match'] ?? '').split(',').map(s => s.trim()).includes(etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(record.byteLength) })
  res.end(req.method === 'HEAD' ? undefined : record)
}

async function putIpns (ctx: RoutingContext, key: string, signal: AbortSignal): Promise<void> {
  const { req, res } = ctx
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== IPNS_TYPE) throw new RoutingHttpError(406, `content type in 'Content-Type' header is missing or not supported, retry with 'Content-Type: ${IPNS_TYPE}'`)
  let name: CID
  try {
    name = parseIpnsName(key)
  } catch (err) {
    throw new RoutingHttpError(400, toTsipfsError(err).message)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > MAX_IPNS_RECORD) throw new RoutingHttpError(400, `provided record is invalid: larger than ${MAX_IPNS_RECORD} bytes`)
    chunks.push(chunk)
  }
  try {
    await ctx.backend.putIpns(name, Buffer.concat(chunks), { signal })
  } catch (err) {
    const e = toTsipfsError(err)
    if (e.name === 'InvalidArgumentError') throw new RoutingHttpError(400, `provided record is invalid: ${e.message}`)
    throw err
  }
  send(res, 200, '')
}
