/**
 * The provide queue (src/core/routing/queue.ts) announces what was written once the writes pause, at the
 * latest MAX_WAIT after the first entry that waits, and at once when a batch is full. Node's mock timers
 * drive the clock: no real waiting, no timings.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { ProvideQueue, type ProvideEntry } from '../../src/core/routing/queue.ts'
import type { Repo } from '../../src/core/repo/repo.ts'

async function cid (i: number): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(String(i))))
}

/** Let the queue's promise callbacks run */
async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

test('announces once writes pause, at most MAX_WAIT after the first, and a full batch at once', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
  const repo = { config: { Provide: { Enabled: true, Strategy: 'all' } } } as unknown as Repo
  const queue = new ProvideQueue(repo)
  const batches: ProvideEntry[][] = []
  queue.attach(async (entries) => { batches.push(entries) })
  const cids = await Promise.all(Array.from({ length: 100 }, async (_, i) => await cid(i)))

  // a steady flow of writes, one every 100 ms: nothing is announced while it lasts
  for (let i = 0; i < 20; i++) {
    queue.block(cids[i] as CID)
    t.mock.timers.tick(100)
    await settle()
  }
  assert.equal(batches.length, 0)
  // the flow stops: one batch of all 20, after the pause
  t.mock.timers.tick(250)
  await settle()
  assert.equal(batches.length, 1)
  assert.equal(batches[0]?.length, 20)

  // a flow that does not stop is announced every MAX_WAIT (10 s): 100 writes, 150 ms apart (15 s)
  for (let i = 0; i < 100; i++) {
    queue.block(cids[i] as CID)
    t.mock.timers.tick(150)
    await settle()
  }
  assert.equal(batches.length, 2)
  assert.ok((batches[1]?.length ?? 0) >= 60 && (batches[1]?.length ?? 0) <= 70, `the first 10 s of writes: ${batches[1]?.length}`)
  t.mock.timers.tick(250)
  await settle()
  assert.equal(batches.length, 3)
  assert.equal((batches[1]?.length ?? 0) + (batches[2]?.length ?? 0), 100)

  // the same CID twice in one batch is announced once
  queue.block(cids[0] as CID)
  queue.block(cids[0] as CID)
  t.mock.timers.tick(250)
  await settle()
  assert.equal(batches[3]?.length, 1)

  // a full batch (4096 entries) goes at once, without waiting for a pause
  const many = await Promise.all(Array.from({ length: 4096 }, async (_, i) => await cid(1000 + i)))
  for (const c of many) queue.block(c)
  await settle()
  assert.equal(batches.length, 5)
  assert.equal(batches[4]?.length, 4096)

  // Provide.Enabled=false: nothing is queued
  ;(repo as unknown as { config: unknown }).config = { Provide: { Enabled: false } }
  queue.block(cids[1] as CID)
  assert.equal(queue.size, 0)
  queue.attach(undefined)
})
