/**
 * NAT traversal from the config, with Kubo's keys: AutoNAT (AutoNAT.ServiceMode), the circuit relay v2
 * client (Swarm.RelayClient, Swarm.Transports.Network.Relay), the relay service (Swarm.RelayService, off
 * unless Enabled is true: Kubo turns it on by default but only serves once AutoNAT finds the node public,
 * and js-libp2p has no such gate), hole punching (Swarm.EnableHolePunching, DCUtR over a relayed
 * connection) and UPnP port mapping (Swarm.DisableNatPortMap). What each maps onto, and what differs
 * from Kubo, is in docs/config.md.
 */
import { autoNAT } from '@libp2p/autonat'
import { circuitRelayServer, circuitRelayTransport, type CircuitRelayServerInit } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { uPnPNAT } from '@libp2p/upnp-nat'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { readMultiaddr } from './addr.ts'
import type { Libp2p, PeerId, Transport } from '@libp2p/interface'
import { parseDuration, type Config } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'
import { flag, swarmSection } from './transports.ts'

function section (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function duration (value: unknown, fallback: string, key: string): number {
  if (value === undefined || value === null || value === '') return parseDuration(fallback)
  if (typeof value !== 'string') throw new InvalidConfigError(`${key} must be a duration such as "2m"`)
  return parseDuration(value)
}

function integer (value: unknown, fallback: number, key: string): number {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new InvalidConfigError(`${key} must be a non-negative integer`)
  return value
}

/**
 * Swarm.RelayService's limits (Kubo's names and defaults) as @libp2p/circuit-relay-v2 server options.
 * MaxCircuits (Kubo: open relayed connections per peer) bounds the hop streams a peer's connection may
 * open and the stop streams to one destination, which is what a circuit holds on each side. BufferSize,
 * MaxReservationsPerIP and MaxReservationsPerASN are checked but have no js-libp2p equivalent.
 */
export function relayServiceOptions (service: Record<string, unknown>): CircuitRelayServerInit {
  const key = (k: string): string => `Swarm.RelayService.${k}`
  const limit = section(service.Limit)
  for (const k of ['BufferSize', 'MaxReservationsPerIP', 'MaxReservationsPerASN']) integer(service[k], 0, key(k))
  const maxCircuits = integer(service.MaxCircuits, 16, key('MaxCircuits'))
  return {
    maxInboundHopStreams: maxCircuits,
    maxOutboundStopStreams: maxCircuits,
    reservations: {
      maxReservations: integer(service.MaxReservations, 128, key('MaxReservations')),
      reservationTtl: duration(service.ReservationTTL, '1h', key('ReservationTTL')),
      defaultDurationLimit: duration(service.ConnectionDurationLimit ?? limit.Duration, '2m', key('ConnectionDurationLimit')),
      defaultDataLimit: BigInt(integer(service.ConnectionDataLimit ?? limit.Data, 131072, key('ConnectionDataLimit')))
    }
  }
}

export interface RelayPlan {
  transports: Array<(components: any) => Transport>
  /** `/p2p-circuit` (reserve on relays found among peers) when asked for */
  listen: string[]
  /** `<relay>/p2p-circuit` for each static relay: reserved on after start (see reserveStaticRelays) */
  staticRelays: string[]
  services: Record<string, (components: any) => unknown>
  /** Lines for the daemon's start-up output */
  notes: string[]
}

export function planRelay (config: Config, relayTransport: boolean): RelayPlan {
  const swarm = swarmSection(config)
  const client = section(swarm.RelayClient)
  const service = section(swarm.RelayService)
  const autonatCfg = section(config.AutoNAT)
  const plan: RelayPlan = { transports: [], listen: [], staticRelays: [], services: {}, notes: [] }

  const clientOn = relayTransport && flag(client.Enabled, true)
  if (clientOn) {
    plan.transports.push(circuitRelayTransport())
    const statics = Array.isArray(client.StaticRelays) ? client.StaticRelays : []
    for (const relay of statics) {
      if (typeof relay !== 'string') continue
      let ma
      try {
        ma = readMultiaddr(relay)
      } catch (err) {
        throw new InvalidConfigError(`invalid multiaddr ${JSON.stringify(relay)} in Swarm.RelayClient.StaticRelays: ${(err as Error).message}`)
      }
      if (ma.getComponents().findLast(c => c.name === 'p2p') === undefined) throw new InvalidConfigError(`Swarm.RelayClient.StaticRelays: ${relay} must end in /p2p/<peer ID>`)
      plan.staticRelays.push(`${ma.toString()}/p2p-circuit`)
    }
    // Kubo reserves on public relays once AutoNAT says the node is private; js-libp2p cannot wait for that,
    // so discovering relays among our peers is done only when asked for explicitly
    if (plan.staticRelays.length === 0 && client.Enabled === true) plan.listen.push('/p2p-circuit')
  }

  if (relayTransport && service.Enabled === true) {
    plan.services.relay = circuitRelayServer(relayServiceOptions(service))
    plan.notes.push('Swarm: relay service (circuit v2) enabled')
  }

  // AutoNAT v1 both asks peers to dial us back and answers their requests; 'disabled' turns both off
  const mode = typeof autonatCfg.ServiceMode === 'string' ? autonatCfg.ServiceMode : ''
  if (mode !== '' && mode !== 'enabled' && mode !== 'disabled' && mode !== 'legacy-v1') {
    throw new InvalidConfigError(`AutoNAT.ServiceMode: unknown mode "${mode}" (use "enabled" or "disabled")`)
  }
  if (mode !== 'disabled') plan.services.autoNAT = autoNAT()

  if (clientOn && flag(swarm.EnableHolePunching, true)) plan.services.dcutr = dcutr()
  // UPnP/NAT-PMP port mapping on the LAN's gateway, as Kubo: on unless Swarm.DisableNatPortMap (the test and
  // server profiles turn it off); it searches for a gateway with SSDP multicast and maps non-loopback IPv4 ports
  // (it leaves confirming the mapped address to AutoNAT; without AutoNAT it confirms the address itself)
  if (swarm.DisableNatPortMap !== true) plan.services.upnpNAT = uPnPNAT({ autoConfirmAddress: mode === 'disabled' })
  return plan
}

interface RelayListener { listen: (addr: Multiaddr) => Promise<void> }
interface TransportManager { listen: (addrs: Multiaddr[]) => Promise<void>, getListeners: () => RelayListener[] }

/**
 * Reserve a slot on each static relay, retrying one that cannot be reached or refuses (after `retryMs`,
 * 5 s, doubling up to 5 min) and again whenever the relay disconnects. Not done as a listen address given
 * to createLibp2p, because libp2p fails its whole start when one listen address fails, and a relay that is
 * down must not keep the daemon from starting. Each relay gets one circuit listener for the node's life:
 * libp2p's transport manager keeps every listener it creates, a failed one too, and a circuit listener
 * stays subscribed to the relay transport's events until libp2p stops, so a new listen per retry or per
 * reconnect would pile them up; retries call the same listener's listen() again. Returns a function that
 * stops it.
 */
export function reserveStaticRelays (libp2p: Libp2p, relays: string[], options: { retryMs?: number } = {}): () => void {
  if (relays.length === 0) return () => {}
  const first = options.retryMs ?? 5000
  const controller = new AbortController()
  // the transport manager is not on the public Libp2p interface, but the node has it
  const tm = (libp2p as unknown as { components: { transportManager: TransportManager } }).components.transportManager
  const timers = new Set<NodeJS.Timeout>()
  // again: the relay disconnected while a reservation was under way, so reserve once more when it ends
  interface Slot { addr: Multiaddr, listener?: RelayListener, busy: boolean, again: boolean, delay: number, timer?: NodeJS.Timeout }
  const listenOnce = async (slot: Slot): Promise<void> => {
    if (slot.listener !== undefined) { await slot.listener.listen(slot.addr); return }
    // tm.listen creates the listener before its first await: the one that was not there before is ours
    const before = new Set(tm.getListeners())
    const listening = tm.listen([slot.addr])
    slot.listener = tm.getListeners().find(l => !before.has(l))
    await listening
  }
  const reserve = (slot: Slot): void => {
    if (controller.signal.aborted || slot.timer !== undefined) return
    if (slot.busy) { slot.again = true; return }
    slot.busy = true
    slot.again = false
    listenOnce(slot).then(() => { slot.delay = first }, () => {
      if (controller.signal.aborted) return
      const timer = setTimeout(() => { timers.delete(timer); slot.timer = undefined; reserve(slot) }, slot.delay)
      slot.delay = Math.min(slot.delay * 2, 300_000)
      timer.unref()
      timers.add(timer)
      slot.timer = timer
    }).finally(() => {
      slot.busy = false
      if (slot.again) reserve(slot)
    })
  }
  const byPeer = new Map<string, Slot>()
  for (const r of relays) {
    const addr = multiaddr(r)
    const slot: Slot = { addr, busy: false, again: false, delay: first }
    // planned by readMultiaddr: the peer ID is in base58btc, as PeerId.toString() writes it
    const id = addr.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id !== undefined) byPeer.set(id, slot)
    reserve(slot)
  }
  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const slot = byPeer.get(evt.detail.toString())
    if (slot !== undefined) reserve(slot)
  }
  libp2p.addEventListener('peer:disconnect', onDisconnect)
  return () => {
    controller.abort()
    for (const t of timers) clearTimeout(t)
    libp2p.removeEventListener('peer:disconnect', onDisconnect)
  }
}
