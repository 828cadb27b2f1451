/**
 * Kubo as a DHT peer: 2 Kubo daemons (K1, K2) and 2 tsipfs daemons (T1, T2) on 127.0.0.1 make one DHT.
 * On loopback both speak the LAN DHT (/ipfs/lan/kad/1.0.0): the test profiles of both set
 * Routing.LoopbackAddressesOnLanDHT, and the Amino DHT (/ipfs/kad/1.0.0) drops loopback addresses on
 * both sides (Kubo's WAN table stays empty).
 *
 * K1 runs Routing.Type dht, K2 dhtserver, T1 and T2 dht; pubsub (and so IPNS over pubsub) is off. Who is
 * told about whom (Bootstrap): K1 nobody; T1 and K2 K1; T2 K2 and T1. Before each lookup the finder is
 * disconnected from the node it must find (DHT lookups and refreshes connect everyone), so what it
 * finds, it finds through the DHT:
 * - K1 adds and provides a file; T2 finds K1 with `routing findprovs` and `cat`s the bytes;
 * - T1 adds and provides a file; K2 finds T1 with `ipfs routing findprovs` and `ipfs cat`s the bytes;
 * - K1 publishes an IPNS name, T2 resolves it; T1 publishes one, K2 resolves it;
 * - `routing findpeer` each way;
 * - the records were stored by the other side: with K1 and T1 stopped, T2 and K2 still find both; with
 *   K2 stopped too, T2 alone answers for K1's records; with T2 stopped, K2 alone (restarted) for T1's;
 *   with K2 stopped, T2 alone (restarted: its DHT records are kept in its repo) for K1's again.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { Harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { kuboRepo, startKuboDaemon, type Kubo } from '../helpers/kubo.ts'
import { configure, online, peersOf, until } from '../helpers/swarm.ts'

const LAN = '/ipfs/lan/kad/1.0.0'
/** How long a condition may take to come true before the case fails (routing tables fill in the background) */
const WAIT = 30_000

/** A node under test, whichever implementation: both CLIs take the same commands here */
interface Peer {
  name: string
  id: string
  /** /ip4/127.0.0.1/tcp/<port>/p2p/<id> */
  addr: string
  ok: Harness['ok']
  run: Harness['run']
  /** `shutdown`, then wait for the daemon to exit */
  stop: () => Promise<void>
  /** start the daemon again on the same repo */
  restart: () => Promise<void>
}

/** A Routing.Type with DHTs, the given bootstrap peers, IPNS over the DHT only */
function dhtConfig (bootstrap: string[], type = 'dht'): (c: Record<string, any>) => void {
  return (c) => {
    c.Bootstrap = bootstrap
    c.Routing = { ...c.Routing, Type: type }
    c.Ipns = { ...c.Ipns, UsePubsub: false }
    c.Pubsub = { ...c.Pubsub, Enabled: false }
  }
}

async function tsipfs (t: TestContext, name: string, bootstrap: string[]): Promise<Peer> {
  const node = await online(t, { mutate: dhtConfig(bootstrap) })
  const { h, id, addr } = node
  let d = node.d
  const stop = async (): Promise<void> => { await h.ok(['shutdown']); await d.exited }
  const restart = async (): Promise<void> => { d = await startDaemon(t, h) }
  return { name, id, addr, ok: h.ok.bind(h), run: h.run.bind(h), stop, restart }
}

async function kubo (t: TestContext, k: Kubo, name: string, bootstrap: string[], type: 'dht' | 'dhtserver'): Promise<Peer> {
  await configure(k, dhtConfig(bootstrap, type))
  let d = await startKuboDaemon(t, k)
  const info = JSON.parse(await k.ok(['id', '--enc=json'])) as { ID: string, Addresses: string[] }
  const addr = info.Addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
  assert.ok(addr !== undefined, info.Addresses.join(' '))
  const stop = async (): Promise<void> => { await k.ok(['shutdown']); await d.exited }
  const restart = async (): Promise<void> => { d = await startKuboDaemon(t, k) }
  return { name, id: info.ID, addr, ok: k.ok.bind(k), run: k.run.bind(k), stop, restart }
}

