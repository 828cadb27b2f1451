/**
 * Pins: recursive (the root and its whole DAG), direct (the block alone) and, derived from those, indirect
 * (a block inside a recursively pinned DAG). Stored in the meta store under `pins/<cid>` as
 * `{ type, name }`, written only after every block of the DAG is present and committed, so an acknowledged
 * pin always has its whole DAG.
 */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import { NotPinnedError, PinError, toTsipfsError } from '../errors.ts'
import { fetchDag, walkDag, mhKey } from '../dag/walk.ts'
import { verifyBlock } from '../blocks/verify.ts'

export type PinType = 'recursive' | 'direct' | 'indirect'

export interface PinRecord {
  type: 'recursive' | 'direct'
  name?: string
}

export interface PinEntry {
  cid: CID
  type: PinType
  name?: string
  /** for an indirect pin: the recursive pin it is under */
  via?: CID
}

export interface PinAddOptions extends AbortOptions {
  recursive?: boolean
  name?: string
  /** The caller has just written every block of the DAG (add, dag import): skip the presence walk */
  complete?: boolean
  /** the blocks of the DAG checked or fetched so far, and their bytes: after each block */
  onProgress?: (progress: { nodes: number, bytes: number }) => void
}

const PREFIX = 'pins/'
/** Extra GC roots registered by other subsystems (the MFS root…): `roots/<name>` → CID string */
export const ROOTS_PREFIX = 'roots/'

function pinKey (cid: CID): string {
  return PREFIX + cid.toString()
}

function keyToCid (key: string, prefix: string): CID {
  return CID.parse(key.slice(prefix.length))
}

