/**
 * Transports, connection encryption and stream muxers from the config, with Kubo's keys and meanings:
 * Addresses.Swarm picks what we listen on; Swarm.Transports.Network turns transports off (every one is on
 * by default, for dialling too); Swarm.Transports.Security orders TLS and Noise by priority (lower first,
 * `false` disables; Kubo's defaults TLS 100, Noise 200). Listen addresses this node cannot serve (a
 * transport tsipfs lacks, a transport turned off, an address family the machine has no address of) are
 * returned with the reason instead of failing the start. WebRTC-Direct listens on a UDP port of its own:
 * unlike Kubo, it cannot share one with QUIC.
 */
import { createServer } from 'node:net'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { yamux } from '@libp2p/yamux'
import type { ConnectionEncrypter, StreamMuxerFactory, Transport } from '@libp2p/interface'
import type { Config } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'

type Factory<T> = (components: any) => T

/** Kubo's `flag` type: true, false, or absent/null for the default */
export function flag (value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback
}

/** Kubo's `priority` type: false disables, a number orders (lower first), absent/null is the default */
export function priority (value: unknown, fallback: number): number | false {
  if (value === false) return false
  if (typeof value === 'number' && Number.isFinite(value)) return value
  return fallback
}

function section (value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

export function swarmSection (config: Config): Record<string, unknown> {
  return section(config.Swarm)
}

/** Can this machine bind a socket of each address family? (a container without IPv6 cannot) */
export async function addressFamilies (): Promise<{ ip4: boolean, ip6: boolean }> {
  const probe = async (host: string): Promise<boolean> => await new Promise(resolve => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen({ host, port: 0, ipv6Only: host === '::' }, () => { server.close(() => { resolve(true) }) })
  })
  const [ip4, ip6] = await Promise.all([probe('0.0.0.0'), probe('::')])
  return { ip4, ip6 }
}

type Kind = 'tcp' | 'ws' | 'quic' | 'circuit' | 'webtransport' | 'webrtc-direct' | 'quic-draft29' | 'other'

/** What transport a listen address needs */
export function kindOf (addr: string): Kind {
  if (/\/p2p-circuit(\/|$)/.test(addr)) return 'circuit'
  if (/\/webtransport(\/|$)/.test(addr)) return 'webtransport'
  if (/\/webrtc-direct(\/|$)/.test(addr)) return 'webrtc-direct'
  if (/^\/(ip4|ip6)\/[^/]+\/udp\/\d+\/quic-v1(\/p2p\/[^/]+)?$/.test(addr)) return 'quic'
  if (/\/udp\/\d+\/quic(\/|$)/.test(addr)) return 'quic-draft29'
  if (/^\/(ip4|ip6|dns4|dns6|dns)\/[^/]+\/tcp\/\d+\/(ws|wss|tls\/ws)(\/p2p\/[^/]+)?$/.test(addr)) return 'ws'
  if (/^\/(ip4|ip6)\/[^/]+\/tcp\/\d+(\/p2p\/[^/]+)?$/.test(addr)) return 'tcp'
  return 'other'
}

export interface TransportPlan {
  listen: string[]
  /** `<address> (<why>)` for each listen address left out */
  skipped: string[]
  transports: Array<Factory<Transport>>
  connectionEncrypters: Array<Factory<ConnectionEncrypter>>
  streamMuxers: Array<Factory<StreamMuxerFactory>>
  /** Whether the circuit relay transport is wanted (Swarm.Transports.Network.Relay) */
  relay: boolean
}

/**
 * QUIC (@chainsafe/libp2p-quic, Rust via napi) and WebRTC-Direct (@libp2p/webrtc over node-datachannel, C++
 * via napi) are native modules: loaded only when turned on, and their absence is not fatal
 */
async function loadNative (name: 'QUIC' | 'WebRTC-Direct'): Promise<(() => Factory<Transport>) | Error> {
  try {
    if (name === 'QUIC') {
      const mod = await import('@chainsafe/libp2p-quic')
      return () => mod.quic() as unknown as Factory<Transport>
    }
    const mod = await import('@libp2p/webrtc')
    return () => mod.webRTCDirect() as unknown as Factory<Transport>
  } catch (err) {
    return err as Error
  }
}

