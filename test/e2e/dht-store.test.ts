/**
 * The DHT records a node holds for others are kept in its repo (libp2p's datastore:
 * src/core/network/datastore.ts). Two tsipfs daemons on 127.0.0.1 (test profile, LAN DHT, no bootstrap
 * peers): A, connected to B, provides a CID and publishes its IPNS name (an in-process DHT node checks
 * that B holds the records), so B stores a provider record and an IPNS record
 * for A. `repo gc`, `repo stat` and `repo verify` on B neither count nor touch them. A is stopped and B
 * killed with SIGKILL, then B is started again on its repo: a new node C, connected to B only, finds A as
 * the provider and resolves A's name from B's stored records, and B answers both itself. B never resolved
 * the name before the restart, so what answers is the DHT's record store, not the names' own.
 */
import { test, type TestContext } from 'node:test'
import type { Libp2p } from 'libp2p'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { kadDHT, passthroughMapper, EventTypes, type KadDHT } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import { ipnsValidator } from 'ipns/validator'
import { ipnsSelector } from 'ipns/selector'
import { multihashToIPNSRoutingKey } from 'ipns'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'
import { configure, online, plainNode, until, type Online } from '../helpers/swarm.ts'

/** DHT only (no pubsub, so IPNS goes through the DHT), no bootstrap peers */
function dhtOnly (c: Record<string, any>): void {
  c.Bootstrap = []
  c.Routing = { ...c.Routing, Type: 'dht' }
  c.Ipns = { ...c.Ipns, UsePubsub: false }
  c.Pubsub = { ...c.Pubsub, Enabled: false }
}

/** `from` connects to `to` and waits until its DHT routing table holds `to` (a lookup of `to` starts from it) */
async function meet (from: Online, to: { id: string, addr: string }): Promise<void> {
  await from.h.ok(['swarm', 'connect', to.addr])
  await until(async () => (await from.h.run(['dht', 'query', to.id])).stdout.includes(to.id), `${to.id} in the routing table`, AbortSignal.timeout(30_000))
}

/** An in-process LAN DHT server connected to `peer`, to ask it what it holds */
async function probe (t: TestContext, peer: string): Promise<Libp2p<{ dht: KadDHT }>> {
  const dht = kadDHT({ protocol: '/ipfs/lan/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, validators: { ipns: ipnsValidator }, selectors: { ipns: ipnsSelector } })
  const node = await plainNode(t, { services: { dht } }) as unknown as Libp2p<{ dht: KadDHT }>
  await node.dial(multiaddr(peer))
  return node
}

/** Whether `holder` answered the probe's lookup of the IPNS name with a record (`get` yields only the best value, from whoever sent it first) */
async function holdsRecord (p: Libp2p<{ dht: KadDHT }>, holder: string, name: string): Promise<boolean> {
  const key = multihashToIPNSRoutingKey(peerIdFromString(name).toMultihash())
  for await (const e of p.services.dht.get(key, { signal: AbortSignal.timeout(10_000) })) {
    if (e.type === EventTypes.PEER_RESPONSE && e.from.toString() === holder && e.record !== undefined) return true
  }
  return false
}

/** Whether `holder` answered the probe's provider lookup with `provider` */
async function holdsProvider (p: Libp2p<{ dht: KadDHT }>, holder: string, cid: string, provider: string): Promise<boolean> {
  for await (const e of p.services.dht.findProviders(CID.parse(cid), { signal: AbortSignal.timeout(10_000) })) {
    if (e.type === EventTypes.PEER_RESPONSE && e.from.toString() === holder && e.providers.some(x => x.id.toString() === provider)) return true
  }
  return false
}

async function numObjects (p: Online): Promise<number> {
  return (JSON.parse(await p.h.ok(['repo', 'stat', '--enc=json'])) as { NumObjects: number }).NumObjects
}

test('DHT records held for another peer survive a kill -9 and a restart', async (t) => {
  // B serves pubsub in its first run only (see the last case)
  const [a, b] = await Promise.all([online(t, { mutate: dhtOnly }), online(t, { mutate: c => { dhtOnly(c); c.Pubsub.Enabled = true } })])
  const objectsBefore = await numObjects(b)
  await meet(a, b)

  const cid = (await a.h.ok(['add', '-Q', '--cid-version=1'], { input: randomBytes(10_000) })).trim()
  const name = (await a.h.ok(['key', 'list', '-l'])).split(' ')[0] as string
  // a DHT put goes to the peers its lookup found: on a loaded machine the lookup may time out on B, so
  // each is done again until B is seen to hold the record
  const p = await probe(t, b.addr)
  await until(async () => {
    assert.equal(await a.h.ok(['routing', 'provide', cid]), '')
    return await holdsProvider(p, b.id, cid, a.id)
  }, 'B to hold the provider record', AbortSignal.timeout(60_000))
  await until(async () => {
    assert.equal(await a.h.ok(['name', 'publish', `/ipfs/${cid}`]), `Published to ${name}: /ipfs/${cid}\n`)
    return await holdsRecord(p, b.id, name)
  }, 'B to hold the IPNS record', AbortSignal.timeout(60_000))
  await p.stop()

  await t.test('the records are not blocks: repo gc, stat and verify on B leave them alone', async () => {
    assert.equal(await b.h.ok(['repo', 'gc', '--quiet']), '')
    assert.equal(await numObjects(b), objectsBefore)
    assert.match(await b.h.ok(['repo', 'verify']), /verify complete, all blocks validated/)
  })

  let c: Online | undefined
  await t.test('with A stopped and B killed and restarted, a new node finds the records on B', async () => {
    await a.h.ok(['shutdown'])
    await a.d.exited
    b.d.process.kill('SIGKILL')
    await b.d.exited
    await configure(b.h, c => { c.Pubsub.Enabled = false })
    const [b2, started] = await Promise.all([startDaemon(t, b.h), online(t, { mutate: dhtOnly })])
    c = started
    await meet(c, { id: b.id, addr: swarmAddr(b2) })
    assert.equal(await c.h.ok(['routing', 'findprovs', '-n', '1', cid]), `${a.id}\n`)
    assert.equal(await c.h.ok(['name', 'resolve', '--nocache', name]), `/ipfs/${cid}\n`)
  })

  await t.test('B answers from its own store too', async () => {
    assert.equal(await b.h.ok(['routing', 'findprovs', '-n', '1', cid]), `${a.id}\n`)
    assert.equal(await b.h.ok(['name', 'resolve', '--nocache', name]), `/ipfs/${cid}\n`)
    assert.equal(await numObjects(b), objectsBefore)
  })

  await t.test('what B announces of itself is from this run: the pubsub of its first run is gone', async () => {
    assert.ok(c !== undefined, 'the case above did not run')
    const { Protocols } = JSON.parse(await c.h.ok(['id', '--enc=json', b.id])) as { Protocols: string[] }
    assert.ok(Protocols.includes('/ipfs/lan/kad/1.0.0'), Protocols.join(' '))
    assert.deepEqual(Protocols.filter(p => p.includes('sub')), [])
  })
})