export function createPinsApi ({ blocks, meta, provide }: Pick<Components, 'blocks' | 'meta'> & Partial<Pick<Components, 'provide'>>) {
  async function * stored (options: AbortOptions = {}): AsyncGenerator<{ cid: CID, record: PinRecord }> {
    for await (const { key, value } of meta.list<PinRecord>(PREFIX)) {
      options.signal?.throwIfAborted()
      yield { cid: keyToCid(key, PREFIX), record: value }
    }
  }

  /** Every block reachable from recursive pins, as multihash keys, with the pin that reaches it first */
  async function indirectSet (options: AbortOptions = {}): Promise<Map<string, { cid: CID, via: CID }>> {
    const out = new Map<string, { cid: CID, via: CID }>()
    const seen = new Set<string>()
    for await (const { cid, record } of stored(options)) {
      if (record.type !== 'recursive') continue
      for await (const entry of walkDag(blocks, cid, { signal: options.signal, skipRoot: true, seen, offline: true })) {
        out.set(mhKey(entry.cid), { cid: entry.cid, via: cid })
      }
    }
    return out
  }

  const api = {
    /** Pin a CID. Recursive pins check every block of the DAG is present first (unless `complete`). */
    async add (cid: CID, options: PinAddOptions = {}): Promise<CID> {
      const recursive = options.recursive !== false
      const existing = await meta.get<PinRecord>(pinKey(cid))
      if (!recursive && existing?.type === 'recursive') {
        throw new PinError(`${cid.toString()} already pinned recursively`)
      }
      if (recursive && options.complete !== true) {
        const progress = { nodes: 0, bytes: 0 }
        for await (const entry of fetchDag(blocks, cid, { signal: options.signal })) {
          progress.nodes++
          progress.bytes += entry.bytes?.byteLength ?? 0
          options.onProgress?.(progress)
        }
      } else if (!await blocks.has(cid, options)) {
        await blocks.get(cid, options)
      }
      // the blocks must be on disk before the pin that needs them is
      await blocks.sync()
      const record: PinRecord = { type: recursive ? 'recursive' : 'direct' }
      const name = options.name ?? existing?.name
      if (name !== undefined && name !== '') record.name = name
      await meta.put(pinKey(cid), record)
      provide?.pinned(cid, recursive)
      return cid
    },

    async rm (cid: CID, options: AbortOptions & { recursive?: boolean } = {}): Promise<CID> {
      const existing = await meta.get<PinRecord>(pinKey(cid))
      // boxo's ErrNotPinned, for an indirect pin too
      if (existing === undefined) throw new NotPinnedError('not pinned or pinned indirectly')
      if (existing.type === 'recursive' && options.recursive === false) {
        throw new NotPinnedError(`${cid.toString()} is pinned recursively`)
      }
      await meta.delete(pinKey(cid))
      return cid
    },

    /** Move a recursive pin from one root to another (the new DAG is checked first) */
    async update (from: CID, to: CID, options: AbortOptions & { unpin?: boolean } = {}): Promise<void> {
      const existing = await meta.get<PinRecord>(pinKey(from))
      if (existing?.type !== 'recursive') throw new NotPinnedError(`'from' cid was not recursively pinned already`)
      if (from.equals(to)) return
      // boxo's pinner refuses to move a pin onto one that is there already
      if ((await meta.get<PinRecord>(pinKey(to)))?.type === 'recursive') throw new PinError("'to' cid was already recursively pinned")
      await api.add(to, { recursive: true, name: existing.name, signal: options.signal })
      if (options.unpin !== false) await meta.delete(pinKey(from))
    },

    /** Pins of the given type (default all), with indirect ones computed in one pass */
    async * ls (options: AbortOptions & { type?: PinType | 'all' } = {}): AsyncGenerator<PinEntry> {
      const type = options.type ?? 'all'
      for await (const { cid, record } of stored(options)) {
        if (type === 'all' || type === record.type) yield { cid, type: record.type, name: record.name }
      }
      if (type === 'all' || type === 'indirect') {
        // a CID pinned directly or recursively is listed as that, never as indirect (Kubo's pinLsAll)
        const own = new Set<string>()
        for await (const { cid } of stored(options)) own.add(mhKey(cid))
        for (const { cid } of (await indirectSet(options)).values()) {
          if (!own.has(mhKey(cid))) yield { cid, type: 'indirect' }
        }
      }
    },

    /** How specific CIDs are pinned; undefined for those that are not */
    async check (cids: CID[], options: AbortOptions & { indirectOnly?: boolean } = {}): Promise<Array<PinEntry | undefined>> {
      const out: Array<PinEntry | undefined> = []
      let indirect: Map<string, { cid: CID, via: CID }> | undefined
      for (const cid of cids) {
        // indirectOnly: is it under a recursive pin, whatever its own pin (Kubo's IsPinnedWithType(Indirect))
        const own = options.indirectOnly === true ? undefined : await meta.get<PinRecord>(pinKey(cid))
        if (own !== undefined) {
          out.push({ cid, type: own.type, name: own.name })
          continue
        }
        indirect ??= await indirectSet(options)
        const under = indirect.get(mhKey(cid))
        out.push(under !== undefined ? { cid, type: 'indirect', via: under.via } : undefined)
      }
      return out
    },

    async isPinned (cid: CID, options: AbortOptions = {}): Promise<boolean> {
      return (await api.pinReason(cid, options)) !== undefined
    },

    /** Why a CID is pinned: 'recursive', 'direct', 'indirect through <cid>', or undefined */
    async pinReason (cid: CID, options: AbortOptions = {}): Promise<string | undefined> {
      const own = await meta.get<PinRecord>(pinKey(cid))
      if (own !== undefined) return `pinned ${own.type === 'recursive' ? 'recursively' : 'directly'}`
      const via = (await indirectSet(options)).get(mhKey(cid))
      return via === undefined ? undefined : `pinned via ${via.via.toString()}`
    },

    /** Check every pin's DAG is present and hashes correctly */
    async * verify (options: AbortOptions = {}): AsyncGenerator<{ cid: CID, ok: boolean, badNodes: Array<{ cid: CID, err: string }> }> {
      for await (const { cid, record } of stored(options)) {
        const badNodes: Array<{ cid: CID, err: string }> = []
        const check = async (c: CID, bytes?: Uint8Array): Promise<void> => {
          try {
            await verifyBlock(c, bytes ?? await blocks.get(c, { ...options, offline: true }))
          } catch (err) {
            badNodes.push({ cid: c, err: toTsipfsError(err).message })
          }
        }
        if (record.type === 'direct') {
          await check(cid)
        } else {
          try {
            for await (const e of walkDag(blocks, cid, { signal: options.signal, readLeaves: true, offline: true })) await check(e.cid, e.bytes)
          } catch (err) {
            options.signal?.throwIfAborted()
            badNodes.push({ cid, err: toTsipfsError(err).message })
          }
        }
        yield { cid, ok: badNodes.length === 0, badNodes }
      }
    },

    /** Every CID GC must keep: pins plus registered roots, each with its DAG */
    async * roots (options: AbortOptions = {}): AsyncGenerator<{ cid: CID, recursive: boolean, bestEffort?: boolean }> {
      for await (const { cid, record } of stored(options)) yield { cid, recursive: record.type === 'recursive' }
      // registered roots may reference DAGs that are only partly local (MFS's lazy copies): keep what is here
      for await (const { value } of meta.list<string>(ROOTS_PREFIX)) {
        if (typeof value === 'string') yield { cid: CID.parse(value), recursive: true, bestEffort: true }
      }
    }
  }
  return api
}

export type PinsApi = ReturnType<typeof createPinsApi>