/** Drop every connection between a and b, from both sides (again if a background lookup dials anew) */
async function disconnect (a: Peer, b: Peer): Promise<void> {
  await until(async () => {
    for (const [x, y] of [[a, b], [b, a]] as const) {
      for (const p of await peersOf(x)) {
        if (p.Peer === y.id) await x.run(['swarm', 'disconnect', `${p.Addr}/p2p/${y.id}`])
      }
    }
    return !(await peersOf(a)).some(p => p.Peer === b.id)
  }, `${a.name} to be disconnected from ${b.name}`, AbortSignal.timeout(WAIT))
}

/** The peer IDs in a Kubo node's DHT routing table (`ipfs stats dht lan|wan`) */
async function dhtTable (k: Peer, dht: 'lan' | 'wan'): Promise<string[]> {
  const stats = JSON.parse(await k.ok(['stats', 'dht', dht, '--enc=json'])) as { Buckets: Array<{ Peers: Array<{ ID: string }> | null }> | null }
  return (stats.Buckets ?? []).flatMap(b => (b.Peers ?? []).map(p => p.ID))
}

/** The providers a full lookup finds */
async function providers (p: Peer, cid: string): Promise<string[]> {
  return (await p.ok(['routing', 'findprovs', cid])).split('\n')
}

interface Made { cid: string, name: string, path: string }

/**
 * `provider` adds random bytes and provides them; `finder`, disconnected from it, finds it as the
 * provider and fetches the bytes
 */
async function findAndFetch (provider: Peer, finder: Peer, made: Made): Promise<void> {
  const data = randomBytes(200_000)
  made.cid = (await provider.ok(['add', '-Q', '--cid-version=1'], { input: data })).trim()
  // add only queues the announcement; this returns once the DHT was told
  assert.equal(await provider.ok(['routing', 'provide', made.cid]), '')
  await disconnect(finder, provider)
  await until(async () => (await finder.run(['routing', 'findprovs', '-n', '1', made.cid])).stdout === `${provider.id}\n`,
    `${finder.name} to find ${provider.name} as the provider`, AbortSignal.timeout(WAIT))
  // bounded, so that a fetch that never completes fails this case and not the whole file's timeout
  const r = await finder.run(['cat', '--timeout=60s', made.cid])
  assert.equal(r.code, 0, r.stderr)
  assert.ok(Buffer.compare(r.stdoutBytes, data) === 0, 'content differs')
}

/** `publisher` publishes its own name; `resolver`, disconnected from it, resolves it */
async function publishAndResolve (publisher: Peer, resolver: Peer, made: Made): Promise<void> {
  made.path = `/ipfs/${(await publisher.ok(['add', '-Q', '--cid-version=1'], { input: `named by ${publisher.name}` })).trim()}`
  made.name = (await publisher.ok(['key', 'list', '-l'])).split(' ')[0] as string
  assert.equal(await publisher.ok(['name', 'publish', made.path]), `Published to ${made.name}: ${made.path}\n`)
  await disconnect(resolver, publisher)
  assert.equal(await resolver.ok(['name', 'resolve', made.name]), `${made.path}\n`)
}

/** `finder` finds the provider and resolves the name of `made`, with or without them online */
async function stillFound (finder: Peer, origin: Peer, made: Made): Promise<void> {
  // the finder fetched the file, so it may be a provider too: the list is checked for the origin only
  assert.ok((await providers(finder, made.cid)).includes(origin.id), `${finder.name} lost ${origin.name}'s provider record`)
  assert.equal(await finder.ok(['name', 'resolve', '--nocache', made.name]), `${made.path}\n`)
}

