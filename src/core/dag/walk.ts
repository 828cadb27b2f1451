/** Walk a DAG breadth-first over local blocks, decoding each block with its codec to find its links. */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from '../blocks/store.ts'
import { codecByCode } from '../blocks/codecs.ts'
import { linksOf } from './links.ts'

export interface WalkOptions extends AbortOptions {
  /** Do not yield the root itself */
  skipRoot?: boolean
  /** Visit each block once (default true) */
  unique?: boolean
  /** Stop descending below this depth (root = 0); -1 for no limit */
  maxDepth?: number
}

export interface WalkEntry {
  cid: CID
  bytes: Uint8Array
  depth: number
  /** the CID of the block that linked here, and the link's name */
  parent?: CID
  name?: string
}

export async function * walkDag (blocks: BlockStore, root: CID, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const seen = new Set<string>()
  const unique = options.unique !== false
  const maxDepth = options.maxDepth ?? -1
  let queue: Array<{ cid: CID, depth: number, parent?: CID, name?: string }> = [{ cid: root, depth: 0 }]
  while (queue.length > 0) {
    const next: typeof queue = []
    for (const item of queue) {
      options.signal?.throwIfAborted()
      const key = item.cid.multihash.bytes.toString()
      if (unique && seen.has(key)) continue
      seen.add(key)
      const bytes = await blocks.get(item.cid, options)
      if (!(options.skipRoot === true && item.depth === 0)) {
        yield { cid: item.cid, bytes, depth: item.depth, parent: item.parent, name: item.name }
      }
      if (maxDepth !== -1 && item.depth >= maxDepth) continue
      const codec = codecByCode(item.cid.code === 0x00 ? 0x55 : item.cid.code)
      for (const link of linksOf(codec, bytes)) {
        next.push({ cid: link.cid, depth: item.depth + 1, parent: item.cid, name: link.name })
      }
    }
    queue = next
  }
}
