/**
 * The HTTP gateway (ipfs/specs http-gateways): GET and HEAD of /ipfs/ and /ipns/ content paths, with the
 * response format chosen by ?format= or Accept. It reads through a GatewayBackend only, never writes, and
 * never serves /api/v0. start()/stop() like every stateful part.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CID } from 'multiformats/cid'
import type { GatewayBackend, Resolved } from './backend.ts'
import { type GatewayContext, lazySignal, redirect, negotiate, FORMATS, HttpError, sendError, sendStream, setCaching, setRoots, statusOf, etagMatches, contentDisposition } from './http.ts'
import { route, publicGateways, type PublicGateway, type Route } from './hosts.ts'
import { applyRedirects } from './redirects.ts'
import { LruCache } from './cache.ts'
import { createHotResponses, type HotResponses } from './hot.ts'
import { canonicalName, parseIpnsName } from '../core/names/index.ts'
import { serveUnixfs, listingEtag } from './unixfs.ts'
import { serveRaw, serveCar, serveCarProof, serveIpnsRecord } from './trustless.ts'
import { serveCodec, codecFormat } from './codec.ts'
import { serveRoutingV1 } from './routing-v1.ts'
import { parseCid } from '../core/path.ts'
import { AbortedError, PathNotFoundError, toTsipfsError } from '../core/errors.ts'
import { logger } from '../core/log.ts'

const log = logger('gateway')

export interface GatewayOptions {
  backend: GatewayBackend
  /** Abort a request whose content takes longer than this, ms (Gateway.RetrievalTimeout) */
  retrievalTimeout?: number
  /** Gateway.PublicGateways: hostnames served as path/subdomain gateways (a `localhost` entry is built in) */
  publicGateways?: Record<string, unknown> | null
  /** Gateway.NoDNSLink: do not serve unknown hosts by their DNSLink record */
  noDnslink?: boolean
  /** Gateway.DeserializedResponses for hosts without a PublicGateways entry (default true) */
  deserializedResponses?: boolean
  /** Gateway.HTTPHeaders: extra headers on every response */
  headers?: Record<string, string[]>
  /** Gateway.RootRedirect: where `/` of the path gateway redirects */
  rootRedirect?: string
  /** Gateway.MaxConcurrentRequestsPerClient: requests one client address may have in flight; more get 429 */
  maxRequestsPerClient?: number
  /** Gateway.ExposeRoutingAPI: serve the delegated routing API at /routing/v1 (routing-v1.ts) */
  routingApi?: boolean
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Range, User-Agent, X-Requested-With',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, X-Chunked-Output, X-Stream-Output, X-Ipfs-Path, X-Ipfs-Roots'
}

const DAG_PB = 0x70
const RAW = 0x55

/** Response formats a trustless gateway serves (the only ones when DeserializedResponses is false) */
const TRUSTLESS = new Set([FORMATS.raw, FORMATS.car, FORMATS['ipns-record']])

interface ServerState {
  opts: GatewayOptions
  gateways: Map<string, PublicGateway>
  /** Requests in flight per client address */
  inFlight: Map<string, number>
  /** Does this host have a DNSLink record? (names/index.ts caches the answers) */
  hasDnslink: (host: string) => Promise<boolean>
  /** Requests with a retrieval deadline: aborted by the server's deadline timer once it passes */
  deadlines: Map<AbortController, { at: number, onTimeout: () => void }>
  /** Whole responses of hot /ipfs/ content */
  hot: HotResponses
}

/** Abort every request whose deadline has passed */
function expire (srv: ServerState, timeout: number): void {
  const now = Date.now()
  for (const [c, d] of srv.deadlines) {
    if (d.at > now) continue
    srv.deadlines.delete(c)
    d.onTimeout()
    c.abort(new AbortedError(`no content within Gateway.RetrievalTimeout (${timeout} ms)`))
  }
}