export async function planTransports (config: Config, options: { noQuic?: string } = {}): Promise<TransportPlan> {
  const swarm = swarmSection(config)
  const transportsCfg = section(swarm.Transports)
  const network = section(transportsCfg.Network)
  const security = section(transportsCfg.Security)
  const muxers = section(transportsCfg.Multiplexers)
  const on = {
    tcp: flag(network.TCP, true),
    ws: flag(network.Websocket, true),
    quic: options.noQuic === undefined && flag(network.QUIC, true),
    relay: flag(network.Relay, true),
    webrtc: flag(network.WebRTCDirect, true)
  }
  const families = await addressFamilies()
  const quic = on.quic ? await loadNative('QUIC') : undefined
  // loading WebRTC-Direct costs the daemon's start 0.5 to 1 s: done when an address listens on it or when
  // Swarm.Transports.Network.WebRTCDirect is true, not merely by default as Kubo does (docs/config.md)
  const wantWebrtc = network.WebRTCDirect === true || (on.webrtc && (config.Addresses?.Swarm ?? []).some(a => typeof a === 'string' && kindOf(a) === 'webrtc-direct'))
  const webrtc = wantWebrtc ? await loadNative('WebRTC-Direct') : undefined
  const listen: string[] = []
  const skipped: string[] = []
  for (const addr of config.Addresses?.Swarm ?? []) {
    if (typeof addr !== 'string' || addr === '') continue
    const kind = kindOf(addr)
    const family = addr.startsWith('/ip6/') ? 'ip6' : addr.startsWith('/ip4/') ? 'ip4' : undefined
    let why: string | undefined
    if (kind === 'other') why = 'not an address tsipfs can listen on'
    else if (kind === 'webtransport') why = 'WebTransport is not supported by tsipfs: js-libp2p can neither listen for it nor dial it in Node.js'
    else if (kind === 'quic-draft29') why = 'QUIC draft-29 is obsolete: use /quic-v1'
    else if (kind === 'circuit') why = 'relay addresses come from Swarm.RelayClient, not Addresses.Swarm'
    else if (kind === 'quic' && options.noQuic !== undefined) why = options.noQuic
    else if ((kind === 'tcp' && !on.tcp) || (kind === 'ws' && !on.ws) || (kind === 'quic' && !on.quic)) why = `Swarm.Transports.Network.${kind === 'tcp' ? 'TCP' : kind === 'ws' ? 'Websocket' : 'QUIC'} is false`
    else if (kind === 'webrtc-direct' && !on.webrtc) why = 'Swarm.Transports.Network.WebRTCDirect is false'
    else if (kind === 'quic' && quic instanceof Error) why = `QUIC could not be loaded: ${quic.message}`
    else if (kind === 'webrtc-direct' && webrtc instanceof Error) why = `WebRTC-Direct could not be loaded: ${webrtc.message}`
    else if (family !== undefined && !families[family]) why = `this machine has no ${family === 'ip6' ? 'IPv6' : 'IPv4'}`
    if (why === undefined) listen.push(addr)
    else skipped.push(`${addr} (${why})`)
  }
  const transports: Array<Factory<Transport>> = []
  if (on.tcp) transports.push(tcp())
  if (on.ws) transports.push(webSockets())
  if (quic !== undefined && !(quic instanceof Error)) transports.push(quic())
  if (webrtc !== undefined && !(webrtc instanceof Error)) transports.push(webrtc())

  const encrypters: Array<{ p: number, f: Factory<ConnectionEncrypter> }> = []
  const tlsP = priority(security.TLS, 100)
  const noiseP = priority(security.Noise, 200)
  if (tlsP !== false) encrypters.push({ p: tlsP, f: tls() })
  if (noiseP !== false) encrypters.push({ p: noiseP, f: noise() })
  if (encrypters.length === 0) throw new InvalidConfigError('Swarm.Transports.Security disables every security transport (TLS and Noise): no connection could be made')
  if (priority(muxers.Yamux, 100) === false) throw new InvalidConfigError('Swarm.Transports.Multiplexers.Yamux is false, and yamux is the only multiplexer tsipfs has')
  return {
    listen,
    skipped,
    transports,
    connectionEncrypters: encrypters.sort((a, b) => a.p - b.p).map(e => e.f),
    streamMuxers: [yamux()],
    relay: on.relay
  }
}