test('Kubo and tsipfs in one DHT: providers, content, IPNS names and peers each way', async (t) => {
  const [k1repo, k2repo] = await Promise.all([kuboRepo(t), kuboRepo(t)])
  if (k1repo === undefined || k2repo === undefined) return
  const k1 = await kubo(t, k1repo, 'K1', [], 'dht')
  const [t1, k2] = await Promise.all([tsipfs(t, 'T1', [k1.addr]), kubo(t, k2repo, 'K2', [k1.addr], 'dhtserver')])
  const t2 = await tsipfs(t, 'T2', [k2.addr, t1.addr])

  await t.test('on loopback both sides speak the LAN DHT as servers; Kubo keeps tsipfs in its LAN table only', async () => {
    const ours = JSON.parse(await t1.ok(['id', '--enc=json', k1.id])) as { Protocols: string[] }
    assert.ok(ours.Protocols.includes(LAN), ours.Protocols.join(' '))
    const theirs = JSON.parse(await k1.ok(['id', '--enc=json', t1.id])) as { Protocols: string[] }
    assert.ok(theirs.Protocols.includes(LAN), theirs.Protocols.join(' '))
    // a go DHT adds the peers it is connected to: K1 those that bootstrapped from it, K2 also T2, which
    // bootstrapped from K2 (the daemons are ready before their bootstrap connections are made, so this
    // also waits until T2 is in the DHT, where K1's lookups can find it)
    for (const [k, others] of [[k1, [t1, k2]], [k2, [k1, t2]]] as const) {
      await until(async () => { const ids = await dhtTable(k, 'lan'); return others.every(p => ids.includes(p.id)) },
        `${others.map(p => p.name).join(' and ')} in ${k.name}'s LAN DHT table`, AbortSignal.timeout(WAIT))
      assert.deepEqual(await dhtTable(k, 'wan'), [])
    }
  })

  // what each side put into the DHT, for the last cases
  const kuboMade: Made = { cid: '', name: '', path: '' }
  const ourMade: Made = { cid: '', name: '', path: '' }

  await t.test('Kubo adds and provides; a tsipfs node not connected to it finds it and fetches the bytes', async () => {
    await findAndFetch(k1, t2, kuboMade)
  })

  await t.test('tsipfs adds and provides; a Kubo node not connected to it finds it and fetches the bytes', async () => {
    await findAndFetch(t1, k2, ourMade)
  })

  await t.test('Kubo publishes an IPNS name; a tsipfs node not connected to it resolves it', async () => {
    await publishAndResolve(k1, t2, kuboMade)
  })

  await t.test('tsipfs publishes an IPNS name; a Kubo node not connected to it resolves it', async () => {
    await publishAndResolve(t1, k2, ourMade)
  })

  await t.test('routing findpeer: tsipfs finds Kubo, Kubo finds tsipfs', async () => {
    for (const [finder, target] of [[t2, k1], [k2, t1]] as const) {
      await disconnect(finder, target)
      const addrs = (await finder.ok(['routing', 'findpeer', target.id])).split('\n')
      assert.ok(addrs.includes(target.addr.split('/p2p/')[0] as string), `${finder.name} found ${target.name} at ${addrs.join(' ')}`)
    }
  })

  await t.test('the records are held by the other members: found after the provider and publisher stop', async () => {
    assert.ok(kuboMade.name !== '' && ourMade.name !== '', 'the cases above did not run to their end')
    await Promise.all([k1.stop(), t1.stop()])
    await stillFound(t2, k1, kuboMade)
    await stillFound(k2, t1, ourMade)
  })

  await t.test('tsipfs stored what Kubo put: with every Kubo node stopped, T2 alone still answers', async () => {
    await k2.stop()
    await stillFound(t2, k1, kuboMade)
  })

  await t.test('Kubo stored what tsipfs put: K2 alone, restarted on its repo, still answers', async () => {
    await t2.stop()
    await k2.restart()
    await stillFound(k2, t1, ourMade)
  })

  await t.test('tsipfs kept what Kubo put in its repo: T2 alone, restarted on it, still answers', async () => {
    await k2.stop()
    await t2.restart()
    await stillFound(t2, k1, kuboMade)
  })
})
