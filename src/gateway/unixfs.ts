/** Deserialized UnixFS responses (path-gateway spec): files with ranges, symlinks, directories. */
import type { UnixFSEntry } from 'ipfs-unixfs-exporter'
import type { Resolved } from './backend.ts'
import { type GatewayContext, lazySignal, redirect, contentDisposition, sendRanged, sendStream, setCaching, setRoots, HttpError } from './http.ts'
import { typeByName, sniff } from './mime.ts'
import { renderListing, type ListingRow } from './listing.ts'
import { LruCache } from './cache.ts'
import type { CID } from 'multiformats/cid'

/** Per file CID: the type sniffed from its first bytes */
const sniffed = new LruCache<string>(10_000)
/** Per directory CID: its index.html, if it has one */
const directories = new LruCache<{ index?: CID }>(10_000)
/** Rendered listings (by directory CID, path and host kind), 16 MiB of HTML at most */
const listings = new LruCache<Buffer>(16 * 1024 * 1024)

/** Bumped when the listing's HTML changes, so cached listings are not reused (part of the weak Etag) */
const LISTING_VERSION = 'tsipfs-2'

/** Cache-Control of a generated directory listing under /ipfs/ */
const STALE = 2678400
const LISTING_CACHE = `public, max-age=604800, stale-while-revalidate=${STALE}`

/** A listing's Etag: strong (a listing is the same bytes for the same version and directory), as Kubo's */
export function listingEtag (cid: { toString: () => string }): string {
  return `"DirIndex-${LISTING_VERSION}_CID-${cid.toString()}"`
}

function mtimeOf (entry: UnixFSEntry): Date | undefined {
  if (entry.type !== 'file' && entry.type !== 'directory') return undefined
  const m = entry.unixfs.mtime
  if (m === undefined || m.secs <= 0n) return undefined
  return new Date(Number(m.secs) * 1000)
}

/** The name a response is saved under: ?filename=, else the last path segment (none for a bare CID) */
function fileName (ctx: GatewayContext): string {
  const param = ctx.url.searchParams.get('filename')
  if (param !== null && param !== '') return param
  const parts = ctx.contentPath.split('/').filter(Boolean)
  return parts.length > 2 ? parts[parts.length - 1] as string : ''
}

function setDisposition (ctx: GatewayContext): string {
  const name = fileName(ctx)
  const download = ctx.url.searchParams.get('download') === 'true'
  if (ctx.url.searchParams.has('filename') && name !== '') ctx.res.setHeader('Content-Disposition', contentDisposition(download ? 'attachment' : 'inline', name))
  else if (download && name !== '') ctx.res.setHeader('Content-Disposition', contentDisposition('attachment', name))
  return name
}

function setLastModified (ctx: GatewayContext, entry: UnixFSEntry): void {
  const mtime = mtimeOf(entry)
  if (mtime !== undefined) ctx.res.setHeader('Last-Modified', mtime.toUTCString())
}

export async function serveFile (ctx: GatewayContext, resolved: Resolved, entry: UnixFSEntry = resolved.entry, etag = `"${entry.cid.toString()}"`): Promise<void> {
  const { res } = ctx
  setRoots(ctx, resolved.roots)
  setCaching(ctx, etag)
  setLastModified(ctx, entry)
  const name = setDisposition(ctx)
  if (entry.type === 'file' && entry.unixfs.type === 'symlink') {
    const target = entry.unixfs.data ?? new Uint8Array(0)
    res.setHeader('Content-Type', 'inode/symlink')
    res.setHeader('Content-Length', target.byteLength)
    await sendStream(ctx, 200, [target] as unknown as AsyncIterable<Uint8Array>)
    return
  }
  const size = entry.type === 'file' ? Number(entry.unixfs.fileSize()) : Number(entry.size)
  let type = typeByName(name) ?? sniffed.get(entry.cid.toString())
  if (type === undefined) {
    // sniff from the first 512 bytes (as Go's http.DetectContentType, so Kubo's types), read once. A range
    // request is served even when those bytes cannot be read (a block before the range is missing): the
    // range is all the client asked for, typed application/octet-stream (path-gateway.md §Range)
    let head = new Uint8Array(0)
    try {
      for await (const chunk of ctx.backend.read(entry, { offset: 0, length: Math.min(size, 512), signal: ctx.signal })) {
        const next = new Uint8Array(head.byteLength + chunk.byteLength)
        next.set(head)
        next.set(chunk, head.byteLength)
        head = next
      }
      type = sniff(head)
      sniffed.set(entry.cid.toString(), type)
    } catch (err) {
      if (ctx.req.headers.range === undefined) throw err
      type = 'application/octet-stream'
    }
  }
  if (type.startsWith('text/html;')) type = 'text/html'
  // a hot small file without a Range: one write, no stream
  const whole = ctx.req.headers.range === undefined ? ctx.backend.cached?.(entry) : undefined
  if (whole !== undefined) {
    res.setHeader('Accept-Ranges', 'bytes')
    res.setHeader('Content-Type', type)
    res.setHeader('Content-Length', whole.byteLength)
    res.statusCode = ctx.status ?? 200
    res.end(ctx.head ? undefined : whole)
    ctx.keep?.(whole)
    return
  }
  await sendRanged(ctx, size, type, (offset, length) => ctx.backend.read(entry, { offset, length, signal: ctx.signal }))
}

