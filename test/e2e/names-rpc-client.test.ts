/**
 * kubo-rpc-client against our daemon for the key and name APIs: the JSON shapes it parses (key gen, list,
 * rename, rm; name publish, the NDJSON stream of name resolve).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { create } from 'kubo-rpc-client'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

test('kubo-rpc-client: key and name', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })

  const gen = await client.key.gen('blog', { type: 'ed25519' })
  assert.equal(gen.name, 'blog')
  assert.match(gen.id, /^k51/)
  const listed = await client.key.list()
  assert.deepEqual(listed.map(k => k.name), ['self', 'blog'])
  assert.equal(listed[1]?.id, gen.id)
  const renamed = await client.key.rename('blog', 'site')
  assert.deepEqual(renamed, { was: 'blog', now: 'site', id: gen.id, overwrite: false })

  const { cid } = await client.add('hello from the rpc client', { cidVersion: 1 })
  const published = await client.name.publish(`/ipfs/${cid.toString()}`, { key: 'site', allowOffline: true })
  assert.deepEqual(published, { name: gen.id, value: `/ipfs/${cid.toString()}` })
  const paths: string[] = []
  for await (const p of client.name.resolve(`/ipns/${gen.id}`)) paths.push(p)
  assert.deepEqual(paths, [`/ipfs/${cid.toString()}`])

  const removed = await client.key.rm('site')
  assert.deepEqual(removed, { name: 'site', id: gen.id })
  await assert.rejects(client.key.rm('site'), /no key named site was found/)
})
