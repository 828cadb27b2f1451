/**
 * The `_redirects` file (web-redirects-file spec): `from to [status]` rules, with `:name` placeholders and a
 * trailing `*` splat, evaluated in order only for paths that do not exist, only on subdomain and DNSLink
 * hosts. A file that cannot be read or parsed is a 500 with the reason.
 */
import type { Resolved } from './backend.ts'
import { type GatewayContext, HttpError, redirect, statusOf } from './http.ts'

export const MAX_REDIRECTS_SIZE = 64 * 1024
const STATUSES = new Set([200, 301, 302, 303, 307, 308, 404, 410, 451])

export interface Rule { from: string, to: string, status: number }

export class RedirectsError extends Error {}

export function parseRedirects (text: string): Rule[] {
  const rules: Rule[] = []
  const lines = text.split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    if (fields.length < 2 || fields.length > 3) throw new RedirectsError(`_redirects line ${i + 1}: expected "from to [status]", got ${JSON.stringify(line)}`)
    const [from, to, code] = fields as [string, string, string | undefined]
    if (!from.startsWith('/')) throw new RedirectsError(`_redirects line ${i + 1}: "from" must start with /`)
    if (!to.startsWith('/') && !/^https?:\/\//.test(to)) throw new RedirectsError(`_redirects line ${i + 1}: "to" must be a path or an http(s) URL`)
    let status = 301
    if (code !== undefined) {
      // the messages keep Kubo's words, which the conformance suite looks for
      if (code.endsWith('!')) throw new RedirectsError(`_redirects line ${i + 1}: forced redirects (or "shadowing") are not supported`)
      if (!/^\d{3}$/.test(code)) throw new RedirectsError(`_redirects line ${i + 1}: invalid status code ${JSON.stringify(code)}`)
      status = Number(code)
      if (!STATUSES.has(status)) throw new RedirectsError(`_redirects line ${i + 1}: status code ${status} is not supported`)
    }
    rules.push({ from, to, status })
  }
  return rules
}

/** The first rule matching `path`, with its placeholders filled in */
export function matchRedirect (rules: Rule[], path: string): { to: string, status: number } | undefined {
  const segments = path.split('/').filter(Boolean)
  for (const rule of rules) {
    const pattern = rule.from.split('/').filter(Boolean)
    const values: Record<string, string> = {}
    let ok = true
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i] as string
      if (p === '*' && i === pattern.length - 1) {
        values.splat = segments.slice(i).join('/')
        break
      }
      const s = segments[i]
      if (s === undefined) {
        ok = false
        break
      }
      if (p.startsWith(':')) values[p.slice(1)] = s
      else if (p !== s) {
        ok = false
        break
      }
      if (i === pattern.length - 1 && segments.length !== pattern.length) ok = false
    }
    if (pattern.length === 0 && segments.length !== 0) ok = false
    if (!ok) continue
    const to = rule.to.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (m, name: string) => values[name] ?? m)
    return { to, status: rule.status }
  }
  return undefined
}

/**
 * Evaluate the site's `_redirects` for a path that does not exist: 'sent' when a redirect went out, the
 * content to serve (a 200 rewrite, or a 404/410/451 page with ctx.status set), or undefined for no rule.
 */
export async function applyRedirects (ctx: GatewayContext, ipfsRoot: string): Promise<Resolved | 'sent' | undefined> {
  let file: Resolved
  try {
    file = await ctx.backend.resolve(`${ipfsRoot}/_redirects`, { signal: ctx.signal })
  } catch (err) {
    if (statusOf(err) === 404) return undefined
    throw err
  }
  const e = file.entry
  if (e.type !== 'file' && e.type !== 'raw') throw new HttpError(500, '_redirects is not a file')
  const size = e.type === 'file' ? Number(e.unixfs.fileSize()) : Number(e.size)
  if (size > MAX_REDIRECTS_SIZE) throw new HttpError(500, `could not parse _redirects: redirects file size cannot exceed ${MAX_REDIRECTS_SIZE} bytes (it is ${size})`)
  const chunks: Uint8Array[] = []
  for await (const c of ctx.backend.read(e, { signal: ctx.signal })) chunks.push(c)
  let rules
  try {
    rules = parseRedirects(Buffer.concat(chunks).toString('utf8'))
  } catch (err) {
    throw new HttpError(500, `could not parse _redirects: ${(err as Error).message}`)
  }
  const match = matchRedirect(rules, ctx.contentPath.slice((ctx.origin as string).length))
  if (match === undefined) return undefined
  if (match.status >= 300 && match.status < 400) {
    // the request's query string goes along unless the rule's target has one of its own (as Kubo does)
    redirect(ctx.res, match.status, match.to.includes('?') ? match.to : `${match.to}${ctx.url.search}`)
    return 'sent'
  }
  if (/^https?:/.test(match.to)) throw new HttpError(500, `_redirects: a ${match.status} rule cannot point at another site (${match.to})`)
  const [toPath] = match.to.split('?') as [string]
  const target = await ctx.backend.resolve(`${ipfsRoot}${toPath}`, { signal: ctx.signal })
  if (match.status !== 200) ctx.status = match.status
  // a rewrite is served as if it were the requested path, but named after what it serves
  ctx.contentPath = `${ctx.origin as string}${toPath}`
  return target
}