/** `?uri=ipfs://{cid}/{path}` or `ipns://…` (a browser's protocol handler) → 301 to the content path */
function protocolHandler (url: URL): string | HttpError | undefined {
  const uri = url.searchParams.get('uri')
  if (uri === null || !/^\/(ipfs|ipns)\/?$/.test(url.pathname)) return undefined
  const m = /^(ipfs|ipns|dweb):\/\/([^/?#]+)(.*)$/i.exec(uri)
  if (m === null) return new HttpError(400, `uri query parameter ${JSON.stringify(uri)} is not an ipfs:// or ipns:// URI`)
  const ns = (m[1] as string).toLowerCase() === 'ipns' ? 'ipns' : 'ipfs'
  return `/${ns}/${m[2] as string}${m[3] as string}`
}

/** Has this request's client as many requests in flight as Gateway.MaxConcurrentRequestsPerClient allows? */
function atLimit (srv: ServerState, req: IncomingMessage): boolean {
  const limit = srv.opts.maxRequestsPerClient ?? 0
  return limit > 0 && srv.inFlight.size > 0 && (srv.inFlight.get(req.socket.remoteAddress ?? '') ?? 0) >= limit
}

async function handle (srv: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { opts } = srv
  for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v)
  for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v)
  if (opts.routingApi === true && /^\/routing\/v1(\/|\?|$)/.test(req.url ?? '')) {
    await serveRoutingV1({ req, res, backend: opts.backend, timeout: opts.retrievalTimeout })
    return
  }
  const head = req.method === 'HEAD'
  const base = { res, head }
  if (req.method === 'OPTIONS') {
    res.writeHead(200)
    res.end()
    return
  }
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD, OPTIONS')
    sendError(base, 405, `method ${req.method ?? ''} not allowed: the gateway only reads`)
    return
  }
  let url: URL
  try {
    url = new URL(req.url ?? '/', 'http://gateway.invalid')
  } catch {
    sendError(base, 400, 'invalid request URL')
    return
  }
  const route = await routeOf(srv, req, url)
  if (route.kind === 'redirect') return redirect(res, 301, route.location)
  if (route.kind === 'error') return sendError(base, route.status, route.message)
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    sendError(base, 400, 'invalid URL encoding in path')
    return
  }
  let contentPath: string
  let origin: string | undefined
  if (route.kind === 'origin') {
    origin = route.root
    contentPath = `${route.root}${pathname}`
    res.setHeader('X-Ipfs-Path', `${route.root}${url.pathname}`)
  } else {
    if (url.pathname === '/' && opts.rootRedirect !== undefined && opts.rootRedirect !== '') return redirect(res, 302, opts.rootRedirect)
    const target = protocolHandler(url)
    if (target instanceof HttpError) return sendError(base, target.status, target.message)
    if (target !== undefined) return redirect(res, 301, target)
    contentPath = pathname
    if (!contentPath.startsWith('/ipfs/') && !contentPath.startsWith('/ipns/')) {
      sendError(base, 404, `404 page not found: ${contentPath.startsWith('/api/') ? 'the gateway does not serve the RPC API' : 'paths start with /ipfs/ or /ipns/'}`)
      return
    }
    res.setHeader('X-Ipfs-Path', url.pathname)
  }
  const { format, params } = negotiate(url, req.headers.accept)
  const deserialized = route.gateway?.DeserializedResponses ?? opts.deserializedResponses ?? true
  if (!deserialized && !TRUSTLESS.has(format)) {
    sendError(base, 406, 'this gateway serves only trustless responses (application/vnd.ipld.raw, application/vnd.ipld.car, application/vnd.ipfs.ipns-record): deserialized responses are disabled')
    return
  }
  // a per-client limit on requests in flight, so that one client cannot take every slot
  const client = req.socket.remoteAddress ?? ''
  if (atLimit(srv, req)) {
    res.setHeader('Retry-After', '1')
    sendError(base, 429, `too many requests in flight from ${client} (Gateway.MaxConcurrentRequestsPerClient = ${opts.maxRequestsPerClient ?? 0})`)
    return
  }
  srv.inFlight.set(client, (srv.inFlight.get(client) ?? 0) + 1)
  // The signal for a closed connection and the retrieval timeout is made on first use: a hot file served
  // from memory never needs one, and an AbortController with its timer per request cost ~15% of the
  // requests per second in bench/gateway. Deadlines are checked by one timer per server (srv.deadlines).
  let controller: AbortController | undefined
  let timedOut = false
  const signalOf = (): AbortSignal => {
    if (controller !== undefined) return controller.signal
    const c = new AbortController()
    controller = c
    if (opts.retrievalTimeout !== undefined) {
      srv.deadlines.set(c, { at: Date.now() + opts.retrievalTimeout, onTimeout: () => { timedOut = true } })
    }
    res.once('close', () => {
      srv.deadlines.delete(c)
      // a response cut short aborts its work
      if (!res.writableFinished) c.abort()
    })
    return c.signal
  }
  const ctx: GatewayContext = { req, res, url, head, backend: opts.backend, contentPath, format, params, get signal () { return signalOf() }, origin }
  // an answer for immutable content on a host whose meaning cannot change is kept for the next request like it
  const hotKey = contentPath.startsWith('/ipfs/') && !(route.kind === 'path' && route.noDnslinkYet === true) ? srv.hot.key(req) : undefined
  if (hotKey !== undefined) {
    ctx.keep = (body) => {
      if (ctx.status === undefined && ctx.ttl === undefined) srv.hot.keep(hotKey, res, body)
    }
  }
  try {
    await serve(ctx)
  } catch (err) {
    const status = statusOf(err)
    const message = err instanceof HttpError ? err.message : toTsipfsError(err).message
    if (status >= 500) log.debug(`${url.pathname}: ${message}`)
    sendError(ctx, timedOut ? 504 : status, `failed to resolve ${contentPath}: ${message}`)
  } finally {
    if (controller !== undefined) srv.deadlines.delete(controller)
    const n = (srv.inFlight.get(client) ?? 1) - 1
    if (n <= 0) srv.inFlight.delete(client)
    else srv.inFlight.set(client, n)
  }
}

