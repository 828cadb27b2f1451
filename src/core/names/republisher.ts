/**
 * The IPNS republisher: every Ipns.RepublishPeriod (default 4h; the first pass a minute after start, or
 * sooner when the period is shorter) each of our keys that has a record in the local store is published
 * again: same value, same sequence number, valid for Ipns.RecordLifetime (default 48h) from now or as long
 * as it already was, whichever is later. A record that already expired is not revived (its owner did
 * not renew it in time; a new `name publish` is needed). Started by the daemon, with the network.
 */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import { parseDuration } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'
import { logger } from '../log.ts'
import type { Keystore } from './keystore.ts'
import { canonicalName, expiresAt } from './records.ts'

const log = logger('tsipfs:names:republisher')
const DEFAULT_PERIOD = '4h'
const DEFAULT_LIFETIME = '48h'
const INITIAL_DELAY = 60_000

export interface RepublisherDeps {
  keys: Keystore
  period: () => string | null | undefined
  lifetime: () => string | null | undefined
  localRecord: (cid: CID) => Promise<Uint8Array | undefined>
  sign: (keyName: string, value: string, seq: bigint, lifetimeMs: number, ttlNs: bigint) => Promise<Uint8Array>
  announce: (cid: CID, bytes: Uint8Array, options: AbortOptions) => Promise<void>
}

function durationOf (value: string | null | undefined, fallback: string, key: string): number {
  const text = value === undefined || value === null || value === '' ? fallback : value
  try {
    return parseDuration(text)
  } catch {
    throw new InvalidConfigError(`${key}: invalid duration ${JSON.stringify(text)}`)
  }
}

export function createRepublisher (deps: RepublisherDeps) {
  let timer: NodeJS.Timeout | undefined
  let controller: AbortController | undefined
  let running: Promise<void> | undefined
  let passes = 0

  async function pass (signal: AbortSignal): Promise<number> {
    const lifetime = durationOf(deps.lifetime(), DEFAULT_LIFETIME, 'Ipns.RecordLifetime')
    let renewed = 0
    for (const key of await deps.keys.list()) {
      if (signal.aborted) break
      const cid = key.peerId.toCID()
      const bytes = await deps.localRecord(cid)
      if (bytes === undefined) continue
      try {
        const { unmarshalIPNSRecord } = await import('ipns')
        const record = unmarshalIPNSRecord(bytes)
        const previous = expiresAt(record)
        if (previous < Date.now()) continue
        const until = Math.max(previous, Date.now() + lifetime)
        const next = await deps.sign(key.name, record.value, record.sequence, until - Date.now(), record.ttl ?? 0n)
        await deps.announce(cid, next, { signal })
        renewed++
      } catch (err) {
        log.warn(`republishing ${canonicalName(cid)} (key ${key.name}) failed: ${(err as Error).message}`)
      }
    }
    return renewed
  }

  function schedule (delay: number): void {
    timer = setTimeout(() => {
      const c = controller
      if (c === undefined) return
      running = pass(c.signal).then((n) => {
        passes++
        if (n > 0) log.info(`republished ${n} IPNS record(s)`)
      }, (err: unknown) => {
        log.error(`republishing failed: ${(err as Error).message}`)
      }).finally(() => {
        running = undefined
        if (controller === c) schedule(durationOf(deps.period(), DEFAULT_PERIOD, 'Ipns.RepublishPeriod'))
      })
    }, delay)
    timer.unref()
  }

  return {
    get running (): boolean { return controller !== undefined },
    /** Passes completed since start */
    get passes (): number { return passes },

    start (): void {
      if (controller !== undefined) return
      const period = durationOf(deps.period(), DEFAULT_PERIOD, 'Ipns.RepublishPeriod')
      durationOf(deps.lifetime(), DEFAULT_LIFETIME, 'Ipns.RecordLifetime')
      // a period of 0 turns republishing off
      if (period <= 0) return
      controller = new AbortController()
      schedule(Math.min(period, INITIAL_DELAY))
    },

    async stop (): Promise<void> {
      const c = controller
      if (c === undefined) return
      controller = undefined
      clearTimeout(timer)
      c.abort()
      await running
    },

    /** One pass now (tests, and `name publish` callers that want it); the number of records renewed */
    async republishNow (options: AbortOptions = {}): Promise<number> {
      return await pass(options.signal ?? new AbortController().signal)
    }
  }
}
