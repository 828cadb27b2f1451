/**
 * The swarm's part of the libp2p options, from the config and the repo: transports and listen addresses
 * (transports.ts), relay, AutoNAT and hole punching (relay.ts), the private network key (pnet.ts), the
 * address filters (filters.ts), the peers banned for a while (bans.ts) and the connection manager's limits (connmgr.ts). libp2p.ts spreads these
 * into createLibp2p; network/index.ts starts the parts that run beside libp2p (peering, trimming).
 */
import type { Config } from '../repo/config.ts'
import { planTransports } from './transports.ts'
import { planRelay } from './relay.ts'
import { privateNetwork } from './pnet.ts'
import { AddrFilters } from './filters.ts'
import { PeerBans } from './bans.ts'
import { connMgrSettings, maxConnections, type ConnMgrSettings } from './connmgr.ts'

export async function planSwarm (config: Config, repoPath: string) {
  const pnet = await privateNetwork(repoPath)
  const notes: string[] = []
  if (pnet !== undefined) notes.push('Swarm is limited to private network of peers with the swarm key', `Swarm key fingerprint: ${pnet.fingerprint}`)
  // QUIC encrypts on its own and cannot go through the protector: off in a private network (as in Kubo)
  const t = await planTransports(config, pnet === undefined ? {} : { noQuic: 'QUIC cannot be used in a private network (swarm.key)' })
  const relay = planRelay(config, t.relay)
  const filters = new AddrFilters((config.Swarm as Record<string, unknown> | undefined)?.AddrFilters)
  const bans = new PeerBans()
  const connMgr: ConnMgrSettings = connMgrSettings(config)
  return {
    listen: [...t.listen, ...relay.listen],
    skipped: t.skipped,
    staticRelays: relay.staticRelays,
    notes: [...notes, ...relay.notes],
    filters,
    bans,
    connMgr,
    options: {
      transports: [...t.transports, ...relay.transports],
      connectionEncrypters: t.connectionEncrypters,
      streamMuxers: t.streamMuxers,
      connectionGater: { ...filters.gater(), ...bans.gater() },
      ...(pnet === undefined ? {} : { connectionProtector: pnet.protector }),
      connectionManager: { maxConnections: maxConnections(connMgr) }
    },
    services: relay.services
  }
}

export type SwarmPlan = Awaited<ReturnType<typeof planSwarm>>
