/**
 * Who may call the RPC API, as Kubo decides it: requests from a browser (an Origin or Referer header) only
 * from origins listed in API.HTTPHeaders.Access-Control-Allow-Origin or from the API's own address; and,
 * when API.Authorizations is set, only with a matching Basic or Bearer secret, on the paths it allows.
 */
import type { IncomingMessage } from 'node:http'
import type { Config } from '../core/repo/config.ts'

function allowedOrigins (config: Config): string[] {
  const api = config.API as { HTTPHeaders?: Record<string, string[]> } | undefined
  return api?.HTTPHeaders?.['Access-Control-Allow-Origin'] ?? []
}

function originOf (value: string): string | undefined {
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}

/** The request's own origin (http://<Host header>): a page served by the API itself may call it */
function sameOrigin (req: IncomingMessage, origin: string): boolean {
  const host = req.headers.host
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)
}

function originAllowed (req: IncomingMessage, origin: string, config: Config): boolean {
  const allowed = allowedOrigins(config)
  return allowed.includes('*') || allowed.includes(origin) || sameOrigin(req, origin)
}

export function corsHeaders (req: IncomingMessage, config: Config): Record<string, string> {
  const origin = req.headers.origin
  if (origin === undefined || !originAllowed(req, origin, config)) return {}
  return { 'Access-Control-Allow-Origin': origin }
}

interface Authorization { AuthSecret?: string, AllowedPaths?: string[] }

export function checkAccess (req: IncomingMessage, path: string, config: Config): { ok: boolean, reason?: string } {
  const origin = req.headers.origin
  if (origin !== undefined && origin !== 'null' && !originAllowed(req, origin, config)) {
    return { ok: false, reason: 'origin not allowed' }
  }
  if (origin === undefined && req.headers.referer !== undefined) {
    const ref = originOf(req.headers.referer)
    if (ref === undefined || !originAllowed(req, ref, config)) return { ok: false, reason: 'referer not allowed' }
  }
  const auths = Object.values(((config.API as { Authorizations?: Record<string, Authorization> } | undefined)?.Authorizations) ?? {})
  if (auths.length > 0) {
    const header = req.headers.authorization ?? ''
    const match = auths.find(a => {
      const secret = a.AuthSecret ?? ''
      if (secret.startsWith('basic:')) return header === 'Basic ' + Buffer.from(secret.slice(6)).toString('base64')
      if (secret.startsWith('bearer:')) return header === 'Bearer ' + secret.slice(7)
      return header === 'Bearer ' + secret
    })
    if (match === undefined) return { ok: false, reason: 'unauthorized' }
    const paths = match.AllowedPaths ?? []
    if (!paths.some(p => path === p || path.startsWith(p.endsWith('/') ? p : p + '/'))) return { ok: false, reason: 'path not allowed' }
  }
  return { ok: true }
}
