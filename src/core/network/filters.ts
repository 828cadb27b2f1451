/**
 * Swarm.AddrFilters: multiaddr netmasks (`/ip4/10.0.0.0/ipcidr/8`, `/ip6/fd00::/ipcidr/8`) this node never
 * dials and never accepts connections from, as in Kubo. The list can change while the daemon runs
 * (`swarm filters add|rm`); the libp2p connection gater reads it on every dial and every inbound
 * connection. Matching uses Node's net.BlockList.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import type { ConnectionGater, MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError } from '../errors.ts'

interface Mask { text: string, ip: string, bits: number, family: 'ipv4' | 'ipv6' }

/** Parse one filter; Kubo's error text for a malformed one */
export function parseFilter (text: string): Mask {
  const m = /^\/(ip4|ip6)\/([^/]+)\/ipcidr\/(\d+)$/.exec(text.trim())
  const family = m?.[1] === 'ip4' ? 'ipv4' : 'ipv6'
  const ip = m?.[2] ?? ''
  const bits = Number(m?.[3])
  const ok = m !== null && (family === 'ipv4' ? isIPv4(ip) && bits <= 32 : isIPv6(ip) && bits <= 128)
  if (!ok) throw new InvalidArgumentError(`invalid multiaddr-filter format: ${text}`)
  // the canonical form, as multiaddr writes it
  return { text: multiaddr(text.trim()).toString(), ip, bits, family }
}

/** The first IP address in a multiaddr (for a relayed address, the relay's), if any */
function ipOf (ma: Multiaddr): { ip: string, family: 'ipv4' | 'ipv6' } | undefined {
  for (const c of ma.getComponents()) {
    if (c.name === 'ip4' && c.value !== undefined) return { ip: c.value, family: 'ipv4' }
    if (c.name === 'ip6' && c.value !== undefined) return { ip: c.value.replace(/%.*$/, ''), family: 'ipv6' }
  }
  return undefined
}

export class AddrFilters {
  #masks: Mask[] = []
  #list = new BlockList()

  constructor (filters: unknown) {
    const list = Array.isArray(filters) ? filters.filter((f): f is string => typeof f === 'string' && f !== '') : []
    this.#set(list.map(parseFilter))
  }

  #set (masks: Mask[]): void {
    const list = new BlockList()
    for (const m of masks) list.addSubnet(m.ip, m.bits, m.family)
    this.#masks = masks
    this.#list = list
  }

  list (): string[] {
    return this.#masks.map(m => m.text)
  }

  /** Add filters; the ones that were new */
  add (texts: string[]): string[] {
    const masks = texts.map(parseFilter)
    const added = masks.filter((m, i) => !this.#masks.some(o => o.text === m.text) && masks.findIndex(o => o.text === m.text) === i)
    this.#set([...this.#masks, ...added])
    return added.map(m => m.text)
  }

  /** Remove filters (`all` removes every one); the ones removed */
  remove (texts: string[]): string[] {
    if (texts.includes('all')) {
      const all = this.list()
      this.#set([])
      return all
    }
    const gone = new Set(texts.map(t => parseFilter(t).text))
    const removed = this.#masks.filter(m => gone.has(m.text)).map(m => m.text)
    this.#set(this.#masks.filter(m => !gone.has(m.text)))
    return removed
  }

  blocked (ma: Multiaddr): boolean {
    if (this.#masks.length === 0) return false
    const ip = ipOf(ma)
    return ip !== undefined && this.#list.check(ip.ip, ip.family)
  }

  gater (): ConnectionGater {
    return {
      denyDialMultiaddr: (ma: Multiaddr) => this.blocked(ma),
      denyInboundConnection: (maConn: MultiaddrConnection) => this.blocked(maConn.remoteAddr)
    }
  }
}
