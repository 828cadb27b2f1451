/**
 * Provide.Strategy and Provide.Enabled as Kubo reads them (docs/config.md, Provide):
 * - `all` (default): every block in the store, as it is written (added, imported, or fetched)
 * - `pinned`: every block of recursively pinned DAGs and directly pinned blocks, as they are pinned
 * - `roots`: the roots of pins only
 * - `mfs`: the MFS tree, whenever its root changes
 * - combinations with `+`: `pinned+mfs`, `roots+mfs`
 * Provide.Enabled false announces nothing (and `routing provide|reprovide` fail).
 */
import type { Config } from '../repo/config.ts'
import { InvalidConfigError, parseDurationOrDefault } from './errors-and-config.ts'

export interface Strategy {
  all: boolean
  pinned: boolean
  roots: boolean
  mfs: boolean
  /** The configured text, for `provide stat` */
  text: string
}

export function parseStrategy (value: unknown): Strategy {
  const text = typeof value === 'string' && value.trim() !== '' ? value.trim() : 'all'
  const parts = text.split('+').map(p => p.trim())
  const s: Strategy = { all: false, pinned: false, roots: false, mfs: false, text }
  for (const p of parts) {
    if (p === 'all' || p === 'flat') s.all = true
    else if (p === 'pinned') s.pinned = true
    else if (p === 'roots') s.roots = true
    else if (p === 'mfs') s.mfs = true
    else throw new InvalidConfigError(`Provide.Strategy: unknown strategy ${JSON.stringify(p)} (use all, pinned, roots, mfs, or pinned+mfs / roots+mfs)`)
  }
  if (s.all && parts.length > 1) throw new InvalidConfigError(`Provide.Strategy: "all" cannot be combined (got ${JSON.stringify(text)})`)
  if (s.pinned && s.roots) throw new InvalidConfigError(`Provide.Strategy: "pinned" already includes "roots" (got ${JSON.stringify(text)})`)
  return s
}

export interface ProvideConfig {
  enabled: boolean
  strategy: Strategy
  /** Provide.DHT.Interval in ms; 0 turns the reprovider off */
  interval: number
}

/** Kubo's default Provide.DHT.Interval */
export const DEFAULT_REPROVIDE_INTERVAL = '22h'

export function provideConfig (config: Config): ProvideConfig {
  const p = (config.Provide ?? {}) as { Enabled?: unknown, Strategy?: unknown, DHT?: { Interval?: unknown } }
  return {
    enabled: p.Enabled !== false,
    strategy: parseStrategy(p.Strategy),
    interval: parseDurationOrDefault(p.DHT?.Interval, DEFAULT_REPROVIDE_INTERVAL, 'Provide.DHT.Interval')
  }
}
