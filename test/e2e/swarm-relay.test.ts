/**
 * Circuit relay v2 between three real daemons on 127.0.0.1: A runs the relay service
 * (Swarm.RelayService.Enabled), B reserves a slot on A (Swarm.RelayClient.StaticRelays, with a relay that is down beside it), C connects to B
 * through A's /p2p-circuit address. Hole punching (DCUtR) is configured on B and C but cannot be shown on
 * loopback (there is no NAT to punch through): only that the protocol is offered. And private networks: a
 * daemon with a swarm.key talks only to daemons with the same key.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { swarmKeyFingerprint } from '../../src/core/network/pnet.ts'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { configure, online, peersOf, plainNode, until, type Online } from '../helpers/swarm.ts'
import { tcp } from '@libp2p/tcp'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { multiaddr } from '@multiformats/multiaddr'

test('circuit relay v2: B reserves on A, C reaches B through A', async (t) => {
  const a = await online(t, { mutate: c => { c.Swarm.RelayService = { Enabled: true } } })
  assert.match(a.d.output(), /relay service \(circuit v2\) enabled/)
  // a static relay that is down does not keep B from starting, nor from reserving on A
  const dead = '/ip4/127.0.0.1/tcp/9/p2p/12D3KooWAMfkfNQJANegGEajHDNcRPkMxd85dk3iUyfphRp7D59V'
  // B (127.0.0.2) and C (127.0.0.3) filter each other's address: the relay is the only way between them.
  // Without that, a protocol that may not run on a limited (relayed) connection (the DHT's) makes one of
  // them dial the other directly, and the byte counts below would include that connection.
  const b = await online(t, {
    mutate: c => {
      c.Addresses.Swarm = ['/ip4/127.0.0.2/tcp/0']
      c.Swarm.AddrFilters = ['/ip4/127.0.0.3/ipcidr/32']
      c.Swarm.RelayClient = { StaticRelays: [dead, a.addr] }
    }
  })
  const c = await online(t, { mutate: c => { c.Addresses.Swarm = ['/ip4/127.0.0.3/tcp/0']; c.Swarm.AddrFilters = ['/ip4/127.0.0.2/ipcidr/32'] } })

  // B's reservation shows as a relayed address of its own
  const circuit = `${a.addr}/p2p-circuit/p2p/${b.id}`
  await until(async () => (await b.h.ok(['swarm', 'addrs', 'local', '--id'])).includes(`${a.addr}/p2p-circuit`), 'B to reserve a slot on A')

  assert.equal(await c.h.ok(['swarm', 'connect', circuit]), `connect ${b.id} success\n`)
  const viaRelay = (await peersOf(c.h)).find(p => p.Peer === b.id)
  assert.ok(viaRelay !== undefined, 'C is connected to B')
  assert.equal(viaRelay.Addr, `${a.addr}/p2p-circuit`)
  // and B sees C arrive through A
  await until(async () => (await peersOf(b.h)).some(p => p.Peer === c.id && p.Addr.includes('/p2p-circuit')), 'B to see C over the relay')

  // stats bw: what B and C say over the relayed connection (identify) travels inside C's connection to A,
  // and counts once in C's total, which is read first and so cannot exceed what A's connection carried
  const bw = async (...args: string[]): Promise<{ TotalIn: number, TotalOut: number }> => JSON.parse(await c.h.ok(['stats', 'bw', ...args, '--enc=json'])) as { TotalIn: number, TotalOut: number }
  const total = await bw()
  const viaA = await bw('--peer', a.id)
  const fromB = await bw('--peer', b.id)
  assert.ok(fromB.TotalIn > 0 && fromB.TotalOut > 0, JSON.stringify(fromB))
  assert.ok(total.TotalIn <= viaA.TotalIn && total.TotalOut <= viaA.TotalOut, JSON.stringify({ total, viaA, fromB }))
  assert.ok((await peersOf(c.h)).every(p => p.Peer !== b.id || p.Addr.includes('/p2p-circuit')), 'no direct connection between B and C')

  // DCUtR is offered (Swarm.EnableHolePunching defaults to true); a direct upgrade needs a NAT, not loopback
  const bInfo = JSON.parse(await c.h.ok(['id', b.id])) as { Protocols: string[] }
  assert.ok(bInfo.Protocols.includes('/libp2p/dcutr'), bInfo.Protocols.join(','))
})

test('Swarm.RelayService.MaxReservations 1: the relay refuses a second reservation', async (t) => {
  const a = await online(t, { mutate: c => { c.Swarm.RelayService = { Enabled: true, MaxReservations: 1, MaxCircuits: 2, ReservationTTL: '10m', Limit: { Duration: '1m', Data: 65536 } } } })
  // a client node reserves by listening on <relay>/p2p-circuit (what Swarm.RelayClient.StaticRelays does)
  const reserve = async (): Promise<void> => {
    const node = await plainNode(t, { transports: [tcp(), circuitRelayTransport()] })
    const tm = (node as unknown as { components: { transportManager: { listen: (addrs: unknown[]) => Promise<void> } } }).components.transportManager
    await tm.listen([multiaddr(`${a.addr}/p2p-circuit`)])
  }
  await reserve()
  await assert.rejects(reserve(), /RESERVATION_REFUSED/)
})

test('Swarm.RelayService: a negative limit is refused at start', async (t) => {
  const h = await harness(t)
  // (a limit of the wrong type is refused when the repo opens: config.test.ts)
  await configure(h, c => { c.Swarm.RelayService = { Enabled: true, MaxCircuits: -1 } })
  await assert.rejects(startDaemon(t, h), /Swarm.RelayService.MaxCircuits must be a non-negative integer/)
})

test('without Swarm.RelayService.Enabled a node is no relay', async (t) => {
  const a = await online(t)
  const b = await online(t)
  await b.h.ok(['swarm', 'connect', a.addr])
  const info = JSON.parse(await b.h.ok(['id', a.id])) as { Protocols: string[] }
  assert.ok(!info.Protocols.includes('/libp2p/circuit/relay/0.2.0/hop'), info.Protocols.join(','))
})

function swarmKey (): string {
  return `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString('hex')}\n`
}

test('private network: only peers with the same swarm.key connect', async (t) => {
  const key1 = swarmKey()
  const key2 = swarmKey()
  const withKey = (key: string) => async (h: Online['h']): Promise<void> => { await writeFile(join(h.repo, 'swarm.key'), key) }
  const [a, b, c, open] = await Promise.all([
    online(t, { before: withKey(key1) }),
    online(t, { before: withKey(key1) }),
    online(t, { before: withKey(key2) }),
    online(t)
  ])
  assert.match(a.d.output(), /Swarm is limited to private network of peers with the swarm key/)
  assert.match(a.d.output(), new RegExp(`Swarm key fingerprint: ${swarmKeyFingerprint(Buffer.from(key1.split('\n')[2] as string, 'hex'))}\n`))
  assert.equal(await a.h.ok(['swarm', 'connect', b.addr]), `connect ${b.id} success\n`)
  for (const other of [c, open]) {
    const r = await a.h.run(['swarm', 'connect', other.addr])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, new RegExp(`^Error: connect ${other.id} failure`))
  }
  const r = await open.h.run(['swarm', 'connect', a.addr])
  assert.equal(r.code, 1, r.stdout)
  assert.deepEqual((await peersOf(a.h)).map(p => p.Peer), [b.id])
})

test('LIBP2P_FORCE_PNET=1 without a swarm.key: the daemon does not start', async (t) => {
  const h = await harness(t)
  await assert.rejects(startDaemon(t, h, [], { LIBP2P_FORCE_PNET: '1' }), /private network was not configured but is enforced by the environment/)
})
