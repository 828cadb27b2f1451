/**
 * Expiry of what the DHTs and the peer store keep in libp2p's datastore, now that it is kept in the repo
 * (src/core/network/datastore.ts) rather than in memory that ended with the process:
 * - @libp2p/kad-dht deletes expired provider records only in its reprovider's periodic run, which tsipfs
 *   does not let run (it re-announces its own content itself: see dhtService), and an expired value
 *   record only when it is asked for;
 * - the peer store deletes an expired peer only when it reads it.
 * So a libp2p service sweeps the store a minute after start and every hour after (Kubo's provider manager
 * cleans up every hour): provider records and value records older than RECORD_VALIDITY go (Kubo's
 * provide validity, kad-dht's PROVIDERS_VALIDITY, which kad-dht also applies to value records on read),
 * and expired peers are dropped by reading every peer once.
 */
import type { ComponentLogger, Logger, PeerStore, Startable } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { Record } from '@libp2p/kad-dht'

/** How long a provider record or a value record put by a peer is kept (48 h) */
export const RECORD_VALIDITY = 48 * 3_600_000
const FIRST_SWEEP = 60_000
const SWEEP_INTERVAL = 3_600_000

/** An unsigned LEB128 varint (kad-dht writes a provider record's time, in ms since 1970, as one) */
function readVarint (bytes: Uint8Array): number | undefined {
  let value = 0
  let scale = 1
  for (const [i, b] of bytes.entries()) {
    if (i > 8) return undefined
    value += (b & 0x7f) * scale
    if ((b & 0x80) === 0) return value
    scale *= 128
  }
  return undefined
}

/** When the entry was stored, for a provider record (`/<dht>/provider/<cid>/<peer>`) or a value record (`/<dht>/record/<key>`) */
function storedAt (namespaces: string[], value: Uint8Array): number | undefined {
  if (namespaces.length === 4 && namespaces[1] === 'provider') return readVarint(value)
  if (namespaces.length === 3 && namespaces[1] === 'record') {
    try {
      return Record.deserialize(value).timeReceived.getTime()
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Delete the provider and value records stored longer than RECORD_VALIDITY before `now`; entries this
 * does not recognise are left alone. Returns how many were deleted.
 */
export async function sweepDhtRecords (datastore: Datastore, now = Date.now(), options: { signal?: AbortSignal } = {}): Promise<number> {
  let deleted = 0
  for await (const { key, value } of datastore.query({}, options)) {
    const at = storedAt(key.namespaces(), value)
    if (at === undefined || Number.isNaN(at) || now - at <= RECORD_VALIDITY) continue
    await datastore.delete(key, options)
    deleted++
  }
  return deleted
}

interface SweepComponents { datastore: Datastore, peerStore: PeerStore, logger: ComponentLogger }

class StoreSweep implements Startable {
  readonly [Symbol.toStringTag] = 'tsipfs:store-sweep'
  readonly #components: SweepComponents
  readonly #log: Logger
  #timer: ReturnType<typeof setTimeout> | undefined
  #controller: AbortController | undefined

  constructor (components: SweepComponents) {
    this.#components = components
    this.#log = components.logger.forComponent('tsipfs:routing:store-sweep')
  }

  start (): void {
    if (this.#controller !== undefined) return
    this.#controller = new AbortController()
    this.#schedule(FIRST_SWEEP)
  }

  stop (): void {
    clearTimeout(this.#timer)
    this.#controller?.abort()
    this.#controller = undefined
  }

  #schedule (ms: number): void {
    const controller = this.#controller
    this.#timer = setTimeout(() => {
      void this.#sweep(controller?.signal).finally(() => { if (this.#controller === controller) this.#schedule(SWEEP_INTERVAL) })
    }, ms)
    this.#timer.unref()
  }

  async #sweep (signal: AbortSignal | undefined): Promise<void> {
    try {
      const records = await sweepDhtRecords(this.#components.datastore, Date.now(), { signal })
      // the peer store deletes each expired peer it comes across
      let peers = 0
      await this.#components.peerStore.forEach(() => { peers++ })
      this.#log('deleted %d expired DHT records; %d peers known', records, peers)
    } catch (err) {
      if (signal?.aborted !== true) this.#log.error('sweeping the DHT store failed - %e', err)
    }
  }
}

/** The sweep as a libp2p service (started and stopped with the node) */
export function storeSweep (): (components: SweepComponents) => Startable {
  return (components) => new StoreSweep(components)
}
