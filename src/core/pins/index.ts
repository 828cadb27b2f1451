/**
 * Pins: recursive (the root and its whole DAG), direct (the block alone) and, derived from those, indirect
 * (a block inside a recursively pinned DAG). Stored in the meta store under `pins/<cid>` as
 * `{ type, name }`, written only after every block of the DAG is present and committed.
 */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import { NotPinnedError } from '../errors.ts'
import { walkDag } from '../dag/walk.ts'

export type PinType = 'recursive' | 'direct' | 'indirect'

export interface PinRecord {
  type: 'recursive' | 'direct'
  name?: string
}

const PREFIX = 'pins/'

function pinKey (cid: CID): string {
  return PREFIX + cid.toV1().toString()
}

export function createPinsApi ({ blocks, meta }: Pick<Components, 'blocks' | 'meta' | 'gcLock'>) {
  const api = {
    /** Pin a CID. Recursive pins fetch/check every block of the DAG first. */
    async add (cid: CID, options: AbortOptions & { recursive?: boolean, name?: string } = {}): Promise<CID> {
      const recursive = options.recursive !== false
      if (recursive) {
        for await (const _ of walkDag(blocks, cid, { signal: options.signal })) { /* every block must be present */ }
      } else {
        await blocks.get(cid, options)
      }
      const existing = await meta.get<PinRecord>(pinKey(cid))
      if (existing?.type === 'recursive' && !recursive) return cid
      const record: PinRecord = { type: recursive ? 'recursive' : 'direct' }
      if (options.name !== undefined && options.name !== '') record.name = options.name
      else if (existing?.name !== undefined) record.name = existing.name
      await meta.put(pinKey(cid), record)
      return cid
    },

    async rm (cid: CID, options: AbortOptions & { recursive?: boolean } = {}): Promise<CID> {
      const existing = await meta.get<PinRecord>(pinKey(cid))
      if (existing === undefined) throw new NotPinnedError('not pinned or pinned indirectly')
      if (existing.type === 'recursive' && options.recursive === false) {
        throw new NotPinnedError(`${cid.toString()} is pinned recursively`)
      }
      await meta.delete(pinKey(cid))
      return cid
    },

    /** Direct and recursive pins as stored */
    async * list (options: AbortOptions = {}): AsyncGenerator<{ cid: CID, type: 'recursive' | 'direct', name?: string }> {
      for await (const { key, value } of meta.list<PinRecord>(PREFIX)) {
        options.signal?.throwIfAborted()
        yield { cid: CID.parse(key.slice(PREFIX.length)), type: value.type, name: value.name }
      }
    },

    async isPinned (cid: CID, options: AbortOptions = {}): Promise<boolean> {
      return (await api.pinReason(cid, options)) !== undefined
    },

    /** Why a CID is pinned: 'recursive', 'direct', 'indirect through <cid>', or undefined */
    async pinReason (cid: CID, options: AbortOptions = {}): Promise<string | undefined> {
      const own = await meta.get<PinRecord>(pinKey(cid))
      if (own !== undefined) return own.type
      const want = cid.multihash.bytes.toString()
      for await (const pin of api.list(options)) {
        if (pin.type !== 'recursive') continue
        for await (const { cid: child } of walkDag(blocks, pin.cid, { signal: options.signal, skipRoot: true })) {
          if (child.multihash.bytes.toString() === want) return `indirect through ${pin.cid.toString()}`
        }
      }
      return undefined
    }
  }
  return api
}

export type PinsApi = ReturnType<typeof createPinsApi>
