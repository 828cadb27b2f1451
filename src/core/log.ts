/**
 * Logging: named subsystems (`tsipfs:rpc`, `tsipfs:gc`, …) with a level each, changed at run time by
 * `log level`; entries go to stderr at or above the level, and to every `log tail` subscriber.
 */
export const LEVELS = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'] as const
export type Level = typeof LEVELS[number]

export interface LogEntry {
  level: Level
  ts: string
  logger: string
  msg: string
}

const levels = new Map<string, Level>()
const subscribers = new Set<(e: LogEntry) => void>()
let defaultLevel: Level = (process.env.TSIPFS_LOG_LEVEL as Level | undefined) ?? 'error'
let sink: (line: string) => void = (line) => { process.stderr.write(line) }

function rank (l: Level): number {
  return LEVELS.indexOf(l)
}

export interface Logger {
  debug(msg: string): void
  info(msg: string): void
  warn(msg: string): void
  error(msg: string): void
}

export function logger (subsystem: string): Logger {
  if (!levels.has(subsystem)) levels.set(subsystem, defaultLevel)
  const emit = (level: Level, msg: string): void => {
    const entry: LogEntry = { level, ts: new Date().toISOString(), logger: subsystem, msg }
    for (const s of subscribers) s(entry)
    if (rank(level) >= rank(levels.get(subsystem) ?? defaultLevel)) sink(`${entry.ts}\t${level.toUpperCase()}\t${subsystem}\t${msg}\n`)
  }
  return {
    debug: (m) => { emit('debug', m) },
    info: (m) => { emit('info', m) },
    warn: (m) => { emit('warn', m) },
    error: (m) => { emit('error', m) }
  }
}

export function subsystems (): string[] {
  return [...levels.keys()].sort()
}

/** Set one subsystem's level, or every one's with `all` (or `*`) */
export function setLevel (subsystem: string, level: string): void {
  if (!(LEVELS as readonly string[]).includes(level)) throw new Error(`invalid log level "${level}": use one of ${LEVELS.join(', ')}`)
  if (subsystem === 'all' || subsystem === '*') {
    defaultLevel = level as Level
    for (const k of levels.keys()) levels.set(k, level as Level)
    return
  }
  if (!levels.has(subsystem)) throw new Error(`unknown subsystem "${subsystem}": see 'tsipfs log ls'`)
  levels.set(subsystem, level as Level)
}

export function getLevel (subsystem: string): Level {
  return levels.get(subsystem) ?? defaultLevel
}

/** Every entry from now on, whatever the levels, until the signal aborts */
export async function * tail (signal: AbortSignal): AsyncGenerator<LogEntry> {
  const queue: LogEntry[] = []
  let wake: (() => void) | undefined
  const push = (e: LogEntry): void => {
    if (queue.length < 10_000) queue.push(e)
    wake?.()
  }
  subscribers.add(push)
  const onAbort = (): void => { wake?.() }
  signal.addEventListener('abort', onAbort)
  try {
    while (!signal.aborted) {
      while (queue.length > 0) yield queue.shift() as LogEntry
      await new Promise<void>(resolve => { wake = resolve })
      wake = undefined
    }
  } finally {
    subscribers.delete(push)
    signal.removeEventListener('abort', onAbort)
  }
}

/** Tests and embedders can redirect where log lines go */
export function setSink (fn: (line: string) => void): void {
  sink = fn
}
