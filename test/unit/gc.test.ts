import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode, type TsipfsNode } from '../../src/core/node.ts'
import { initRepo } from '../../src/core/repo/repo.ts'
import type { InputEntry } from '../../src/commands/command.ts'

/** A node on a fresh repo in a temporary folder, stopped and removed when the test ends */
async function tempNode (t: TestContext): Promise<TsipfsNode> {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-gc-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await initRepo(dir, { profiles: ['test'] })
  const node = await createNode({ repoPath: dir })
  t.after(async () => { await node.stop() })
  return node
}

async function * slowFile (name: string, chunks: number, gate: Promise<void>): AsyncGenerator<InputEntry> {
  yield {
    path: name,
    type: 'file',
    content: (async function * () {
      for (let i = 0; i < chunks; i++) {
        if (i === 1) await gate // the add is half-way when GC is asked to run
        yield new Uint8Array(100_000).fill(i)
      }
    })()
  }
}

test('GC running during an add removes nothing the add writes, and the add completes and is pinned', async (t) => {
  const node = await tempNode(t)

  // garbage that GC must remove
  const loose = await node.block.put(new TextEncoder().encode('garbage'))
  let release = (): void => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  const adding = (async () => {
    let root
    for await (const r of node.unixfs.add(slowFile('f', 40, gate))) root = r
    return root
  })()
  await new Promise(resolve => setTimeout(resolve, 50))
  // GC starts while the add holds the lock shared; it must wait for the add and its pin
  const collecting = (async () => {
    const removed: string[] = []
    for await (const r of node.repo.gc()) if (r.cid !== undefined) removed.push(r.cid.toString())
    return removed
  })()
  release()
  const [root, removed] = await Promise.all([adding, collecting])
  assert.ok(root !== undefined)
  assert.deepEqual(removed, [loose.Key.toV1().toString()])
  let total = 0
  for await (const chunk of node.unixfs.cat(root.cid.toString())) total += chunk.byteLength
  assert.equal(total, 40 * 100_000)
  const [pin] = await node.pins.check([root.cid])
  assert.equal(pin?.type, 'recursive')
})

test('an add started while GC runs waits for it, then writes everything', async (t) => {
  const node = await tempNode(t)
  for (let i = 0; i < 200; i++) await node.block.put(new TextEncoder().encode(`garbage ${i}`))
  const gc = node.repo.gc()
  const first = await gc.next() // GC holds the lock now
  assert.equal(first.done, false)
  const adding = (async () => {
    let root
    for await (const r of node.unixfs.add(slowFile('g', 5, Promise.resolve()))) root = r
    return root
  })()
  let count = 1
  for await (const r of gc) if (r.cid !== undefined) count++
  assert.equal(count, 200)
  const root = await adding
  assert.ok(root !== undefined)
  assert.equal((await node.repo.stat()).NumObjects, 3) // root + 2 distinct leaves (chunks 0..4 of 100 kB)
})
