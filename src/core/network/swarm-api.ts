/**
 * The swarm's typed API beyond connections: peering (`swarm peering add|ls|rm`), address filters
 * (`swarm filters [add|rm]`, saved to Swarm.AddrFilters as Kubo does) and bandwidth per peer
 * (`stats bw --peer`). Spread into the network API (index.ts).
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Repo } from '../repo/repo.ts'
import type { Config } from '../repo/config.ts'
import { InvalidArgumentError, InvalidConfigError } from '../errors.ts'
import type { Built } from './libp2p.ts'
import type { Peering } from './peering.ts'
import type { NodeMetrics } from './metrics.ts'

/** Peering.Peers from the config: [{ ID, Addrs }] */
export async function peeringFromConfig (config: Config): Promise<Array<{ id: PeerId, addrs: Multiaddr[] }>> {
  const raw = (config.Peering as { Peers?: unknown } | undefined)?.Peers
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw new InvalidConfigError('Peering.Peers must be a list of { "ID": …, "Addrs": […] }')
  const { peerIdFromString } = await import('@libp2p/peer-id')
  const { readMultiaddr } = await import('./addr.ts')
  return raw.map((entry: unknown, i) => {
    const e = (entry ?? {}) as { ID?: unknown, Addrs?: unknown }
    try {
      const id = peerIdFromString(String(e.ID))
      const addrs = (Array.isArray(e.Addrs) ? e.Addrs : []).map(a => readMultiaddr(String(a)))
      return { id, addrs }
    } catch (err) {
      throw new InvalidConfigError(`Peering.Peers[${i}]: ${(err as Error).message}`)
    }
  })
}

interface Deps {
  repo: Repo
  online: () => Built & { peering: Peering, metrics: NodeMetrics }
  parsePeer: (text: string) => Promise<PeerId>
  parseAddr: (text: string) => Promise<Multiaddr>
}

export function createSwarmExtrasApi ({ repo, online, parsePeer, parseAddr }: Deps) {
  return {
    /** Add peers to keep connected; each address must end in /p2p/<id> */
    async peeringAdd (addrs: string[]): Promise<Array<{ ID: string, Status: string }>> {
      const { peering } = online()
      const out = []
      for (const text of addrs) {
        const ma = await parseAddr(text)
        const p2p = ma.getComponents().findLast(c => c.name === 'p2p')?.value
        if (p2p === undefined) throw new InvalidArgumentError('invalid p2p multiaddr')
        const id = await parsePeer(p2p)
        const transport = ma.decapsulateCode(421)
        await peering.add(id, transport.getComponents().length > 0 ? [transport] : [])
        out.push({ ID: id.toString(), Status: 'success' })
      }
      return out
    },

    peeringList (): Array<{ ID: string, Addrs: string[] }> {
      return online().peering.list()
    },

    async peeringRemove (ids: string[]): Promise<Array<{ ID: string, Status: string }>> {
      const { peering } = online()
      const out = []
      for (const text of ids) {
        const id = await parsePeer(text)
        await peering.remove(id)
        out.push({ ID: id.toString(), Status: 'success' })
      }
      return out
    },

    filtersList (): string[] {
      return online().swarm.filters.list()
    },

    /** Add address filters (applied at once, and saved to Swarm.AddrFilters); the ones added */
    async filtersAdd (filters: string[]): Promise<string[]> {
      const { swarm } = online()
      const added = swarm.filters.add(filters)
      await saveFilters(swarm.filters.list())
      return added
    },

    async filtersRemove (filters: string[]): Promise<string[]> {
      const { swarm } = online()
      const removed = swarm.filters.remove(filters)
      await saveFilters(swarm.filters.list())
      return removed
    },

    /** Bytes in and out of one peer's connections since the daemon started (all its connections, relayed ones too) */
    async bandwidthPeer (peer: string): Promise<{ TotalIn: number, TotalOut: number, RateIn: number, RateOut: number }> {
      const { metrics } = online()
      const id = await parsePeer(peer)
      const b = metrics.peerTotals(id.toString())
      return { TotalIn: b.in, TotalOut: b.out, RateIn: b.rateIn, RateOut: b.rateOut }
    }
  }

  async function saveFilters (list: string[]): Promise<void> {
    // after any config change under way, so that the one it saves is kept
    await repo.changeConfig(async () => {
      const next = structuredClone(repo.config)
      const swarm = (next.Swarm !== null && typeof next.Swarm === 'object' ? next.Swarm : {}) as Record<string, unknown>
      swarm.AddrFilters = list
      next.Swarm = swarm
      await repo.saveConfig(next)
    })
  }
}
