import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as dagPB from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import type { AbortOptions } from '@libp2p/interface'
import { fetchDag, PREFETCH } from '../../src/core/dag/walk.ts'
import type { BlockStore } from '../../src/core/blocks/store.ts'

/**
 * The store as a walk sees it, kept in memory: each read is answered after the delay `delayOf` gives its
 * CID (as Bitswap answers, in whatever order the providers send), and honours its abort signal.
 */
class SlowStore implements Pick<BlockStore, 'get'> {
  readonly blocks = new Map<string, Uint8Array>()
  inflight = 0
  maxInflight = 0
  aborted = 0
  readonly delayOf: (cid: CID) => number

  constructor (delayOf: (cid: CID) => number) {
    this.delayOf = delayOf
  }

  async get (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    this.inflight++
    this.maxInflight = Math.max(this.maxInflight, this.inflight)
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => { clearTimeout(timer); this.aborted++; reject(new Error('aborted')) }
        const timer = setTimeout(() => { options?.signal?.removeEventListener('abort', onAbort); resolve() }, this.delayOf(cid))
        options?.signal?.addEventListener('abort', onAbort, { once: true })
      })
      const bytes = this.blocks.get(cid.toString())
      if (bytes === undefined) throw new Error(`missing ${cid.toString()}`)
      return bytes
    } finally {
      this.inflight--
    }
  }
}

async function rawLeaf (store: SlowStore, i: number): Promise<CID> {
  const bytes = new TextEncoder().encode(`leaf ${i}`)
  const cid = CID.createV1(raw.code, await sha256.digest(bytes))
  store.blocks.set(cid.toString(), bytes)
  return cid
}

async function node (store: SlowStore, links: CID[]): Promise<CID> {
  const bytes = dagPB.encode(dagPB.prepare({ Links: links.map(l => ({ Hash: l, Name: '' })) }))
  const cid = CID.createV1(dagPB.code, await sha256.digest(bytes))
  store.blocks.set(cid.toString(), bytes)
  return cid
}

const asStore = (s: SlowStore): BlockStore => s as unknown as BlockStore

test('fetchDag reads every block of a DAG once, leaves too, and yields them as they arrive', async () => {
  let slow: CID | undefined
  const store = new SlowStore(cid => cid.equals(slow) ? 200 : 1)
  const leaves = await Promise.all(Array.from({ length: 300 }, async (_, i) => await rawLeaf(store, i)))
  slow = leaves[0]
  // two subtrees sharing a leaf, and the same leaf linked twice: each block is read and yielded once
  const left = await node(store, leaves.slice(0, 150))
  const right = await node(store, [...leaves.slice(149), leaves[7] as CID])
  const root = await node(store, [left, right])
  const order: string[] = []
  for await (const e of fetchDag(asStore(store), root)) {
    assert.ok(e.bytes instanceof Uint8Array)
    order.push(e.cid.toString())
  }
  assert.equal(order.length, 303)
  assert.equal(new Set(order).size, 303)
  assert.equal(order[0], root.toString())
  // the slow first leaf did not hold back the 299 behind it
  assert.equal(order.at(-1), leaves[0]?.toString())
  assert.ok(store.maxInflight <= PREFETCH, `${store.maxInflight} reads in flight`)
  assert.equal(store.maxInflight, PREFETCH)
})

test('fetchDag throws the error of a block it cannot read, and cancels the reads still in flight', async () => {
  const missing = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('not stored')))
  // the missing block fails at once; the 20 leaves beside it take long
  const store = new SlowStore(cid => cid.equals(missing) ? 1 : cid.code === raw.code ? 5000 : 1)
  const leaves = await Promise.all(Array.from({ length: 20 }, async (_, i) => await rawLeaf(store, i)))
  const root = await node(store, [missing, ...leaves])
  await assert.rejects(async () => {
    for await (const _ of fetchDag(asStore(store), root)) { /* drain */ }
  }, /missing/)
  assert.equal(store.aborted, 20)
  assert.equal(store.inflight, 0)
})
