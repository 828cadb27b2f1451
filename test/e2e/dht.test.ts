/**
 * Content routing over a local DHT: 5 tsipfs daemons and 4 in-process libp2p nodes (kad-dht servers on the
 * LAN DHT protocol), all on 127.0.0.1 and all bootstrapped from one more in-process node; no mDNS, no
 * `swarm connect`. A CID added on daemon A is found (routing findprovs) and fetched (cat) by daemon D,
 * which was never told about A (connections its DHT lookups made to A are closed first); findpeer finds an
 * in-process node's addresses; dht query lists peers;
 * an IPNS record put on daemon B is got on daemon C and on an in-process node; routing provide -r,
 * reprovide and provide stat work; on daemon E (Provide.Enabled false) nothing is announced and provide fails.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, EventTypes, type KadDHT } from '@libp2p/kad-dht'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { createIPNSRecord, marshalIPNSRecord, unmarshalIPNSRecord, multihashToIPNSRoutingKey } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import { ipnsSelector } from 'ipns/selector'
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import { harness, type Harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'

const LAN = '/ipfs/lan/kad/1.0.0'
type DhtNode = Libp2p<{ dht: KadDHT, identify: unknown, ping: unknown }>

async function dhtNode (): Promise<DhtNode> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 100, maxIncomingPendingConnections: 100 },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: LAN, clientMode: false, peerInfoMapper: passthroughMapper, validators: { ipns: ipnsValidator }, selectors: { ipns: ipnsSelector } })
    }
  }) as unknown as DhtNode
}

interface Peer { h: Harness, id: string, addr: string }

async function daemon (t: Parameters<typeof harness>[0], bootstrap: string, config: Record<string, unknown> = {}): Promise<Peer> {
  const h = await harness(t)
  // written straight into the config file: one CLI start per key would cost seconds
  const file = join(h.repo, 'config')
  const c = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, unknown>>
  c.Bootstrap = [bootstrap] as unknown as Record<string, unknown>
  c.Routing = { ...c.Routing, Type: 'dht' }
  c.Provide = { ...c.Provide, ...config }
  await writeFile(file, JSON.stringify(c, null, 2))
  const d = await startDaemon(t, h)
  const addr = swarmAddr(d)
  return { h, addr, id: addr.split('/p2p/')[1] as string }
}

/** Retry a CLI call until it succeeds (the DHT fills its routing tables in the background) */
async function eventually (fn: () => Promise<string>, check: (out: string) => boolean, tries = 30): Promise<string> {
  let last = ''
  for (let i = 0; i < tries; i++) {
    try {
      last = await fn()
      if (check(last)) return last
    } catch (err) {
      last = (err as Error).message
    }
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
  throw new Error(`never happened; last output: ${last}`)
}

test('a local DHT of daemons and in-process nodes: providers, peers and IPNS records', async (t) => {
  const boot = await dhtNode()
  await boot.start()
  const nodes: DhtNode[] = []
  t.after(async () => { await Promise.all([boot, ...nodes].map(async n => { await n.stop() })) })
  const bootAddr = boot.getMultiaddrs()[0]!.toString()

  const [a, b, c, d, e] = await Promise.all([daemon(t, bootAddr), daemon(t, bootAddr), daemon(t, bootAddr), daemon(t, bootAddr), daemon(t, bootAddr, { Enabled: false })])
  for (let i = 0; i < 4; i++) {
    const n = await dhtNode()
    await n.start()
    await n.dial(boot.getMultiaddrs()[0]!)
    nodes.push(n)
  }

  await t.test('the daemons run the LAN DHT as servers', async () => {
    const info = JSON.parse(await a.h.ok(['id'])) as { Protocols: string[] }
    assert.ok(info.Protocols.includes(LAN), info.Protocols.join(','))
  })

  const data = randomBytes(300_000)
  const file = join(a.h.dir, 'data.bin')
  await writeFile(file, data)
  const cid = (await a.h.ok(['add', '-Q', '--cid-version=1', file])).trim()

  await t.test('D was never told about A, and lacks the content', async () => {
    // D's DHT lookups may have dialled A: those connections are closed, so that the fetch below must find A again
    const peers = JSON.parse(await d.h.ok(['swarm', 'peers', '--enc=json'])) as { Peers: Array<{ Peer: string, Addr: string }> | null }
    for (const toA of (peers.Peers ?? []).filter(p => p.Peer === a.id)) await d.h.run(['swarm', 'disconnect', `${toA.Addr}/p2p/${a.id}`])
    const local = await d.h.run(['block', 'stat', '--offline', cid])
    assert.equal(local.code, 1, local.stdout)
  })

  await t.test('routing findprovs on D finds A, which provided the CID on add', async () => {
    const out = await eventually(async () => await d.h.ok(['routing', 'findprovs', '-n', '1', cid]), o => o.includes(a.id))
    assert.equal(out, `${a.id}\n`)
    const json = await d.h.ok(['routing', 'findprovs', '-n', '1', '--enc=json', cid])
    const ev = JSON.parse(json.trim().split('\n')[0] as string) as { Type: number, Responses: Array<{ ID: string, Addrs: string[] }> }
    assert.equal(ev.Type, 4)
    assert.equal(ev.Responses[0]?.ID, a.id)
  })

  await t.test('an in-process kad-dht node finds A as a provider too', async () => {
    let found = false
    for await (const e of nodes[3]!.services.dht.findProviders(CID.parse(cid), { signal: AbortSignal.timeout(30_000) })) {
      if (e.type === EventTypes.PROVIDER && e.providers.some(p => p.id.toString() === a.id)) { found = true; break }
    }
    assert.ok(found)
  })

  await t.test('cat on D fetches the content from A through routing', async () => {
    const r = await d.h.run(['cat', cid], { env: {} })
    assert.equal(r.code, 0, r.stderr)
    assert.ok(Buffer.compare(r.stdoutBytes, data) === 0, 'content differs')
  })

  await t.test('routing findpeer finds an in-process node that D never dialled', async () => {
    const target = nodes[2]!
    const out = await eventually(async () => await d.h.ok(['routing', 'findpeer', target.peerId.toString()]), o => o.includes('/tcp/'))
    const port = target.getMultiaddrs()[0]!.toString().split('/tcp/')[1]!.split('/')[0]!
    assert.ok(out.split('\n').some(l => l.includes(`/tcp/${port}`)), out)
    const missing = (await generateKeyPair('Ed25519'))
    const r = await d.h.run(['routing', 'findpeer', peerIdFromPrivateKey(missing).toString()])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'Error: routing: not found\n')
  })

  await t.test('dht query lists peers close to a peer ID', async () => {
    const out = await eventually(async () => await c.h.ok(['dht', 'query', a.id]), o => o.trim() !== '')
    const ids = out.trim().split('\n')
    const known = new Set([a.id, b.id, d.id, e.id, boot.peerId.toString(), ...nodes.map(n => n.peerId.toString())])
    assert.ok(ids.every(id => known.has(id)), out)
  })

  await t.test('an IPNS record put on B is got on C and by an in-process node', async () => {
    const key = await generateKeyPair('Ed25519')
    const name = peerIdFromPrivateKey(key).toCID().toString(base36)
    const record = await createIPNSRecord(key, `/ipfs/${cid}`, 7n, 3_600_000)
    const recFile = join(b.h.dir, 'rec.ipns')
    await writeFile(recFile, marshalIPNSRecord(record))
    assert.equal(await b.h.ok(['routing', 'put', `/ipns/${name}`, recFile]), `${peerIdFromPrivateKey(key).toString()}\n`)
    const got = await eventually(async () => (await c.h.run(['routing', 'get', `/ipns/${name}`])).stdoutBytes.toString('latin1'), o => o.length > 0)
    const parsed = unmarshalIPNSRecord(Buffer.from(got, 'latin1'))
    assert.equal(parsed.sequence, 7n)
    assert.equal(parsed.value, `/ipfs/${cid}`)
    let value: Uint8Array | undefined
    for await (const e of nodes[1]!.services.dht.get(multihashToIPNSRoutingKey(peerIdFromPrivateKey(key).toMultihash()), { signal: AbortSignal.timeout(30_000) })) {
      if (e.type === EventTypes.VALUE) value = e.value
    }
    assert.ok(value !== undefined)
    assert.equal(unmarshalIPNSRecord(value).sequence, 7n)
    // a record that is not valid for the name is refused, and nothing is stored
    const other = await createIPNSRecord(await generateKeyPair('Ed25519'), `/ipfs/${cid}`, 8n, 3_600_000)
    await writeFile(recFile, marshalIPNSRecord(other))
    const r = await b.h.run(['routing', 'put', `/ipns/${name}`, recFile])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: invalid IPNS record/)
  })

  await t.test('routing provide -r, reprovide and provide stat on B', async () => {
    await writeFile(join(b.h.dir, 'one.bin'), randomBytes(1000))
    const root = (await b.h.ok(['add', '-Q', '--pin=false', '--cid-version=1', join(b.h.dir, 'one.bin')])).trim()
    assert.equal(await b.h.ok(['routing', 'provide', '-r', root]), '')
    const out = await eventually(async () => await c.h.ok(['routing', 'findprovs', '-n', '1', root]), o => o.includes(b.id))
    assert.equal(out, `${b.id}\n`)
    assert.equal(await b.h.ok(['routing', 'reprovide']), '')
    assert.equal(await b.h.ok(['bitswap', 'reprovide']), '')
    const stat = JSON.parse(await b.h.ok(['provide', 'stat', '--enc=json'])) as { TotalReprovides: number, LastReprovideBatchSize: number, Strategy: string, TotalProvides: number }
    // two asked for here; the reprovider's own first run (a minute after start) may have come too
    assert.ok(stat.TotalReprovides >= 2, JSON.stringify(stat))
    assert.equal(stat.Strategy, 'all')
    assert.equal(stat.LastReprovideBatchSize, 1, JSON.stringify(stat))
    assert.match(await b.h.ok(['provide', 'stat']), /^TotalProvides: +\d+\n/)
    const missing = await b.h.run(['routing', 'provide', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /not found locally, cannot provide/)
  })

  await t.test('Provide.Enabled false on E: nothing is announced and routing provide fails', async () => {
    const cid = (await e.h.ok(['add', '-Q'], { input: 'not announced' })).trim()
    const r = await e.h.run(['routing', 'provide', cid])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, "Error: invalid configuration: Provide.Enabled is set to 'false'\n")
    const rp = await e.h.run(['routing', 'reprovide'])
    assert.equal(rp.code, 1)
    assert.equal(rp.stderr, "Error: invalid configuration: Provide.Enabled is set to 'false'\n")
    // a lookup that runs to its end over the whole network finds no provider
    const out = await c.h.ok(['routing', 'findprovs', cid])
    assert.equal(out, '')
  })
})