async function routeOf (srv: ServerState, req: IncomingMessage, url: URL): Promise<Route> {
  return await route(req, url, srv.gateways, srv.hasDnslink, srv.opts.noDnslink === true)
}

/** Split a content path into its namespace root (`/ipfs/{cid}`, `/ipns/{name}`) and the rest ('' or `/a/b`) */
function splitRoot (ctx: GatewayContext): { root: string, rest: string } {
  if (ctx.origin !== undefined) return { root: ctx.origin, rest: ctx.contentPath.slice(ctx.origin.length).replace(/^\/$/, '') }
  const parts = ctx.contentPath.split('/')
  return { root: parts.slice(0, 3).join('/'), rest: parts.length > 3 ? `/${parts.slice(3).join('/')}` : '' }
}

/** Root CIDs by their text: parsing one costs more than serving a hot file */
const rootCids = new LruCache<CID>(10_000)
function parseRootCid (text: string): CID {
  let cid = rootCids.get(text)
  if (cid === undefined) {
    cid = parseCid(text)
    rootCids.set(text, cid)
  }
  return cid
}

async function serve (ctx: GatewayContext): Promise<void> {
  const { res, req } = ctx
  if (ctx.format !== '' && !Object.values(FORMATS).includes(ctx.format)) throw new HttpError(400, `unsupported response format: ${ctx.format}`)
  const { root, rest } = splitRoot(ctx)
  let ipfsRoot = root
  if (root.startsWith('/ipns/')) {
    const name = root.slice('/ipns/'.length)
    // a key in another form than base36 CIDv1 moves to its canonical name, for every response format
    // (path gateways only: subdomains redirect in route())
    if (ctx.origin === undefined && !name.includes('.')) {
      const canonical = canonicalName(parseIpnsName(name))
      if (canonical !== name) return redirect(res, 302, `/ipns/${canonical}${ctx.url.pathname.split('/').slice(3).map(s => `/${s}`).join('')}${ctx.url.search}`)
    }
    if (ctx.format === FORMATS['ipns-record']) return await serveIpnsRecord(ctx, name, rest)
    const resolution = await ctx.backend.resolveName(root, lazySignal(ctx))
    ctx.ttl = resolution.ttl
    ipfsRoot = resolution.path.replace(/\/$/, '')
  } else if (ctx.format === FORMATS['ipns-record']) {
    throw new HttpError(400, 'ipns-record responses are for /ipns/ paths')
  }
  const rootCid = parseRootCid(ipfsRoot.split('/')[2] ?? '')
  ctx.ipfsPath = `${ipfsRoot}${rest}`
  const cacheControl = String(req.headers['cache-control'] ?? '')
  let resolved: Resolved
  try {
    resolved = await ctx.backend.resolve(`${ipfsRoot}${rest}`, lazySignal(ctx))
  } catch (err) {
    // Cache-Control: only-if-cached asks not to fetch: content not here is 412
    if (cacheControl.includes('only-if-cached') && statusOf(err) === 404) throw new HttpError(412, 'content is not in the local store (only-if-cached)')
    // a CAR of a path that does not exist: the blocks that show it does not (as Kubo answers)
    if (ctx.format === FORMATS.car && err instanceof PathNotFoundError) {
      return await serveCarProof(ctx, rootCid, await ctx.backend.proof(`${ipfsRoot}${rest}`, lazySignal(ctx)))
    }
    // on an origin (subdomain or DNSLink host), a path that does not exist goes through _redirects
    if (ctx.origin !== undefined && statusOf(err) === 404 && ctx.format === '') {
      const r = await applyRedirects(ctx, ipfsRoot)
      if (r === 'sent') return
      if (r !== undefined) {
        resolved = r
        return await serveResolved(ctx, resolved, rootCid)
      }
    }
    throw err
  }
  if (cacheControl.includes('only-if-cached') && !await ctx.backend.has(resolved.cid)) throw new HttpError(412, 'content is not in the local store (only-if-cached)')
  await serveResolved(ctx, resolved, rootCid)
}

