/**
 * Whole responses kept for hot immutable content: once a request for an /ipfs/ path has been answered 200
 * from memory (a small file's bytes, a rendered listing), its status, headers and body are kept, keyed by
 * the request's shape (Host, URL, Accept), and the same request is answered again by one writeHead and one
 * end, with no routing, path resolution or header building. Only plain requests are answered this way: a
 * request with Range, If-None-Match, `Cache-Control: only-if-cached` or X-Forwarded-* headers takes the
 * full path, as does everything under /ipns/ (mutable) and every error. Measured in bench/gateway: the
 * full path cost ~40 µs of CPU per 1 KiB response, a bare node:http server sending the same headers ~15.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LruCache } from './cache.ts'

/** Bytes of responses kept (bodies are shared with the backend's file and listing caches) */
const HOT_BYTES = 32 * 1024 * 1024
/** Bodies larger than this are streamed every time */
const HOT_BODY = 1024 * 1024

interface HotResponse {
  /** Header names and values, flat, as writeHead takes them */
  headers: string[]
  body: Uint8Array
}

export interface HotResponses {
  /** Answer a request from a kept response; false when there is none or the request is not plain */
  serve(req: IncomingMessage, res: ServerResponse): boolean
  /** The key a request's response would be kept under, undefined when the request is not plain */
  key(req: IncomingMessage): string | undefined
  /** Keep a 200 response just ended with `body` (the headers are read from `res`) */
  keep(key: string, res: ServerResponse, body: Uint8Array): void
}

export function createHotResponses (): HotResponses {
  const kept = new LruCache<HotResponse>(HOT_BYTES)

  function key (req: IncomingMessage): string | undefined {
    const h = req.headers
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined
    if (h.range !== undefined || h['if-none-match'] !== undefined || h['x-forwarded-host'] !== undefined || h['x-forwarded-proto'] !== undefined) return undefined
    if (h['cache-control']?.includes('only-if-cached') === true) return undefined
    return `${h.host ?? ''} ${req.url ?? ''} ${h.accept ?? ''}`
  }

  return {
    key,
    serve (req, res) {
      const k = key(req)
      if (k === undefined) return false
      const hit = kept.get(k)
      if (hit === undefined) return false
      res.writeHead(200, hit.headers)
      res.end(req.method === 'HEAD' ? undefined : hit.body)
      return true
    },
    keep (k, res, body) {
      if (res.statusCode !== 200 || body.byteLength > HOT_BODY) return
      const headers: string[] = []
      let size = body.byteLength
      // the names as they were set (Node has getRawHeaderNames on every OutgoingMessage; its types only on ClientRequest)
      for (const name of (res as unknown as { getRawHeaderNames: () => string[] }).getRawHeaderNames()) {
        const value = res.getHeader(name)
        if (value === undefined) continue
        for (const v of Array.isArray(value) ? value : [String(value)]) {
          headers.push(name, v)
          size += name.length + v.length
        }
      }
      kept.set(k, { headers, body }, size)
    }
  }
}
