/** Shared pieces of a gateway response: the request context, headers, errors, and sending bytes. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CID } from 'multiformats/cid'
import type { GatewayBackend } from './backend.ts'
import { parseRange } from './ranges.ts'
import { toTsipfsError } from '../core/errors.ts'

export const IMMUTABLE = 'public, max-age=29030400, immutable'

export const FORMATS: Record<string, string> = {
  raw: 'application/vnd.ipld.raw',
  car: 'application/vnd.ipld.car',
  tar: 'application/x-tar',
  json: 'application/json',
  cbor: 'application/cbor',
  'dag-json': 'application/vnd.ipld.dag-json',
  'dag-cbor': 'application/vnd.ipld.dag-cbor',
  'ipns-record': 'application/vnd.ipfs.ipns-record'
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

export interface GatewayContext {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  head: boolean
  backend: GatewayBackend
  /** The content path, decoded: /ipfs/<cid>/a/b or /ipns/<name>/a */
  contentPath: string
  /** The response media type asked for ('' = the default for the content) */
  format: string
  /** Parameters of the Accept media type (CAR version, order, dups…) */
  params: Record<string, string>
  /** The /ipfs/ path the request resolved to (for /ipns/ paths, after resolving the name) */
  ipfsPath?: string
  /** For /ipns/ paths: the TTL of the resolution, seconds */
  ttl?: number
  /** On a subdomain or DNSLink host: the root the host serves (`/ipfs/{cid}`, `/ipns/{name}`) */
  origin?: string
  /** The status of a full response when not 200 (a `_redirects` 404/410/451 page) */
  status?: number
  /**
   * Set when this request's answer may be kept whole for the next one like it (hot.ts): a handler that
   * ends a 200 with a body from memory calls it with that body
   */
  keep?: (body: Uint8Array) => void
  signal: AbortSignal
}

/** A redirect with no body */
export function redirect (res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { Location: location, 'Content-Type': 'text/plain; charset=utf-8' })
  res.end()
}

/** Options whose signal is made only if a callee reads it (see server.ts: hot paths never need one) */
export function lazySignal (ctx: Pick<GatewayContext, 'signal'>): { readonly signal: AbortSignal } {
  return { get signal () { return ctx.signal } }
}

