/**
 * The libp2p Metrics the daemon gives its node: real counters for `stats bw` (bytes in and out of every
 * connection, and per protocol, with rates). Bytes on the wire count once: a relayed connection's count
 * for its peer (`stats bw --peer`) but not again in the total, which has them from the relay's
 * connection. Bitswap keeps its own counters (network/bitswap). Metrics libp2p registers are kept as
 * plain values so that nothing it calls is missing.
 */
import type { Connection, Libp2p, Metrics, MultiaddrConnection, Stream, Metric, MetricGroup, Counter, CounterGroup, Histogram, HistogramGroup, Summary, SummaryGroup } from '@libp2p/interface'

interface Bytes { in: number, out: number }
interface Rate { in: number, out: number }

function sizeOf (data: { byteLength: number }): number {
  return data.byteLength
}

/**
 * Count what passes through a stream: 'message' events in, send() out. Incoming bytes are counted where the
 * stream dispatches them, not with a 'message' listener of our own: a stream buffers what it receives
 * until a reader listens, and a listener of ours would make it hand data to nobody (with TLS, the
 * handshake's first bytes were lost and identify never completed).
 */
function count (stream: MultiaddrConnection | Stream, into: Bytes[]): void {
  const dispatch = stream.dispatchEvent.bind(stream)
  stream.dispatchEvent = (evt: Event): boolean => {
    if (evt.type === 'message') {
      const n = sizeOf((evt as Event & { data: { byteLength: number } }).data)
      for (const b of into) b.in += n
    }
    return dispatch(evt)
  }
  const send = stream.send.bind(stream)
  stream.send = (data) => {
    const n = sizeOf(data)
    for (const b of into) b.out += n
    return send(data)
  }
}

class Value implements Metric, Counter {
  value = 0
  update (v: number): void { this.value = v }
  increment (v = 1): void { this.value += v }
  decrement (v = 1): void { this.value -= v }
  reset (): void { this.value = 0 }
  timer (): () => void { return () => {} }
}

class Group implements MetricGroup, CounterGroup {
  readonly values = new Map<string, number>()
  update (v: Record<string, number>): void { for (const [k, n] of Object.entries(v)) this.values.set(k, n) }
  increment (v: Record<string, number | true>): void {
    for (const [k, n] of Object.entries(v)) this.values.set(k, (this.values.get(k) ?? 0) + (n === true ? 1 : n))
  }
  decrement (v: Record<string, number | true>): void {
    for (const [k, n] of Object.entries(v)) this.values.set(k, (this.values.get(k) ?? 0) - (n === true ? 1 : n))
  }
  reset (): void { this.values.clear() }
  timer (): () => void { return () => {} }
}

class Observations implements Histogram, HistogramGroup, Summary, SummaryGroup {
  observe (): void {}
  reset (): void {}
  timer (): () => void { return () => {} }
}

interface PeerBytes extends Bytes { last: Bytes, rateIn: number, rateOut: number }

export class NodeMetrics implements Metrics {
  readonly total: Bytes = { in: 0, out: 0 }
  /**
   * Bytes per peer: a connection's bytes are counted apart until the connection is upgraded and its peer
   * known (connection:open), then added to the peer's, which its later bytes go to directly
   */
  readonly byPeer = new Map<string, PeerBytes>()
  readonly #unattributed = new Map<string, { into: Bytes[], own: Bytes, at: number }>()
  readonly byProtocol = new Map<string, Bytes>()
  /** Bytes per second over the last few seconds (an exponentially weighted average, sampled each second) */
  readonly rate: Rate = { in: 0, out: 0 }
  readonly values = new Map<string, Value>()
  readonly groups = new Map<string, Group>()
  #last: Bytes = { in: 0, out: 0 }
  #sampler: NodeJS.Timeout