export async function serveDirectory (ctx: GatewayContext, resolved: Resolved, base: string): Promise<void> {
  const { res, url } = ctx
  // directories are served at a path ending with '/': redirect there first (keeping the query)
  if (!url.pathname.endsWith('/')) {
    redirect(res, 301, `${url.pathname}/${url.search}`)
    return
  }
  const entry = resolved.entry
  const key = entry.cid.toString()
  // an index.html is served in place of a listing
  let dir = directories.get(key)
  if (dir === undefined) {
    dir = {}
    for await (const link of ctx.backend.ls(entry, { signal: ctx.signal })) {
      if (link.name === 'index.html') dir.index = link.cid
    }
    directories.set(key, dir)
  }
  if (dir.index !== undefined) {
    const index = await ctx.backend.entry(dir.index, lazySignal(ctx))
    // the page stands for the directory: its Etag and X-Ipfs-Roots are the directory's (as Kubo's)
    // the page is named index.html (ctx is this request's own: changing it here changes nothing else)
    ctx.contentPath = `${ctx.contentPath.replace(/\/$/, '')}/index.html`
    await serveFile(ctx, resolved, index, `"${entry.cid.toString()}"`)
    return
  }
  setRoots(ctx, resolved.roots)
  setCaching(ctx, listingEtag(entry.cid))
  // a generated listing is the gateway's own page, not the immutable content: cached for a week (under
  // /ipns/ for the name's TTL), then served stale while revalidated for a month (Kubo's values)
  if (ctx.contentPath.startsWith('/ipfs/')) res.setHeader('Cache-Control', LISTING_CACHE)
  else if (ctx.ttl !== undefined && ctx.ttl > 0) res.setHeader('Cache-Control', `public, max-age=${ctx.ttl}, stale-while-revalidate=${STALE}`)
  setLastModified(ctx, entry)
  const path = ctx.contentPath.endsWith('/') ? ctx.contentPath : `${ctx.contentPath}/`
  const htmlKey = `${key}\n${path}\n${base}\n${ctx.origin === undefined ? 'path' : 'origin'}`
  let body = listings.get(htmlKey)
  let complete = true
  if (body === undefined) {
    const rows: ListingRow[] = []
    for await (const link of ctx.backend.ls(entry, { signal: ctx.signal })) {
      // the child itself tells directory from file and a file's real size (a link only has the DAG's size)
      let isDir = false
      let size: bigint | undefined = link.size
      try {
        const child = await ctx.backend.entry(link.cid, { signal: ctx.signal })
        isDir = child.type === 'directory'
        size = child.type === 'file' ? child.unixfs.fileSize() : isDir ? undefined : child.size
      } catch {
        // a child not available is listed with its link's size (and the page is not kept)
        complete = false
      }
      rows.push({ name: link.name, cid: link.cid, size, dir: isDir })
    }
    body = Buffer.from(renderListing(path, entry.cid, rows, base, ctx.origin !== undefined))
    if (complete) listings.set(htmlKey, body, body.byteLength)
  }
  res.setHeader('Content-Type', 'text/html')
  res.setHeader('Content-Length', body.byteLength)
  res.statusCode = ctx.status ?? 200
  res.end(ctx.head ? undefined : body)
  if (complete) ctx.keep?.(body)
}

export async function serveUnixfs (ctx: GatewayContext, resolved: Resolved, base: string): Promise<void> {
  const e = resolved.entry
  if (e.type === 'directory') return await serveDirectory(ctx, resolved, base)
  if (e.type === 'file' || e.type === 'raw' || e.type === 'identity') return await serveFile(ctx, resolved)
  throw new HttpError(500, `cannot serve a ${e.type} node as UnixFS`)
}
