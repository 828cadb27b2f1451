/**
 * Which routers a node runs, read from the config as Kubo reads it (docs/config.md, Routing):
 *
 * | Routing.Type | Amino DHT (/ipfs/kad/1.0.0) | LAN DHT (/ipfs/lan/kad/1.0.0) | delegated HTTP routers |
 * |---|---|---|---|
 * | auto (default) | auto: client until a public address is seen | server | Routing.DelegatedRouters |
 * | autoclient | client | client | Routing.DelegatedRouters |
 * | dht | auto | server | — |
 * | dhtclient | client | client | — |
 * | dhtserver | server | server | — |
 * | delegated | — | — | Routing.DelegatedRouters |
 * | none | — | — | — |
 * | custom | Routing.Routers of Type "dht" | (PublicIPNetwork: false) | Type "http" |
 *
 * `custom` also names, in Routing.Methods, which router answers each method (find-providers, find-peers,
 * get-ipns, put-ipns, provide); routers of Type "parallel" and "sequential" combine others.
 */
import type { Config } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'

export type DhtMode = 'auto' | 'client' | 'server'

export interface DhtSpec {
  /** libp2p service name */
  service: string
  protocol: string
  lan: boolean
  mode: DhtMode
}

export type RouterSpec =
  | { type: 'dht', dht: DhtSpec }
  | { type: 'http', endpoint: string }
  | { type: 'parallel' | 'sequential', routers: Array<{ name: string, timeoutMs: number, ignoreErrors: boolean, executeAfterMs: number }> }

export const ROUTING_METHODS = ['find-providers', 'find-peers', 'get-ipns', 'put-ipns', 'provide'] as const
export type RoutingMethod = typeof ROUTING_METHODS[number]

export interface RoutingPlan {
  type: string
  dhts: DhtSpec[]
  /** Delegated routing V1 HTTP endpoints to use beside (or instead of) the DHTs */
  http: string[]
  /** LAN DHT peers may be found on loopback addresses (Routing.LoopbackAddressesOnLanDHT) */
  loopbackOnLan: boolean
  /** Routing.Type custom: named routers and the router answering each method */
  custom?: { routers: Map<string, RouterSpec>, methods: Record<RoutingMethod, string> }
}

/** Kubo's default delegated router for Routing.Type auto/autoclient (Routing.DelegatedRouters unset) */
export const DEFAULT_DELEGATED_ROUTERS = ['https://cid.contact']

export const AMINO_PROTOCOL = '/ipfs/kad/1.0.0'
export const LAN_PROTOCOL = '/ipfs/lan/kad/1.0.0'

const TYPES = ['auto', 'autoclient', 'dht', 'dhtclient', 'dhtserver', 'delegated', 'none', 'custom']

function duration (value: unknown, where: string): number {
  if (value === undefined || value === null || value === '') return 0
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(String(value))
  if (m === null) throw new InvalidConfigError(`${where}: invalid duration ${JSON.stringify(value)}`)
  return Number(m[1]) * ({ ms: 1, s: 1e3, m: 6e4, h: 3.6e6 } as Record<string, number>)[m[2] as string]!
}

