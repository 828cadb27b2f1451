/** Walk a DAG breadth-first over local blocks, decoding each block with its codec to find its links. */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from '../blocks/store.ts'
import { codecByCode } from '../blocks/codecs.ts'
import { linksOf } from './links.ts'
import { breathe } from '../breathe.ts'

export interface WalkOptions extends AbortOptions {
  /** Do not yield the root itself */
  skipRoot?: boolean
  /** Visit each block once (default true) */
  unique?: boolean
  /** Stop descending below this depth (root = 0); -1 for no limit */
  maxDepth?: number
  /** Multihashes (as `bytes.toString()` keys) already known: neither yielded nor descended into */
  seen?: Set<string>
  /**
   * Raw and identity blocks have no links; by default they are yielded without reading them (bytes is
   * undefined). Set to read them too (to check they are present or to verify them).
   */
  readLeaves?: boolean
  /** Pass over blocks that are not in the store (GC's best-effort roots, such as the MFS root) */
  skipMissing?: boolean
  /** Read only local blocks, never fetch from peers */
  offline?: boolean
}

export interface WalkEntry {
  cid: CID
  /** undefined for raw leaves not read (see readLeaves) */
  bytes?: Uint8Array
  depth: number
  /** the CID of the block that linked here, and the link's name */
  parent?: CID
  name?: string
}

const NO_LINKS = new Set([0x55, 0x00])
/** What the walks do not descend into: raw and identity-codec blocks, and CIDs with an identity multihash */
const noLinks = (cid: CID): boolean => NO_LINKS.has(cid.code) || cid.multihash.code === 0x00
/**
 * Blocks read ahead of a walk (see walkDag). Bitswap splits them over the providers, and the walk waits for
 * them in order, so each provider needs enough of them to keep busy: with 32, `pin add` of 64 MiB from
 * three providers took 1.1-2.6 s; with 96, 0.72-0.79 s (4 runs each, 2 cores; one provider: no change).
 * At most 24 MiB of 256 KiB blocks.
 */
export const PREFETCH = 96

/** The key used to recognise a block whatever its CID version or codec */
export function mhKey (cid: CID): string {
  return cid.multihash.bytes.toString()
}

export async function * walkDag (blocks: BlockStore, root: CID, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const seen = options.seen ?? new Set<string>()
  const unique = options.unique !== false
  const maxDepth = options.maxDepth ?? -1
  let queue: Array<{ cid: CID, depth: number, parent?: CID, name?: string }> = [{ cid: root, depth: 0 }]
  const needsRead = (cid: CID): boolean => options.readLeaves === true || !noLinks(cid)
  // Reads run up to PREFETCH blocks ahead of the walk: a block missing here is fetched from peers, and one
  // round trip per block made `pin add` of a 256 MiB file crawl at ~11 MB/s (bench/transfer). Off for
  // skipMissing walks (GC), which only read local blocks.
  const ahead = options.skipMissing === true ? 0 : PREFETCH
  while (queue.length > 0) {
    const next: typeof queue = []
    const reads = new Map<number, Promise<Uint8Array>>()
    let scheduled = 0
    const schedule = (upTo: number): void => {
      for (; scheduled < Math.min(upTo, queue.length); scheduled++) {
        const cid = (queue[scheduled] as { cid: CID }).cid
        if (!needsRead(cid) || (unique && seen.has(mhKey(cid)))) continue
        const read = blocks.get(cid, options)
        read.catch(() => {}) // awaited in order below; a failure surfaces there
        reads.set(scheduled, read)
      }
    }
    for (const [index, item] of queue.entries()) {
      await breathe()
      options.signal?.throwIfAborted()
      const key = mhKey(item.cid)
      if (unique && seen.has(key)) {
        reads.delete(index)
        continue
      }
      seen.add(key)
      const leaf = noLinks(item.cid)
      let bytes: Uint8Array | undefined
      if (!leaf || options.readLeaves === true) {
        if (options.skipMissing === true && !await blocks.has(item.cid, options)) continue
        schedule(index + 1 + ahead)
        const read = reads.get(index)
        reads.delete(index)
        bytes = await (read ?? blocks.get(item.cid, options))
      }
      if (!(options.skipRoot === true && item.depth === 0)) {
        yield { cid: item.cid, bytes, depth: item.depth, parent: item.parent, name: item.name }
      }
      if (leaf || bytes === undefined || (maxDepth !== -1 && item.depth >= maxDepth)) continue
      for (const link of linksOf(codecByCode(item.cid.code), bytes)) {
        next.push({ cid: link.cid, depth: item.depth + 1, parent: item.cid, name: link.name })
      }
    }
    queue = next
  }
}

/**
 * Every block of a DAG, read (leaves too) and yielded in the order they arrive, not in walk order: for
 * `pin add`, which only needs them all present. walkDag waits for its reads in order, so one slow block
 * held back the blocks behind it, and with several providers the ones that had answered sat idle until
 * it came; here PREFETCH reads stay in flight all the time, whichever provider is slow.
 */
export async function * fetchDag (blocks: BlockStore, root: CID, options: AbortOptions = {}): AsyncGenerator<WalkEntry> {
  // reads still in flight when the walk ends early (an error, or the caller stopped) are cancelled
  const stop = new AbortController()
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal])
  const seen = new Set<string>()
  let queue: Array<{ cid: CID, depth: number }> = [{ cid: root, depth: 0 }]
  let head = 0
  const done: Array<{ ok: true, entry: WalkEntry } | { ok: false, error: unknown }> = []
  let inflight = 0
  let wake: (() => void) | undefined
  const settle = (result: (typeof done)[number]): void => {
    inflight--
    done.push(result)
    wake?.()
  }
  try {
    while (head < queue.length || inflight > 0 || done.length > 0) {
      signal.throwIfAborted()
      while (inflight < PREFETCH && head < queue.length) {
        const item = queue[head++] as { cid: CID, depth: number }
        const key = mhKey(item.cid)
        if (seen.has(key)) continue
        seen.add(key)
        inflight++
        blocks.get(item.cid, { signal }).then(
          bytes => { settle({ ok: true, entry: { cid: item.cid, bytes, depth: item.depth } }) },
          (error: unknown) => { settle({ ok: false, error }) }
        )
      }
      if (head > 4096) { queue = queue.slice(head); head = 0 }
      const next = done.shift()
      if (next === undefined) {
        await new Promise<void>(resolve => { wake = resolve })
        wake = undefined
        continue
      }
      if (!next.ok) throw next.error
      await breathe()
      const { entry } = next
      yield entry
      const { cid, bytes } = entry
      if (noLinks(cid) || bytes === undefined) continue
      for (const link of linksOf(codecByCode(cid.code), bytes)) queue.push({ cid: link.cid, depth: entry.depth + 1 })
    }
  } finally {
    stop.abort()
  }
}
