import { test } from 'node:test'
import assert from 'node:assert/strict'
import { create } from 'kubo-rpc-client'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

test('kubo-rpc-client: get, dag import, config replace, pin addAll, pin ls --stream, stats, stop', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })
  const added = []
  for await (const e of client.addAll([{ path: 'd/a', content: 'aaa' }, { path: 'd/b/c', content: 'ccc' }])) added.push(e)
  const root = added[added.length - 1]
  assert.ok(root !== undefined)
  const chunks: Uint8Array[] = []
  for await (const c of client.get(root.cid)) chunks.push(c)
  const tar = Buffer.concat(chunks)
  assert.ok(tar.includes(Buffer.from('ccc')))
  const car: Uint8Array[] = []
  for await (const c of client.dag.export(root.cid)) car.push(c)
  const other = await harness(t)
  const d2 = await startDaemon(t, other)
  const client2 = create({ url: `${d2.url}/api/v0` })
  const imported = []
  for await (const r of client2.dag.import((async function * () { yield Buffer.concat(car) })())) imported.push(r)
  assert.equal(imported[0]?.root.cid.toString(), root.cid.toString())
  const cfg = await client.config.getAll()
  ;(cfg as Record<string, any>).Datastore.StorageMax = '7GB'
  await client.config.replace(cfg)
  assert.equal(await client.config.get('Datastore.StorageMax'), '7GB')
  const events = []
  for await (const e of client.pin.addAll([{ cid: root.cid }])) events.push(e)
  assert.equal(events[0]?.toString(), root.cid.toString())
  const streamed = []
  for await (const p of client.pin.ls({ type: 'recursive', stream: true } as never)) streamed.push(p.cid.toString())
  assert.ok(streamed.includes(root.cid.toString()))
  const bw = []
  for await (const b of client.stats.bw()) bw.push(b)
  assert.equal(Number(bw[0]?.totalIn), 0)
  // with poll the daemon streams until the client stops reading
  const polled = []
  for await (const b of client.stats.bw({ poll: true, interval: '20ms' })) {
    polled.push(b)
    if (polled.length === 3) break
  }
  assert.equal(polled.length, 3)
  assert.ok((await client.stats.repo()).numObjects > 0n)
  await client.stop()
  assert.equal(await d.exited, 0)
})