function parseCustom (routing: Record<string, unknown>): NonNullable<RoutingPlan['custom']> {
  const routers = new Map<string, RouterSpec>()
  const raw = (routing.Routers ?? {}) as Record<string, { Type?: string, Parameters?: Record<string, unknown> }>
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidConfigError('Routing.Routers must be an object')
  for (const [name, r] of Object.entries(raw)) {
    const p = r?.Parameters ?? {}
    const where = `Routing.Routers.${name}`
    switch (r?.Type) {
      case 'dht': {
        const mode = String(p.Mode ?? 'auto').toLowerCase()
        if (!['auto', 'client', 'server'].includes(mode)) throw new InvalidConfigError(`${where}.Parameters.Mode must be auto, client or server`)
        const lan = p.PublicIPNetwork === false
        routers.set(name, { type: 'dht', dht: { service: `dht_${name}`, protocol: lan ? LAN_PROTOCOL : AMINO_PROTOCOL, lan, mode: mode as DhtMode } })
        break
      }
      case 'http':
        if (typeof p.Endpoint !== 'string' || p.Endpoint === '') throw new InvalidConfigError(`${where}.Parameters.Endpoint is required`)
        routers.set(name, { type: 'http', endpoint: p.Endpoint })
        break
      case 'parallel':
      case 'sequential': {
        const list = (p.Routers ?? []) as Array<Record<string, unknown>>
        if (!Array.isArray(list)) throw new InvalidConfigError(`${where}.Parameters.Routers must be a list`)
        routers.set(name, {
          type: r.Type,
          routers: list.map((c, i) => ({
            name: String(c.RouterName ?? ''),
            timeoutMs: duration(c.Timeout, `${where}.Parameters.Routers[${i}].Timeout`),
            ignoreErrors: c.IgnoreErrors === true,
            executeAfterMs: duration(c.ExecuteAfter, `${where}.Parameters.Routers[${i}].ExecuteAfter`)
          }))
        })
        break
      }
      default:
        throw new InvalidConfigError(`${where}.Type must be dht, http, parallel or sequential (got ${JSON.stringify(r?.Type)})`)
    }
  }
  for (const [name, spec] of routers) {
    if (spec.type !== 'parallel' && spec.type !== 'sequential') continue
    for (const child of spec.routers) {
      if (!routers.has(child.name)) throw new InvalidConfigError(`Routing.Routers.${name}: unknown router ${JSON.stringify(child.name)}`)
    }
  }
  const rawMethods = (routing.Methods ?? {}) as Record<string, { RouterName?: string }>
  const methods = {} as Record<RoutingMethod, string>
  for (const m of ROUTING_METHODS) {
    const name = rawMethods[m]?.RouterName
    if (typeof name !== 'string' || name === '') throw new InvalidConfigError(`Routing.Methods: method name "${m}" is missing from config`)
    if (!routers.has(name)) throw new InvalidConfigError(`Routing.Methods.${m}: unknown router ${JSON.stringify(name)}`)
    methods[m] = name
  }
  return { routers, methods }
}

export function routingPlan (config: Config): RoutingPlan {
  const routing = (config.Routing ?? {}) as Record<string, unknown>
  const type = typeof routing.Type === 'string' && routing.Type !== '' ? routing.Type : 'auto'
  if (!TYPES.includes(type)) throw new InvalidConfigError(`Routing.Type: unknown routing type ${JSON.stringify(type)} (use one of ${TYPES.join(', ')})`)
  const delegated = Array.isArray(routing.DelegatedRouters) ? routing.DelegatedRouters.filter((u): u is string => typeof u === 'string' && u !== '') : DEFAULT_DELEGATED_ROUTERS
  const loopbackOnLan = routing.LoopbackAddressesOnLanDHT === true
  const amino = (mode: DhtMode): DhtSpec => ({ service: 'aminoDHT', protocol: AMINO_PROTOCOL, lan: false, mode })
  const lan = (mode: DhtMode): DhtSpec => ({ service: 'lanDHT', protocol: LAN_PROTOCOL, lan: true, mode })
  const plan: RoutingPlan = { type, dhts: [], http: [], loopbackOnLan }
  switch (type) {
    case 'auto': plan.dhts = [amino('auto'), lan('server')]; plan.http = delegated; break
    case 'autoclient': plan.dhts = [amino('client'), lan('client')]; plan.http = delegated; break
    case 'dht': plan.dhts = [amino('auto'), lan('server')]; break
    case 'dhtclient': plan.dhts = [amino('client'), lan('client')]; break
    case 'dhtserver': plan.dhts = [amino('server'), lan('server')]; break
    case 'delegated': plan.http = delegated; break
    case 'none': break
    case 'custom': {
      plan.custom = parseCustom(routing)
      for (const spec of plan.custom.routers.values()) {
        if (spec.type === 'dht') plan.dhts.push(spec.dht)
      }
      break
    }
  }
  return plan
}
