/** kubo-rpc-client, unchanged, against our daemon */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { create } from 'kubo-rpc-client'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

async function collect (source: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts).toString()
}

test('kubo-rpc-client: add, addAll with directories, cat, ls, refs, block, dag, pin, repo, config, id, version', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })

  const one = await client.add('hello\n')
  assert.equal(one.cid.toString(), 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN')
  assert.equal(await collect(client.cat(one.cid)), 'hello\n')

  const entries = []
  for await (const e of client.addAll([
    { path: 'dir/a.txt', content: 'a' },
    { path: 'dir/sub/b.txt', content: 'b'.repeat(300000) },
    { path: 'dir/empty' }
  ], { wrapWithDirectory: false })) entries.push(e)
  const root = entries.find(e => e.path === 'dir')
  assert.ok(root !== undefined, `a root entry among ${entries.map(e => e.path).join(', ')}`)
  const offline = await harness(t)
  const { mkdir, writeFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  await mkdir(join(offline.dir, 'dir', 'sub'), { recursive: true })
  await mkdir(join(offline.dir, 'dir', 'empty'))
  await writeFile(join(offline.dir, 'dir', 'a.txt'), 'a')
  await writeFile(join(offline.dir, 'dir', 'sub', 'b.txt'), 'b'.repeat(300000))
  assert.equal(root.cid.toString(), (await offline.ok(['add', '-r', '-Q', '--only-hash', join(offline.dir, 'dir')])).trim())

  const names = []
  for await (const l of client.ls(root.cid)) names.push(l.name)
  assert.deepEqual(names, ['a.txt', 'empty', 'sub'])
  const refs = []
  for await (const r of client.refs(root.cid, { recursive: true })) refs.push(r.ref)
  assert.ok(refs.length >= 4)

  const block = await client.block.put(new TextEncoder().encode('raw block'))
  assert.match(block.toString(), /^bafkrei/)
  assert.equal((await client.block.stat(block)).size, 9)
  assert.equal(Buffer.from(await client.block.get(block)).toString(), 'raw block')

  const node = await client.dag.put({ hello: 'world', link: root.cid })
  const got = await client.dag.get(node)
  assert.equal((got.value as { hello: string }).hello, 'world')
  const car = []
  for await (const chunk of client.dag.export(root.cid)) car.push(chunk)
  assert.ok(Buffer.concat(car).length > 300000)

  await client.pin.add(node)
  const pins = []
  for await (const p of client.pin.ls({ type: 'recursive' })) pins.push(p.cid.toString())
  assert.ok(pins.includes(node.toString()))
  await client.pin.rm(node)
  const removed = []
  for await (const r of client.repo.gc()) if (r.cid !== undefined) removed.push(r.cid.toString())
  assert.ok(removed.length >= 1)
  const stat = await client.repo.stat()
  assert.ok(stat.numObjects > 0n)

  assert.equal(await client.config.get('Addresses.API'), '/ip4/127.0.0.1/tcp/0')
  await client.config.set('Datastore.StorageMax', '3GB')
  assert.equal(await client.config.get('Datastore.StorageMax'), '3GB')

  const id = await client.id()
  assert.match(id.id.toString(), /^12D3KooW/)
  assert.equal((await client.version()).version, '0.1.0')
})