async function serveResolved (ctx: GatewayContext, resolved: Resolved, rootCid: CID): Promise<void> {
  const { res, req } = ctx
  // plain json/cbor asked of UnixFS (dag-pb, raw) is no conversion: the content is served as it is (as Kubo
  // does, and the conformance suite checks)
  if ((ctx.format === FORMATS.json || ctx.format === FORMATS.cbor) && (resolved.cid.code === DAG_PB || resolved.cid.code === RAW)) ctx.format = ''
  if (ctx.format === FORMATS.car) {
    await serveCar(ctx, resolved, rootCid)
    return
  }
  // conditional requests: the content's Etag, or its listing's
  const etags = [`"${resolved.cid.toString()}"`, listingEtag(resolved.cid)]
  if (ctx.format !== '') etags.push(`"${resolved.cid.toString()}.${ctx.format.slice(Math.max(ctx.format.lastIndexOf('/'), ctx.format.lastIndexOf('.')) + 1)}"`)
  if (ctx.status === undefined && etagMatches(req.headers['if-none-match'], etags)) {
    setRoots(ctx, resolved.roots)
    res.writeHead(304)
    res.end()
    return
  }
  switch (ctx.format) {
    case FORMATS.raw:
      await serveRaw(ctx, resolved)
      return
    case FORMATS.tar: {
      if (resolved.entry.type !== 'directory' && resolved.entry.type !== 'file' && resolved.entry.type !== 'raw') throw new HttpError(400, 'only UnixFS data can be served as TAR')
      setRoots(ctx, resolved.roots)
      setCaching(ctx, `W/"${resolved.cid.toString()}.x-tar"`)
      const name = ctx.url.searchParams.get('filename') ?? `${resolved.cid.toString()}.tar`
      res.setHeader('Content-Disposition', contentDisposition('attachment', name))
      res.setHeader('Content-Type', FORMATS.tar as string)
      res.setHeader('X-Content-Type-Options', 'nosniff')
      await sendStream(ctx, 200, ctx.backend.tar(`/ipfs/${resolved.cid.toString()}`, resolved.cid.toString(), { signal: ctx.signal }))
      return
    }
    case FORMATS['dag-json']:
    case FORMATS['dag-cbor']:
    case FORMATS.json:
    case FORMATS.cbor:
      await serveCodec(ctx, resolved)
      return
  }
  // the default: UnixFS deserialized, other codecs as themselves
  if (resolved.entry.type === 'object' || codecFormat(resolved.cid.code) !== undefined) {
    await serveCodec(ctx, resolved)
    return
  }
  await serveUnixfs(ctx, resolved, ctx.url.pathname.endsWith('/') ? ctx.url.pathname : `${ctx.url.pathname}/`)
}

export interface Gateway {
  start(host: string, port: number): Promise<void>
  stop(): Promise<void>
  /** http://host:port once started */
  url(): string
}

export function createGateway (opts: GatewayOptions): Gateway {
  let server: Server | undefined
  let deadlineTimer: NodeJS.Timeout | undefined
  let address = ''
  return {
    async start (host, port) {
      if (server !== undefined) return
      const hasDnslink = async (host: string): Promise<boolean> => {
        try {
          await opts.backend.resolveName(`/ipns/${host}`, { recursive: false })
          return true
        } catch {
          return false
        }
      }
      const srv: ServerState = { opts, gateways: publicGateways(opts.publicGateways), hasDnslink, inFlight: new Map(), deadlines: new Map(), hot: createHotResponses() }
      const timeout = opts.retrievalTimeout
      if (timeout !== undefined) {
        deadlineTimer = setInterval(() => { expire(srv, timeout) }, Math.min(1000, Math.max(10, timeout / 4)))
        deadlineTimer.unref()
      }
      const s = createServer((req, res) => {
        // a kept answer ends at once and holds no slot, but a client at its limit gets its 429 from handle()
        if (!atLimit(srv, req) && srv.hot.serve(req, res)) return
        handle(srv, req, res).catch((err: unknown) => {
          log.error(`request failed: ${toTsipfsError(err).message}`)
          if (!res.headersSent) sendError({ res, head: false }, 500, 'internal error')
          else res.destroy()
        })
      })
      s.keepAliveTimeout = 65_000
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject)
        s.listen(port, host, () => resolve())
      })
      server = s
      const a = s.address() as AddressInfo
      address = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`
    },
    async stop () {
      const s = server
      if (s === undefined) return
      server = undefined
      clearInterval(deadlineTimer)
      s.closeAllConnections()
      await new Promise<void>(resolve => s.close(() => resolve()))
    },
    url () {
      return address
    }
  }
}
