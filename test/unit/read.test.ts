/** The file reader (src/core/unixfs/read.ts) returns exactly the bytes asked for, whatever the DAG shape. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/core/node.ts'
import { initRepo } from '../../src/core/repo/repo.ts'
import { prngBytes } from '../vectors/inputs.ts'

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

test('cat and files read give the right bytes for any range, over balanced, trickle and sparse DAGs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-read-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await initRepo(dir, { profiles: ['test'] })
  const node = await createNode({ repoPath: dir })
  t.after(async () => { await node.stop() })
  const data = prngBytes('read-ranges', 3_000_000)
  const cids: string[] = []
  for (const opts of [{ chunker: 'size-1000', maxFileLinks: 3 }, { chunker: 'size-4096', trickle: true }, { rawLeaves: true, cidVersion: 1 }]) {
    for await (const r of node.unixfs.add((async function * () { yield { path: 'f', type: 'file' as const, content: (async function * () { yield data })() } })(), opts)) cids.push(r.cid.toString())
  }
  // an MFS file with a zero-filled gap and a patch in the middle
  await node.files.write('/sparse', (async function * () { yield data.subarray(0, 1000) })(), { create: true })
  await node.files.write('/sparse', (async function * () { yield data.subarray(0, 5000) })(), { offset: 600_000 })
  const sparse = Buffer.alloc(605_000)
  sparse.set(data.subarray(0, 1000), 0)
  sparse.set(data.subarray(0, 5000), 600_000)
  const sparseCid = (await node.files.file('/sparse')).cid.toString()

  const ranges = [[0, undefined], [0, 1], [999, 2], [1000, 1000], [123_456, 789_012], [2_999_999, 10], [3_000_000, 5], [2_000_000, undefined], [5, 0]]
  for (const cid of cids) {
    for (const [offset, length] of ranges) {
      const got = await collect(node.unixfs.cat(`/ipfs/${cid}`, { offset, length }))
      const end = length === undefined ? undefined : (offset as number) + length
      assert.ok(got.equals(Buffer.from(data.subarray(offset, end))), `${cid} offset ${offset} length ${length}`)
    }
  }
  for (const [offset, length] of [[0, undefined], [999, 10], [500_000, 200_000], [604_990, 100]]) {
    const got = await collect(node.unixfs.cat(`/ipfs/${sparseCid}`, { offset, length }))
    const end = length === undefined ? undefined : (offset as number) + length
    assert.ok(got.equals(sparse.subarray(offset, end)), `sparse offset ${offset} length ${length}`)
  }
})
