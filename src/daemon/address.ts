/**
 * The API address the daemon listens on and the CLI sends commands to: a module of its own, so that the CLI
 * reads it without loading the daemon's modules.
 */
import { InvalidConfigError } from '../core/errors.ts'

/** host and port of a /ip4|ip6|dns…/…/tcp/<port> multiaddr; `what` names it in an error (API, Gateway) */
export function tcpAddress (ma: string, what = 'API'): { host: string, port: number, family: 'ip4' | 'ip6' | 'dns' } {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)(\/http)?\/?$/.exec(ma)
  if (m === null) throw new InvalidConfigError(`unsupported ${what} address ${JSON.stringify(ma)}: use /ip4/<addr>/tcp/<port>`)
  const port = Number(m[3])
  if (port > 65535) throw new InvalidConfigError(`invalid port in ${ma}`)
  return { host: m[2] as string, port, family: m[1] === 'ip4' ? 'ip4' : m[1] === 'ip6' ? 'ip6' : 'dns' }
}