export class HttpError extends Error {
  readonly status: number
  constructor (status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** The HTTP status for an error from the core */
export function statusOf (err: unknown): number {
  if (err instanceof HttpError) return err.status
  // a path into a dag-json/dag-cbor block names a field the block does not have
  if (err instanceof Error && (err.name === 'BadPathError' || (err.cause instanceof Error && err.cause.name === 'BadPathError'))) return 404
  const e = toTsipfsError(err)
  switch (e.name) {
    case 'BlockNotFoundError':
    case 'PathNotFoundError':
    case 'FileNotFoundError':
      return 404
    case 'InvalidCIDError':
    case 'InvalidPathError':
    case 'InvalidArgumentError':
    case 'WrongNodeTypeError':
      return 400
    case 'AbortedError':
      return 504
    // an IPNS name with no valid record (none stored, or only an insecure V1 or broken V2 one) is a failure to
    // resolve, 5xx as IPIP-428 asks and the conformance suite checks (Kubo answers 500 too), not a 404
    case 'NameNotFoundError':
      return 500
    case 'UnsupportedError':
      return 501
  }
  return e.status >= 400 ? e.status : 500
}

export function sendError (ctx: Pick<GatewayContext, 'res' | 'head'>, status: number, message: string): void {
  const { res } = ctx
  if (res.headersSent) {
    res.destroy()
    return
  }
  // headers meant for the content do not describe an error
  for (const h of ['Etag', 'Cache-Control', 'Content-Disposition', 'Last-Modified', 'X-Ipfs-Roots', 'Content-Type']) res.removeHeader(h)
  const body = `${message}\n`
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' })
  res.end(ctx.head ? undefined : body)
}

/** Does any of the If-None-Match values match one of `etags`? (weak comparison, as for GET) */
export function etagMatches (header: string | undefined, etags: string[]): boolean {
  if (header === undefined) return false
  const strip = (t: string): string => t.trim().replace(/^W\//, '')
  const wanted = header.split(',').map(strip)
  if (wanted.includes('*')) return true
  return etags.some(e => wanted.includes(strip(e)))
}

export function setRoots (ctx: GatewayContext, roots: CID[]): void {
  if (roots.length > 0) ctx.res.setHeader('X-Ipfs-Roots', roots.map(r => r.toString()).join(','))
}

export function setCaching (ctx: GatewayContext, etag: string | undefined): void {
  if (etag !== undefined) ctx.res.setHeader('Etag', etag)
  if (ctx.contentPath.startsWith('/ipfs/')) ctx.res.setHeader('Cache-Control', IMMUTABLE)
  else if (ctx.ttl !== undefined && ctx.ttl > 0) ctx.res.setHeader('Cache-Control', `public, max-age=${ctx.ttl}`)
}

const NON_ASCII = /[^\x20-\x7e]|"|\\/g

export function contentDisposition (kind: 'inline' | 'attachment', filename: string): string {
  const ascii = encodeURIComponent(filename.replace(NON_ASCII, '_')).replace(/%20/g, '%20')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

/** Write a stream as the body; HEAD sends headers only */
export async function sendStream (ctx: GatewayContext, status: number, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
  const { res } = ctx
  res.statusCode = status
  if (ctx.head) {
    res.end()
    return
  }
  // a body of one chunk goes out in one write with the headers
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()
  let held: Uint8Array | undefined
  for (let next = await it.next(); next.done !== true; next = await it.next()) {
    if (res.destroyed) {
      await it.return?.()
      return
    }
    if (held !== undefined && !res.write(held)) await new Promise<void>(resolve => { res.once('drain', resolve); res.once('close', resolve) })
    held = next.value
  }
  res.end(held)
}

/**
 * Serve `size` bytes read by `read(offset, length)`, honouring Range: 206 for one range, multipart/byteranges
 * for several, 416 when none fits.
 */
export async function sendRanged (ctx: GatewayContext, size: number, contentType: string, read: (offset: number, length: number) => AsyncIterable<Uint8Array>): Promise<void> {
  const { res } = ctx
  res.setHeader('Accept-Ranges', 'bytes')
  const ranges = ctx.status === undefined ? parseRange(ctx.req.headers.range, size) : undefined
  if (ranges === undefined) {
    res.setHeader('Content-Type', contentType)
    res.setHeader('Content-Length', size)
    await sendStream(ctx, ctx.status ?? 200, read(0, size))
    return
  }
  if (ranges.length === 0) {
    res.setHeader('Content-Range', `bytes */${size}`)
    sendError(ctx, 416, 'requested range not satisfiable')
    return
  }
  if (ranges.length === 1) {
    const r = ranges[0] as { start: number, end: number }
    res.setHeader('Content-Type', contentType)
    res.setHeader('Content-Range', `bytes ${r.start}-${r.end}/${size}`)
    res.setHeader('Content-Length', r.end - r.start + 1)
    await sendStream(ctx, 206, read(r.start, r.end - r.start + 1))
    return
  }
  const boundary = `tsipfs-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`
  const heads = ranges.map(r => Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`))
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const length = heads.reduce((n, h, i) => n + h.byteLength + (ranges[i] as { start: number, end: number }).end - (ranges[i] as { start: number, end: number }).start + 1, tail.byteLength)
  res.setHeader('Content-Type', `multipart/byteranges; boundary=${boundary}`)
  res.setHeader('Content-Length', length)
  await sendStream(ctx, 206, (async function * () {
    for (const [i, r] of ranges.entries()) {
      yield heads[i] as Buffer
      yield * read(r.start, r.end - r.start + 1)
    }
    yield tail
  })())
}
