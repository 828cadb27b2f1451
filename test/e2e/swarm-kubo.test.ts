/**
 * Our daemon and a real Kubo daemon on 127.0.0.1 (skipped when scripts/setup-go-tools.sh has not installed
 * Kubo): they connect over TCP (where TLS is the first choice of both) and over QUIC, both ways; and in a
 * private network (swarm.key) they connect only with the same key; Kubo serves as the circuit relay between two of our daemons.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { online, peersOf, until, type Online } from '../helpers/swarm.ts'

const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')
const run = promisify(execFile)
const skip = !existsSync(KUBO) && 'Kubo is not installed (scripts/setup-go-tools.sh)'

/** A Kubo daemon on a test-profile repo listening on `swarm`; `before` may add files to the repo */
async function startKubo (t: TestContext, swarm: string[], before?: (repo: string, kubo: (...args: string[]) => Promise<string>) => Promise<void>): Promise<{ id: string, addrs: string[], kubo: (...args: string[]) => Promise<string> }> {
  const repo = await mkdtemp(join(tmpdir(), 'tsipfs-kubo-'))
  t.after(async () => { await rm(repo, { recursive: true, force: true }) })
  const env = { ...process.env, IPFS_PATH: repo, LIBP2P_TCP_MUX: 'false' }
  const kubo = async (...args: string[]): Promise<string> => (await run(KUBO, args, { env })).stdout
  await kubo('init', '-e', '--profile=test')
  await kubo('config', '--json', 'Addresses.Swarm', JSON.stringify(swarm))
  await before?.(repo, kubo)
  const child = spawn(KUBO, ['daemon'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise(resolve => child.on('close', resolve))
  t.after(async () => { child.kill('SIGTERM'); await exited })
  await until(() => out.includes('Daemon is ready') || child.exitCode !== null, 'Kubo to start')
  assert.ok(out.includes('Daemon is ready'), out)
  const id = (JSON.parse(await kubo('id')) as { ID: string }).ID
  const addrs = (await kubo('swarm', 'addrs', 'local')).trim().split('\n').map(a => `${a}/p2p/${id}`)
  return { id, addrs, kubo }
}

test('Kubo: TCP and QUIC, both directions', { skip }, async (t) => {
  const { id: kid, addrs: kaddrs, kubo } = await startKubo(t, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1'])
  const ktcp = kaddrs.find(a => a.includes('/tcp/')) as string
  const kquic = kaddrs.find(a => a.includes('/quic-v1')) as string

  // no DHT on our side: with one, a DHT peer is dialled again soon after a disconnect (which side does it was
  // not pinned down), so the two would never stay apart between the steps; this test is about the transports
  const d = await online(t, { mutate: c => { c.Addresses.Swarm = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1']; c.Routing.Type = 'none' } })
  const kuboPeers = async (): Promise<Array<{ Peer: string, Addr: string }>> => (JSON.parse(await kubo('swarm', 'peers', '--enc=json')) as { Peers: Array<{ Peer: string, Addr: string }> | null }).Peers ?? []
  const apart = async (): Promise<void> => {
    await until(async () => !(await peersOf(d.h)).some(p => p.Peer === kid) && !(await kuboPeers()).some(p => p.Peer === d.id), 'both sides to be disconnected')
  }
  // Kubo dials us, over each transport
  for (const addr of d.addrs) {
    assert.match(await kubo('swarm', 'connect', addr), /success/)
    const entry = (await kuboPeers()).find(p => p.Peer === d.id)
    assert.ok(entry !== undefined && addr.startsWith(entry.Addr), JSON.stringify(entry))
    await until(async () => (await peersOf(d.h)).some(p => p.Peer === kid), 'the connection from Kubo')
    await kubo('swarm', 'disconnect', addr)
    await apart()
  }
  // and we dial Kubo
  for (const addr of [ktcp, kquic]) {
    assert.equal(await d.h.ok(['swarm', 'connect', addr]), `connect ${kid} success\n`)
    // the connection just made (Kubo may have dialled back meanwhile; swarm peers sorts by address, as Kubo)
    const entries = (await peersOf(d.h)).filter(p => p.Peer === kid)
    assert.ok(entries.some(p => p.Addr === addr.replace(`/p2p/${kid}`, '')), JSON.stringify(entries))
    const info = JSON.parse(await d.h.ok(['id', kid])) as { AgentVersion: string }
    assert.match(info.AgentVersion, /^kubo\//)
    await d.h.ok(['swarm', 'disconnect', addr])
    await apart()
  }
})

test('Kubo: a private network with the same swarm.key connects; another key does not', { skip }, async (t) => {
  const key = `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString('hex')}\n`
  const other = `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString('hex')}\n`
  const k = await startKubo(t, ['/ip4/127.0.0.1/tcp/0'], async (repo) => { await writeFile(join(repo, 'swarm.key'), key) })
  const withKey = (text: string) => async (h: Online['h']): Promise<void> => { await writeFile(join(h.repo, 'swarm.key'), text) }
  const [same, diff] = await Promise.all([online(t, { before: withKey(key) }), online(t, { before: withKey(other) })])
  assert.equal(await same.h.ok(['swarm', 'connect', k.addrs[0] as string]), `connect ${k.id} success\n`)
  const r = await diff.h.run(['swarm', 'connect', k.addrs[0] as string])
  assert.equal(r.code, 1, r.stdout)
  assert.match(await k.kubo('swarm', 'connect', same.addr), /success/)
  await assert.rejects(k.kubo('swarm', 'connect', diff.addr))
})

test('Kubo as the circuit relay: one tsipfs daemon reserves on it, another reaches it through Kubo', { skip }, async (t) => {
  const k = await startKubo(t, ['/ip4/127.0.0.1/tcp/0'], async (_repo, kubo) => {
    await kubo('config', '--json', 'Swarm.RelayService.Enabled', 'true')
    // go-libp2p serves as a relay only once it thinks it is public; on loopback it must be told
    await kubo('config', '--json', 'Internal.Libp2pForceReachability', '"public"')
  })
  const relay = k.addrs[0] as string
  const b = await online(t, { mutate: c => { c.Swarm.RelayClient = { StaticRelays: [relay] } } })
  const c = await online(t)
  await until(async () => (await b.h.ok(['swarm', 'addrs', 'local', '--id'])).includes(`${relay}/p2p-circuit`), 'B to reserve a slot on Kubo')
  assert.equal(await c.h.ok(['swarm', 'connect', `${relay}/p2p-circuit/p2p/${b.id}`]), `connect ${b.id} success\n`)
  // the relayed connection (a direct one may follow it; swarm peers sorts by address, as Kubo)
  const toB = (await peersOf(c.h)).filter(p => p.Peer === b.id)
  assert.ok(toB.some(p => p.Addr === `${relay}/p2p-circuit`), JSON.stringify(toB))
})


test('tsipfs as the circuit relay: Kubo reserves a slot on it (Swarm.RelayClient.StaticRelays), another tsipfs daemon reaches Kubo through it', { skip }, async (t) => {
  const a = await online(t, { mutate: c => { c.Swarm.RelayService = { Enabled: true } } })
  const k = await startKubo(t, ['/ip4/127.0.0.1/tcp/0'], async (_repo, kubo) => {
    await kubo('config', '--json', 'Swarm.RelayClient', JSON.stringify({ Enabled: true, StaticRelays: [a.addr] }))
    // go-libp2p's autorelay reserves only once it thinks it is behind a NAT; on loopback it must be told
    await kubo('config', '--json', 'Internal.Libp2pForceReachability', '"private"')
  })
  const circuit = `${a.addr}/p2p-circuit`
  // Kubo does not advertise a relayed address through a loopback relay, so its reservation shows only in
  // that the relay lets C through (before it, A answers NO_RESERVATION)
  const c = await online(t)
  await until(async () => (await c.h.run(['swarm', 'connect', `${circuit}/p2p/${k.id}`])).code === 0, 'Kubo to reserve a slot on tsipfs')
  // the relayed connection (a direct one may follow it; swarm peers sorts by address, as Kubo)
  const toK = (await peersOf(c.h)).filter(p => p.Peer === k.id)
  assert.ok(toK.some(p => p.Addr === circuit), JSON.stringify(toK))
  const kuboPeers = (JSON.parse(await k.kubo('swarm', 'peers', '--enc=json')) as { Peers: Array<{ Peer: string, Addr: string }> | null }).Peers ?? []
  assert.ok(kuboPeers.some(p => p.Peer === c.id && p.Addr.includes('/p2p-circuit')), JSON.stringify(kuboPeers))
})

test('Kubo: WebRTC-Direct, both directions', { skip }, async (t) => {
  const k = await startKubo(t, ['/ip4/127.0.0.1/udp/0/webrtc-direct'])
  const kaddr = k.addrs.find(a => a.includes('/webrtc-direct/')) as string
  assert.ok(kaddr !== undefined, k.addrs.join(' '))
  // WebRTC-Direct only: Kubo's dial back must use it (given a TCP address too, it prefers that)
  const d = await online(t, { mutate: c => { c.Addresses.Swarm = ['/ip4/127.0.0.1/udp/0/webrtc-direct']; c.Routing.Type = 'none' } })
  assert.equal(await d.h.ok(['swarm', 'connect', kaddr]), `connect ${k.id} success\n`)
  assert.match((await peersOf(d.h)).find(p => p.Peer === k.id)?.Addr ?? '', /\/webrtc-direct\//)
  await d.h.ok(['swarm', 'disconnect', kaddr])
  await until(async () => !(await peersOf(d.h)).some(p => p.Peer === k.id), 'the disconnect')
  assert.match(await k.kubo('swarm', 'connect', d.addr), /success/)
  await until(async () => (await peersOf(d.h)).some(p => p.Peer === k.id && p.Addr.includes('/webrtc-direct/')), 'the connection from Kubo over WebRTC-Direct')
})
