/**
 * The node's routing: the DHTs of the RoutingPlan and the delegated HTTP routers, composed into the one
 * @helia/interface Routing that Bitswap, IPNS and the routing commands use.
 *
 * The delegated HTTP client plugs in through `httpRouter` (one Routing per endpoint of Routing.DelegatedRouters
 * or of a custom router of Type "http").
 */
import type { Routing } from '@helia/interface'
import type { PeerStore } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { ipnsSelector } from 'ipns/selector'
import { composeRouting } from './compose.ts'
import { kadRouting } from './dht.ts'
import type { RoutingPlan, RouterSpec, RoutingMethod } from './plan.ts'
import { sequentialRouting, withTimeout, methodRouting } from './custom.ts'

export { composeRouting } from './compose.ts'

export interface RoutingParts {
  plan: RoutingPlan
  /** The DHT services by service name */
  dhts: Map<string, KadDHT>
  peerStore: PeerStore
  /** A delegated routing V1 HTTP client for one endpoint (absent until that client is built) */
  httpRouter?: (endpoint: string) => Routing
}

const IPNS_PREFIX = new TextEncoder().encode('/ipns/')

/** The better of two IPNS records (a positive number if `a`), the order composeRouting asks for */
function selectRecord (key: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  const isIpns = IPNS_PREFIX.every((c, i) => key[i] === c)
  if (!isIpns) return 0
  return ipnsSelector(key, [b, a]) === 1 ? 1 : -1
}

function dhtRouting (parts: RoutingParts, service: string): Routing {
  const dht = parts.dhts.get(service)
  if (dht === undefined) throw new Error(`DHT service ${service} is not running`)
  return kadRouting(dht, parts.peerStore, service)
}

/** Every router of the plan, composed */
export function buildRouting (parts: RoutingParts): Routing {
  const { plan } = parts
  if (plan.custom !== undefined) return customRouting(parts)
  const routers: Routing[] = plan.dhts.map(d => dhtRouting(parts, d.service))
  if (parts.httpRouter !== undefined) routers.push(...plan.http.map(parts.httpRouter))
  return composeRouting(routers, { select: selectRecord })
}

function customRouting (parts: RoutingParts): Routing {
  const custom = parts.plan.custom as NonNullable<RoutingPlan['custom']>
  const built = new Map<string, Routing>()
  const build = (name: string, depth = 0): Routing => {
    const have = built.get(name)
    if (have !== undefined) return have
    if (depth > 16) throw new Error(`Routing.Routers: ${name} refers to itself`)
    const spec = custom.routers.get(name) as RouterSpec
    let r: Routing
    if (spec.type === 'dht') {
      r = dhtRouting(parts, spec.dht.service)
    } else if (spec.type === 'http') {
      // without the HTTP client the router answers nothing rather than failing the whole node
      r = parts.httpRouter?.(spec.endpoint) ?? composeRouting([])
    } else {
      const children = spec.routers.map(c => withTimeout(build(c.name, depth + 1), c))
      r = spec.type === 'parallel' ? composeRouting(children, { select: selectRecord }) : sequentialRouting(children)
    }
    built.set(name, r)
    return r
  }
  const byMethod = {} as Record<RoutingMethod, Routing>
  for (const [m, name] of Object.entries(custom.methods)) byMethod[m as RoutingMethod] = build(name)
  return methodRouting(byMethod)
}
