/**
 * The libp2p Metrics the daemon gives its node: real counters for `stats bw` (bytes in and out of every
 * connection, and per protocol, with rates). Bitswap keeps its own counters (network/bitswap). Metrics
 * libp2p registers are kept as plain values so that nothing it calls is missing.
 */
import type { Metrics, MultiaddrConnection, Stream, Metric, MetricGroup, Counter, CounterGroup, Histogram, HistogramGroup, Summary, SummaryGroup } from '@libp2p/interface'

interface Bytes { in: number, out: number }
interface Rate { in: number, out: number }

function sizeOf (data: { byteLength: number }): number {
  return data.byteLength
}

/** Count what passes through a stream: 'message' events in, send() out */
function count (stream: MultiaddrConnection | Stream, into: Bytes[]): void {
  stream.addEventListener('message', (evt) => {
    const n = sizeOf(evt.data)
    for (const b of into) b.in += n
  })
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

export class NodeMetrics implements Metrics {
  readonly total: Bytes = { in: 0, out: 0 }
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
    }, 1000)
    this.#sampler.unref()
  }

  stop (): void {
    clearInterval(this.#sampler)
  }

  trackMultiaddrConnection (maConn: MultiaddrConnection): void {
    count(maConn, [this.total])
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
