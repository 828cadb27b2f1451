/**
 * The progress bar the CLI draws on a terminal's stderr, looking as Kubo's does (cheggaaa/pb v3 with Kubo's
 * template): once the total is known
 *   `12.00 MiB / 47.68 MiB [-------->______________] 98.31 MiB/s 25.17% ETA 0s`
 * and before that `12.00 MiB ?/s`; a total of 0 given shows `0 B [_____] ?/s ?% ETA ?`. The bar fills what the
 * terminal's width leaves; the speed is a moving average sampled at most every half second ("?/s" before the
 * first sample). The last frame stays, with the average speed since the first frame ("?/s" when it is the
 * first) and the time taken: `47.68 MiB / 47.68 MiB [-----------] 310.20 MiB/s 100.00% 200ms`. A bar
 * started with start() draws itself every 200 ms, as pb does, and its owner only counts.
 */

/** Bytes in binary units with two decimals, as pb prints them: `512 B`, `256.00 KiB`, `47.68 MiB` */
export function formatBytes (n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  if (n < 1024) return `${Math.round(n)} B`
  let i = 0
  let v = n / 1024
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(2)} ${units[i] as string}`
}

/** A duration as Go prints one (`0s`, `200ms`, `1.2s`, `2.0s`, `1m5s`), rounded as pb rounds the time taken */
export function formatElapsed (ms: number): string {
  if (ms < 9950) {
    const rounded = Math.round(ms / 100) * 100
    if (rounded === 0) return '0s'
    if (rounded < 1000) return `${rounded}ms`
    return `${(rounded / 1000).toFixed(1)}s`
  }
  return formatSeconds(Math.round(ms / 1000))
}

/** Whole seconds as Go's time.Duration prints them: `0s`, `59s`, `1m0s`, `1h2m3s` */
export function formatSeconds (s: number): string {
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  if (h > 0) return `${h}h${m}m${sec}s`
  if (m > 0) return `${m}m${sec}s`
  return `${sec}s`
}

/** How often the speed is sampled, and the weight of a new sample (VividCortex's SimpleEWMA: age 30) */
const SAMPLE_MS = 500
const DECAY = 2 / (30 + 1)
/** The width when the terminal does not say (pb's default) */
const DEFAULT_WIDTH = 100
/** How often a started bar draws itself (pb's refresh rate) */
const REFRESH_MS = 200

export interface BarOutput {
  write: (text: string) => unknown
  /** the terminal's width, when known */
  columns?: number
}

export class ProgressBar {
  private readonly out: BarOutput
  private readonly now: () => number
  private readonly startedAt: number
  private total = 0
  /** a total was given: frames show the bar, the percentage and the ETA (Kubo's full template) */
  private full = false
  private current = 0
  /** when the first frame was made; undefined before it */
  private firstFrameAt: number | undefined
  private timer: ReturnType<typeof setInterval> | undefined
  private finished = false
  private speed = 0
  private sampledAt = 0
  private sampledBytes = 0

  constructor (out: BarOutput, now: () => number = () => performance.now()) {
    this.out = out
    this.now = now
    this.startedAt = now()
  }

  setTotal (total: number): void {
    this.total = total
    this.full = true
  }

  set (current: number): void {
    this.current = current
  }

  add (bytes: number): void {
    this.current += bytes
  }

  /** Draw a frame every 200 ms from now on, until clear() or finish() */
  start (): void {
    this.timer ??= setInterval(() => { this.draw() }, REFRESH_MS)
    this.timer.unref()
  }

  /** Draw the bar on its line */
  draw (): void {
    this.out.write('\r' + this.frame())
  }

  /** Clear the bar's line, so that a line of output can take its place (draw again after it); a started bar stops */
  clear (): void {
    this.stop()
    this.out.write('\x1b[2K\r')
  }

  /** The last frame, which stays: the total is what was counted if none was known */
  finish (): void {
    this.stop()
    if (this.total === 0 && this.current !== 0) {
      this.total = this.current
      this.full = true
    }
    this.finished = true
    this.out.write('\r' + this.frame() + '\n')
  }

  /** One frame, as wide as the terminal */
  frame (): string {
    const width = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : DEFAULT_WIDTH
    const speed = this.currentSpeed()
    const rate = speed > 0 ? `${formatBytes(Math.round(speed))}/s` : '?/s'
    if (!this.full) return `${formatBytes(this.current)} ${rate}`.slice(0, width)
    const percent = this.total > 0 ? `${(this.current / (this.total / 100)).toFixed(2)}%` : '?%'
    const time = this.finished
      ? formatElapsed(this.now() - this.startedAt)
      : speed > 0 ? `ETA ${formatSeconds(Math.floor(Math.max(0, this.total - this.current) / speed))}` : 'ETA ?'
    const counters = this.total > 0 ? `${formatBytes(this.current)} / ${formatBytes(this.total)}` : formatBytes(this.current)
    const rest = ` ${rate} ${percent} ${time}`
    const room = width - counters.length - 1 - rest.length
    if (room < 3) return `${counters}${rest}`.slice(0, width)
    return `${counters} ${this.bar(room)}${rest}`
  }

  /** `[---->_____]` in `width` cells */
  private bar (width: number): string {
    const inner = width - 2
    const total = Math.max(this.total, this.current)
    const filled = total > 0 ? Math.ceil(this.current / total * inner) : 0
    let cells: string
    if (this.finished && this.current === total) cells = '-'.repeat(filled)
    else if (filled > 1) cells = '-'.repeat(filled - 1) + '>'
    else cells = '>'.repeat(filled)
    return `[${cells}${'_'.repeat(inner - cells.length)}]`
  }

  private stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Bytes per second: a moving average of samples since the first frame while running, the average since then once finished */
  private currentSpeed (): number {
    const now = this.now()
    if (this.firstFrameAt === undefined) {
      // the first frame: samples are taken from here (as pb does), and no speed is known yet
      this.firstFrameAt = now
      this.sampledAt = now
      this.sampledBytes = this.current
      return 0
    }
    if (this.finished) return now > this.firstFrameAt ? this.current / ((now - this.firstFrameAt) / 1000) : 0
    if (now - this.sampledAt >= SAMPLE_MS) {
      const sample = Math.abs(this.current - this.sampledBytes) / ((now - this.sampledAt) / 1000)
      this.speed = this.speed === 0 ? sample : sample * DECAY + this.speed * (1 - DECAY)
      this.sampledAt = now
      this.sampledBytes = this.current
    }
    return this.speed
  }
}

/**
 * The bytes of several files in one count, from add's progress events (each file's bytes so far, by name).
 * tsipfs adds small files side by side, so their events interleave (Kubo's, one file at a time, do not): the
 * count keeps each name's last figure. Fewer bytes than a name's last figure is a second file of that name.
 */
export class FileBytes {
  private readonly last = new Map<string, number>()
  private sum = 0

  add (name: string, bytes: number): number {
    const prev = this.last.get(name) ?? 0
    this.sum += bytes >= prev ? bytes - prev : bytes
    this.last.set(name, bytes)
    return this.sum
  }
}
