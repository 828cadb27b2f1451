/**
 * The HTTP gateway (ipfs/specs http-gateways): GET and HEAD of /ipfs/ and /ipns/ content paths, with the
 * response format chosen by ?format= or Accept. It reads through a GatewayBackend only, never writes, and
 * never serves /api/v0. start()/stop() like every stateful part.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { GatewayBackend } from './backend.ts'
import { type GatewayContext, FORMATS, HttpError, sendError, sendStream, setCaching, setRoots, statusOf, etagMatches } from './http.ts'
import { serveUnixfs, listingEtag } from './unixfs.ts'
import { serveRaw, serveCar } from './trustless.ts'
import { serveCodec, codecFormat } from './codec.ts'
import { parseCid } from '../core/path.ts'
import { toTsipfsError } from '../core/errors.ts'
import { logger } from '../core/log.ts'

const log = logger('gateway')

export interface GatewayOptions {
  backend: GatewayBackend
  /** Serve only blocks already in the store (Gateway.NoFetch) */
  noFetch?: boolean
  /** Abort a request whose content takes longer than this, ms (Gateway.RetrievalTimeout) */
  retrievalTimeout?: number
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Range, User-Agent, X-Requested-With',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Range, X-Chunked-Output, X-Stream-Output, X-Ipfs-Path, X-Ipfs-Roots'
}

/** The response format: ?format= wins, else the first IPFS-specific type in Accept (with its parameters) */
export function negotiate (url: URL, accept: string | undefined): { format: string, params: Record<string, string> } {
  const param = url.searchParams.get('format')
  let fromAccept = ''
  let params: Record<string, string> = {}
  for (const value of (accept ?? '').split(',')) {
    const [type, ...rest] = value.trim().split(';').map(s => s.trim())
    const t = (type ?? '').toLowerCase()
    if (t.startsWith('application/vnd.ipld') || t.startsWith('application/vnd.ipfs') || t === FORMATS.tar || t === FORMATS.json || t === FORMATS.cbor) {
      fromAccept = t
      params = Object.fromEntries(rest.map(p => p.split('=').map(s => s.trim().replace(/^"|"$/g, '')) as [string, string]).filter(([k]) => k !== 'q'))
      break
    }
  }
  if (param !== null && FORMATS[param] !== undefined) {
    const format = FORMATS[param] as string
    return { format, params: fromAccept === format ? params : {} }
  }
  return { format: fromAccept, params }
}

async function handle (opts: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v)
  const head = req.method === 'HEAD'
  if (req.method === 'OPTIONS') {
    res.writeHead(200)
    res.end()
    return
  }
  const url = new URL(req.url ?? '/', 'http://gateway.invalid')
  const controller = new AbortController()
  res.on('close', () => controller.abort())
  const signal = opts.retrievalTimeout === undefined ? controller.signal : AbortSignal.any([controller.signal, AbortSignal.timeout(opts.retrievalTimeout)])
  const base = { res, head }
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD, OPTIONS')
    sendError(base, 405, `method ${req.method ?? ''} not allowed: the gateway only reads`)
    return
  }
  let contentPath: string
  try {
    contentPath = decodeURIComponent(url.pathname)
  } catch {
    sendError(base, 400, 'invalid URL encoding in path')
    return
  }
  if (!contentPath.startsWith('/ipfs/') && !contentPath.startsWith('/ipns/')) {
    sendError(base, 404, `404 page not found: ${contentPath.startsWith('/api/') ? 'the gateway does not serve the RPC API' : 'paths start with /ipfs/ or /ipns/'}`)
    return
  }
  const { format, params } = negotiate(url, req.headers.accept)
  const ctx: GatewayContext = { req, res, url, head, backend: opts.backend, contentPath, format, params, signal }
  res.setHeader('X-Ipfs-Path', url.pathname)
  try {
    await serve(ctx, opts)
  } catch (err) {
    const status = statusOf(err)
    const message = err instanceof HttpError ? err.message : toTsipfsError(err).message
    if (status >= 500) log.debug(`${url.pathname}: ${message}`)
    sendError(ctx, status === 504 && !controller.signal.aborted ? 504 : status, `failed to resolve ${contentPath}: ${message}`)
  }
}

async function serve (ctx: GatewayContext, opts: GatewayOptions): Promise<void> {
  const { res, req } = ctx
  const segments = ctx.contentPath.split('/').filter(Boolean)
  if (segments[0] === 'ipns') throw new HttpError(501, 'IPNS names are not resolved by this gateway yet')
  const root = parseCid(segments[1] ?? '')
  if (ctx.format === FORMATS['ipns-record']) throw new HttpError(400, 'ipns-record responses are for /ipns/ paths')
  if (ctx.format !== '' && !Object.values(FORMATS).includes(ctx.format)) throw new HttpError(400, `unsupported response format: ${ctx.format}`)
  const cacheControl = String(req.headers['cache-control'] ?? '')
  const resolvedOrMissing = await ctx.backend.resolve(ctx.contentPath, { signal: ctx.signal }).catch((err: unknown) => {
    // Cache-Control: only-if-cached asks not to fetch: content not here is 412
    if (cacheControl.includes('only-if-cached') && statusOf(err) === 404) throw new HttpError(412, 'content is not in the local store (only-if-cached)')
    throw err
  })
  const resolved = resolvedOrMissing
  if (cacheControl.includes('only-if-cached') && !await ctx.backend.has(resolved.cid)) throw new HttpError(412, 'content is not in the local store (only-if-cached)')
  void opts
  if (ctx.format === FORMATS.car) {
    await serveCar(ctx, resolved, root)
    return
  }
  // conditional requests: the content's Etag, or its listing's
  const etags = [`"${resolved.cid.toString()}"`, listingEtag(resolved.cid)]
  if (ctx.format !== '') etags.push(`"${resolved.cid.toString()}.${ctx.format.slice(Math.max(ctx.format.lastIndexOf('/'), ctx.format.lastIndexOf('.')) + 1)}"`)
  if (etagMatches(req.headers['if-none-match'], etags)) {
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
      res.setHeader('Content-Disposition', `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"`)
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
  let address = ''
  return {
    async start (host, port) {
      if (server !== undefined) return
      const s = createServer((req, res) => {
        handle(opts, req, res).catch((err: unknown) => {
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
      s.closeAllConnections()
      await new Promise<void>(resolve => s.close(() => resolve()))
    },
    url () {
      return address
    }
  }
}