  constructor () {
    this.#sampler = setInterval(() => {
      const a = 0.5
      this.rate.in = a * (this.total.in - this.#last.in) + (1 - a) * this.rate.in
      this.rate.out = a * (this.total.out - this.#last.out) + (1 - a) * this.rate.out
      this.#last = { ...this.total }
      for (const p of this.byPeer.values()) {
        p.rateIn = a * (p.in - p.last.in) + (1 - a) * p.rateIn
        p.rateOut = a * (p.out - p.last.out) + (1 - a) * p.rateOut
        p.last = { in: p.in, out: p.out }
      }
    }, 1000)
    this.#sampler.unref()
  }

  stop (): void {
    clearInterval(this.#sampler)
  }

  trackMultiaddrConnection (maConn: MultiaddrConnection): void {
    const own = { in: 0, out: 0 }
    // a relayed connection's bytes travel inside a stream of the connection to the relay, which counts them
    // already: they go to the remote peer's figures only, not to the total a second time
    const relayed = maConn.remoteAddr.getComponents().some(c => c.name === 'p2p-circuit')
    const into = relayed ? [own] : [this.total, own]
    count(maConn, into)
    const now = Date.now()
    // connections that never finish their upgrade are never attributed: forget them after a minute
    if (this.#unattributed.size > 64) {
      for (const [k, v] of this.#unattributed) if (now - v.at > 60_000) this.#unattributed.delete(k)
    }
    this.#unattributed.set(maConn.remoteAddr.decapsulateCode(421).toString(), { into, own, at: now })
  }

  /** Attribute each upgraded connection's bytes to its peer (for `stats bw --peer`) */
  attributeConnections (libp2p: Libp2p<any>): void {
    libp2p.addEventListener('connection:open', (evt: CustomEvent<Connection>) => {
      const conn = evt.detail
      const key = conn.remoteAddr.decapsulateCode(421).toString()
      const pending = this.#unattributed.get(key)
      if (pending === undefined) return
      this.#unattributed.delete(key)
      const peer = conn.remotePeer.toString()
      let p = this.byPeer.get(peer)
      if (p === undefined) {
        p = { in: 0, out: 0, last: { in: 0, out: 0 }, rateIn: 0, rateOut: 0 }
        this.byPeer.set(peer, p)
      }
      p.in += pending.own.in
      p.out += pending.own.out
      pending.into.splice(pending.into.indexOf(pending.own), 1, p)
    })
  }

  peerTotals (peer: string): { in: number, out: number, rateIn: number, rateOut: number } {
    const p = this.byPeer.get(peer)
    return p === undefined ? { in: 0, out: 0, rateIn: 0, rateOut: 0 } : { in: p.in, out: p.out, rateIn: p.rateIn, rateOut: p.rateOut }
  }

  trackProtocolStream (stream: Stream): void {
    let b = this.byProtocol.get(stream.protocol)
    if (b === undefined) {
      b = { in: 0, out: 0 }
      this.byProtocol.set(stream.protocol, b)
    }
    count(stream, [b])
  }

  #value (name: string): Value {
    let v = this.values.get(name)
    if (v === undefined) {
      v = new Value()
      this.values.set(name, v)
    }
    return v
  }

  #group (name: string): Group {
    let g = this.groups.get(name)
    if (g === undefined) {
      g = new Group()
      this.groups.set(name, g)
    }
    return g
  }

  registerMetric = ((name: string) => this.#value(name)) as Metrics['registerMetric']
  registerCounter = ((name: string) => this.#value(name)) as Metrics['registerCounter']
  registerMetricGroup = ((name: string) => this.#group(name)) as Metrics['registerMetricGroup']
  registerCounterGroup = ((name: string) => this.#group(name)) as Metrics['registerCounterGroup']
  registerHistogram = (() => new Observations()) as Metrics['registerHistogram']
  registerHistogramGroup = (() => new Observations()) as Metrics['registerHistogramGroup']
  registerSummary = (() => new Observations()) as Metrics['registerSummary']
  registerSummaryGroup = (() => new Observations()) as Metrics['registerSummaryGroup']

  createTrace (): unknown { return undefined }
  traceFunction<F> (_name: string, fn: F): F { return fn }

  /** A counter's value, or a metric group's `global` entry */
  get (name: string): number {
    return this.values.get(name)?.value ?? this.groups.get(name)?.values.get('global') ?? 0
  }
}
