/**
 * `ping`: round trips to a peer on /ipfs/ping/1.0.0, as Kubo's ping command makes them: one stream, 32 random
 * bytes echoed back per ping, each timed with the high-resolution clock (libp2p's ping service reports whole
 * milliseconds and opens a stream per ping). The stream of results and the errors follow Kubo's order:
 * the peer is parsed, checked against ourselves and the count, looked up when no address is known, then pinged.
 */
import type { AbortOptions, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Routing } from '@helia/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { InvalidArgumentError, TsipfsError, toTsipfsError } from '../errors.ts'
import { peerIdFromText } from './peer-text.ts'

export interface PingResult { Success: boolean, Time: number, Text: string }

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_SIZE = 32
/** Kubo's kPingTimeout: for the peer lookup, and here for each ping too */
const PING_TIMEOUT_MS = 10_000

export interface PingParts {
  libp2p: Pick<Libp2p, 'peerId' | 'peerStore' | 'getConnections' | 'dialProtocol'>
  routing: Pick<Routing, 'findPeer'>
  parseAddr: (text: string) => Promise<Multiaddr>
}

async function target (parts: PingParts, text: string): Promise<{ id: PeerId, addr?: Multiaddr }> {
  try {
    if (!text.startsWith('/')) return { id: await peerIdFromText(text) }
    const addr = await parts.parseAddr(text)
    const p2p = addr.getComponents().findLast(c => c.name === 'p2p')?.value
    if (p2p === undefined) throw new InvalidArgumentError('invalid p2p multiaddr')
    return { id: await peerIdFromText(p2p), addr }
  } catch (err) {
    throw new TsipfsError(`failed to parse peer address '${text}': ${(err as Error).message}`)
  }
}

async function knownAddrs (parts: PingParts, id: PeerId): Promise<boolean> {
  if (parts.libp2p.getConnections(id).length > 0) return true
  try {
    return (await parts.libp2p.peerStore.get(id)).addresses.length > 0
  } catch {
    return false
  }
}

function within (signal: AbortSignal | undefined, ms: number): AbortSignal {
  return signal === undefined ? AbortSignal.timeout(ms) : AbortSignal.any([signal, AbortSignal.timeout(ms)])
}

async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => { clearTimeout(timer); reject(signal?.reason) }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', done); resolve() }, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** One ping on an open stream: the round trip in nanoseconds */
async function once (stream: ByteStreamLike, signal: AbortSignal): Promise<number> {
  const data = crypto.getRandomValues(new Uint8Array(PING_SIZE))
  const start = process.hrtime.bigint()
  await stream.write(data, { signal })
  const echo = (await stream.read({ bytes: PING_SIZE, signal })).subarray()
  const rtt = Number(process.hrtime.bigint() - start)
  if (Buffer.compare(Buffer.from(echo), Buffer.from(data)) !== 0) throw new TsipfsError('ping packet was incorrect')
  return rtt
}

interface ByteStreamLike {
  read: (options: { bytes: number, signal: AbortSignal }) => Promise<{ subarray: () => Uint8Array }>
  write: (data: Uint8Array, options: { signal: AbortSignal }) => Promise<void>
}

export async function * ping (parts: PingParts, peer: string, count: number, options: AbortOptions = {}): AsyncGenerator<PingResult> {
  const { signal } = options
  const { libp2p } = parts
  const { id, addr } = await target(parts, peer)
  // Kubo's plain errors (code 0 on the RPC API, not a client error)
  if (id.equals(libp2p.peerId)) throw new TsipfsError('error: can\'t ping self')
  if (!Number.isInteger(count) || count <= 0) throw new TsipfsError(`ping count must be greater than 0, was ${count}`)

  let dial: PeerId | Multiaddr | Multiaddr[] = addr ?? id
  if (addr === undefined && !await knownAddrs(parts, id)) {
    yield { Success: true, Time: 0, Text: `Looking up peer ${id.toString()}` }
    let found: Multiaddr[] = []
    try {
      const { routing } = parts
      if (routing.findPeer !== undefined) found = (await routing.findPeer(id.toCID(), { signal: within(signal, PING_TIMEOUT_MS) })).multiaddrs
    } catch (err) {
      signal?.throwIfAborted()
      const e = toTsipfsError(err)
      throw new TsipfsError(`peer lookup failed: ${/NotFound/.test(e.name) ? 'routing: not found' : e.message}`)
    }
    if (found.length === 0) throw new TsipfsError('peer lookup failed: routing: not found')
    dial = found.map(a => a.getComponents().some(c => c.name === 'p2p') ? a : a.encapsulate(`/p2p/${id.toString()}`))
  }

  yield { Success: true, Time: 0, Text: `PING ${id.toString()}.` }
  const { byteStream } = await import('@libp2p/utils')
  let stream: Stream | undefined
  let bytes: ByteStreamLike | undefined
  let ok = 0
  let total = 0
  try {
    for (let i = 0; i < count; i++) {
      if (i > 0) await sleep(1000, signal)
      signal?.throwIfAborted()
      if (stream === undefined || bytes === undefined) {
        try {
          stream = await libp2p.dialProtocol(dial, PING_PROTOCOL, { signal: within(signal, PING_TIMEOUT_MS), runOnLimitedConnection: true })
          bytes = byteStream(stream) as unknown as ByteStreamLike
        } catch (err) {
          signal?.throwIfAborted()
          // as Kubo: a stream that cannot be opened ends the pings
          yield { Success: false, Time: 0, Text: `Ping error: ${toTsipfsError(err).message}` }
          break
        }
      }
      try {
        const rtt = await once(bytes, within(signal, PING_TIMEOUT_MS))
        ok++
        total += rtt
        yield { Success: true, Time: rtt, Text: '' }
      } catch (err) {
        signal?.throwIfAborted()
        stream.abort(toTsipfsError(err))
        stream = undefined
        yield { Success: false, Time: 0, Text: `Ping error: ${toTsipfsError(err).message}` }
      }
    }
  } finally {
    await stream?.close().catch(() => {})
  }
  if (ok === 0) throw new TsipfsError('ping failed')
  yield { Success: true, Time: 0, Text: `Average latency: ${(total / ok / 1e6).toFixed(2)}ms` }
}
