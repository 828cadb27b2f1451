/** `refs`: the links below a root, depth-first in link order as Kubo lists them */
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from '../blocks/store.ts'
import { codecByCode } from '../blocks/codecs.ts'
import { linksOf } from './links.ts'
import { breathe } from '../breathe.ts'

export interface RefsOptions extends AbortOptions {
  recursive?: boolean
  unique?: boolean
  /** -1 = no limit; recursive without maxDepth is -1, non-recursive is 1 */
  maxDepth?: number
  /**
   * With `unique`: the CIDs already listed and the depth they were seen at, shared between the roots of one
   * `refs` run as Kubo's RefWriter shares them
   */
  seen?: Map<string, number>
}

export interface Ref {
  source: CID
  target: CID
  name: string
}

export async function * refs (blocks: BlockStore, root: CID, options: RefsOptions = {}): AsyncGenerator<Ref> {
  const maxDepth = options.maxDepth ?? (options.recursive === true ? -1 : 1)
  const seen = options.seen ?? new Map<string, number>()
  async function * visit (cid: CID, depth: number): AsyncGenerator<Ref> {
    if (maxDepth !== -1 && depth >= maxDepth) return
    if (cid.code === 0x55 || cid.multihash.code === 0x00) return
    await breathe()
    options.signal?.throwIfAborted()
    const bytes = await blocks.get(cid, options)
    for (const link of linksOf(codecByCode(cid.code), bytes)) {
      // Kubo's RefWriter.visit: with --unique a CID is listed once (keyed by the whole CID); a branch seen
      // before is walked again only when it is now higher in the DAG and a depth limit cut it short
      let print = true
      if (options.unique === true) {
        const key = link.cid.toString()
        const before = seen.get(key)
        if (before !== undefined && (maxDepth === -1 || before <= depth + 1)) continue
        seen.set(key, depth + 1)
        print = before === undefined
      }
      if (print) yield { source: cid, target: link.cid, name: link.name ?? '' }
      yield * visit(link.cid, depth + 1)
    }
  }
  yield * visit(root, 0)
}
