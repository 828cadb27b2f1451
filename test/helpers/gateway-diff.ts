/**
 * Sends one corpus request to a gateway and compares two gateways' answers: the status, the headers that
 * the gateway specs define, and the body (CARs by their roots and blocks; listings and error pages, whose
 * wording is free, are not compared).
 */
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import tar from 'tar-stream'
import { CarReader } from '@ipld/car'
import type { Probe } from './gateway-corpus.ts'

export interface Answer {
  status: number
  headers: Record<string, string>
  body: Buffer
}

/**
 * The request as the probe says (Host header included), redirects not followed; the gateway's host and port
 * read HOST and PORT in the headers. A connection that fails or is cut is status 0 with the error as body.
 */
export async function send (base: string, probe: Probe): Promise<Answer> {
  const u = new URL(base)
  const port = (headers: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace(':PORT', `:${u.port}`)]))
  const answer = await new Promise<Answer>((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: probe.method, path: probe.path, agent: false, headers: { ...port(probe.headers), Host: probe.host?.replace(':PORT', `:${u.port}`) ?? u.host } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) })
      })
      res.on('error', reject)
    })
    req.setTimeout(60_000, () => req.destroy(new Error(`no answer to ${probe.id} in 60 s`)))
    req.on('error', reject)
    req.end()
  }).catch((err: Error): Answer => ({ status: 0, headers: {}, body: Buffer.from(err.message) }))
  for (const [k, v] of Object.entries(answer.headers)) answer.headers[k] = v.replaceAll(u.host, 'HOST').replaceAll(`:${u.port}`, ':PORT')
  return answer
}

/** Headers whose values the specs define, compared when either side sends them */
const HEADERS = ['content-type', 'location', 'cache-control', 'content-disposition', 'content-range', 'content-length',
  'x-ipfs-path', 'x-ipfs-roots', 'x-content-type-options', 'etag']

/** A header value in a comparable form: list items and media-type parameters in a fixed order */
function normal (name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  // a listing's Etag carries a digest of the implementation's own HTML template
  if (name === 'etag') return value.replace(/^"DirIndex-[^_]*_CID-/, '"DirIndex-*_CID-')
  if (name === 'content-type') {
    const [type, ...params] = value.split(';').map(s => s.trim().toLowerCase())
    return [type, ...params.sort()].join('; ')
  }
  // a max-age counted down to a record's end of validity differs by the seconds between the two requests
  if (name === 'cache-control') return value.split(',').map(s => s.trim().replace(/^max-age=(\d{7,})$/, (_, n: string) => `max-age=~${Math.round(Number(n) / 600)}`)).sort().join(', ')
  return value
}

async function carSummary (body: Buffer): Promise<string> {
  try {
    const reader = await CarReader.fromBytes(body)
    const cids: string[] = []
    for await (const b of reader.blocks()) cids.push(b.cid.toString())
    return `roots ${(await reader.getRoots()).join(',')} blocks ${cids.join(',')}`
  } catch (err) {
    return `not a CAR: ${(err as Error).message}`
  }
}

/** A TAR's entries (name, type, mode, bytes), without the times: Kubo stamps entries with the time of the request */
async function tarSummary (body: Buffer): Promise<string> {
  const lines: string[] = []
  const extract = tar.extract()
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', (c: unknown) => chunks.push(c as Buffer))
      stream.on('end', () => {
        lines.push(`${header.name} ${header.type ?? ''} ${(header.mode ?? 0).toString(8)} ${header.linkname ?? ''} ${createHash('sha256').update(Buffer.concat(chunks)).digest('hex')}`)
        next()
      })
    })
    extract.on('finish', resolve)
    extract.on('error', reject)
  })
  extract.end(body)
  try {
    await done
  } catch (err) {
    return `not a TAR: ${(err as Error).message}`
  }
  return lines.join('\n')
}

/** The fields in which two answers to the same probe differ: 'status', a header name, or 'body' */
export async function differences (probe: Probe, a: Answer, b: Answer): Promise<string[]> {
  const out: string[] = []
  if (a.status !== b.status) out.push('status')
  // an error's headers and page are the implementation's own; a redirect is its status and Location
  if (a.status >= 400 && b.status >= 400) return out
  const redirect = a.status >= 300 && a.status < 400 && a.status !== 304
  for (const h of redirect ? ['location'] : HEADERS) {
    const x = normal(h, a.headers[h])
    const y = normal(h, b.headers[h])
    // a weak Etag is an implementation's own digest of the response parameters: only strong ones must agree;
    // Content-Length is compared when both sides send one (a chunked response has none)
    if (h === 'etag' && (x?.startsWith('W/') === true || y?.startsWith('W/') === true) && x !== undefined && y !== undefined) continue
    if (h === 'content-length' && (x === undefined || y === undefined || (a.headers['content-type'] ?? '').startsWith('text/html'))) continue
    if (x !== y) out.push(h)
  }
  const type = a.headers['content-type'] ?? ''
  if (probe.method === 'GET' && a.status === 200 && b.status === 200 && !type.startsWith('text/html')) {
    if (type.startsWith('application/vnd.ipld.car')) {
      if (await carSummary(a.body) !== await carSummary(b.body)) out.push('body')
    } else if (type.startsWith('application/x-tar')) {
      if (await tarSummary(a.body) !== await tarSummary(b.body)) out.push('body')
    } else if (!a.body.equals(b.body)) {
      out.push('body')
    }
  }
  return out
}

/** One line per field that differs, for a failure message */
export function describe (fields: string[], a: Answer, b: Answer): string {
  return fields.map(f => f === 'status'
    ? `status ${a.status} vs ${b.status}`
    : f === 'body'
      ? `body ${a.body.byteLength} vs ${b.body.byteLength} bytes`
      : `${f}: ${JSON.stringify(a.headers[f])} vs ${JSON.stringify(b.headers[f])}`).join('; ')
}
