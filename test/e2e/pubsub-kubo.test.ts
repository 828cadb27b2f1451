/**
 * Pubsub and IPNS over pubsub with Kubo, the reference implementation: a Kubo daemon and a tsipfs daemon
 * on loopback, both with Pubsub.Enabled, Ipns.UsePubsub and Routing.Type none. Messages go both ways over
 * gossipsub, and a name published on either side resolves on the other through pubsub alone.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { kuboRepo, startKuboDaemon } from '../helpers/kubo.ts'
import { daemon, rpcSub, waitFor } from '../helpers/pubsub.ts'

test('pubsub and IPNS over pubsub between Kubo and tsipfs', async (t) => {
  const k = await kuboRepo(t)
  if (k === undefined) return
  for (const [key, value] of [['Pubsub.Enabled', 'true'], ['Ipns.UsePubsub', 'true'], ['Routing.Type', '"none"']]) await k.ok(['config', '--json', key as string, value as string])
  const kd = await startKuboDaemon(t, k)
  const ours = await daemon(t, { 'Pubsub.Enabled': true, 'Ipns.UsePubsub': true, 'Routing.Type': 'none' })
  const kuboId = (await k.ok(['id', '-f', '<id>'])).trim()
  const kuboAddr = (await k.ok(['id', '-f', '<addrs>'])).split('\n').find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(a))
  assert.ok(kuboAddr !== undefined)
  assert.equal(await ours.h.ok(['swarm', 'connect', kuboAddr]), `connect ${kuboId} success\n`)

  await t.test('messages both ways', async (st) => {
    const atKubo = await rpcSub(st, kd.url, 'kubo-topic')
    const atOurs = await rpcSub(st, ours.d.url, 'kubo-topic')
    await waitFor(async () => (await ours.h.ok(['pubsub', 'peers', 'kubo-topic'])).includes(kuboId), 'tsipfs to see Kubo subscribed')
    await waitFor(async () => (await k.ok(['pubsub', 'peers', 'kubo-topic'])).includes(ours.id), 'Kubo to see tsipfs subscribed')
    await ours.h.ok(['pubsub', 'pub', 'kubo-topic'], { input: 'from tsipfs' })
    // Kubo's own wire format for what it received from us
    const got = await atKubo.waitData('from tsipfs')
    assert.equal(got.from, ours.id)
    assert.equal((await atOurs.waitData('from tsipfs')).from, ours.id)
    await k.ok(['pubsub', 'pub', 'kubo-topic'], { input: 'from kubo' })
    assert.equal((await atOurs.waitData('from kubo')).from, kuboId)
    // a second message from us is not dropped by Kubo's per-peer seqno validator
    await ours.h.ok(['pubsub', 'pub', 'kubo-topic'], { input: 'again from tsipfs' })
    await atKubo.waitData('again from tsipfs')
  })

  await t.test('a name published on either side resolves on the other', async () => {
    const kuboName = (await k.ok(['key', 'gen', 'kk', '--ipns-base=base36'])).trim()
    const ourName = (await ours.h.ok(['key', 'gen', 'ok'])).trim()
    // first lookups subscribe to the names' topics
    assert.equal((await ours.h.run(['name', 'resolve', kuboName])).code, 1)
    assert.notEqual((await k.run(['name', 'resolve', '--dht-timeout=2s', ourName])).code, 0)
    const kuboCid = (await k.ok(['add', '-Q'], { input: 'kubo content' })).trim()
    const ourCid = (await ours.h.ok(['add', '-Q'], { input: 'tsipfs content' })).trim()
    await k.ok(['name', 'publish', '--key=kk', `/ipfs/${kuboCid}`])
    await ours.h.ok(['name', 'publish', '--key=ok', `/ipfs/${ourCid}`])
    assert.equal(await waitFor(async () => { const r = await ours.h.run(['name', 'resolve', kuboName]); return r.code === 0 ? r.stdout.trim() : undefined }, 'tsipfs to resolve Kubo\'s name'), `/ipfs/${kuboCid}`)
    assert.equal(await waitFor(async () => { const r = await k.run(['name', 'resolve', '--dht-timeout=2s', ourName]); return r.code === 0 ? r.stdout.trim() : undefined }, 'Kubo to resolve our name'), `/ipfs/${ourCid}`)
  })
})
