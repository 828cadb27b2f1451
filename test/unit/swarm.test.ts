/**
 * The swarm's config readers: address filters, swarm keys, connection manager settings, listen address
 * kinds, transport and security plans.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import { AddrFilters, parseFilter } from '../../src/core/network/filters.ts'
import { decodeSwarmKey, swarmKeyFingerprint } from '../../src/core/network/pnet.ts'
import { connMgrSettings, maxConnections } from '../../src/core/network/connmgr.ts'
import { kindOf, planTransports, priority } from '../../src/core/network/transports.ts'
import { defaultConfig, type Config } from '../../src/core/repo/config.ts'
import { PROFILES } from '../../src/core/repo/profiles.ts'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { identify } from '@libp2p/identify'
import { planRelay, relayServiceOptions } from '../../src/core/network/relay.ts'
import { formatPeerId } from '../../src/core/network/identity.ts'

const config = (swarm: Record<string, unknown> = {}, addrs?: string[]): Config => {
  const c = defaultConfig({ PeerID: 'x', PrivKey: 'x' })
  Object.assign(c.Swarm as object, swarm)
  if (addrs !== undefined) c.Addresses.Swarm = addrs
  return c
}

test('address filters match CIDR ranges of IPv4 and IPv6, and nothing else', () => {
  const f = new AddrFilters(['/ip4/10.0.0.0/ipcidr/8', '/ip6/fd00::/ipcidr/8'])
  assert.ok(f.blocked(multiaddr('/ip4/10.1.2.3/tcp/4001')))
  assert.ok(f.blocked(multiaddr('/ip6/fd00::2/udp/4001/quic-v1')))
  assert.ok(f.blocked(multiaddr('/ip4/10.9.9.9/tcp/1/p2p/12D3KooWAMfkfNQJANegGEajHDNcRPkMxd85dk3iUyfphRp7D59V/p2p-circuit')))
  assert.ok(!f.blocked(multiaddr('/ip4/11.0.0.1/tcp/4001')))
  assert.ok(!f.blocked(multiaddr('/dns4/example.com/tcp/4001')))
  assert.deepEqual(f.add(['/ip4/127.0.0.0/ipcidr/8', '/ip4/10.0.0.0/ipcidr/8']), ['/ip4/127.0.0.0/ipcidr/8'])
  assert.ok(f.blocked(multiaddr('/ip4/127.0.0.1/tcp/1')))
  assert.deepEqual(f.remove(['/ip4/127.0.0.0/ipcidr/8']), ['/ip4/127.0.0.0/ipcidr/8'])
  assert.ok(!f.blocked(multiaddr('/ip4/127.0.0.1/tcp/1')))
  assert.deepEqual(f.remove(['all']), ['/ip4/10.0.0.0/ipcidr/8', '/ip6/fd00::/ipcidr/8'])
  for (const bad of ['/ip4/10.0.0.0', '/ip4/10.0.0.0/ipcidr/33', '/ip6/zz::/ipcidr/8', 'nope']) {
    assert.throws(() => parseFilter(bad), { name: 'InvalidArgumentError', message: /invalid multiaddr-filter format/ })
  }
})

test('swarm keys in base16 (either case), base64 and binary give the same 32 bytes', () => {
  const key = randomBytes(32)
  const head = '/key/swarm/psk/1.0.0/\n'
  const forms = [
    `${head}/base16/\n${key.toString('hex')}\n`,
    `${head}/base16/\n${key.toString('hex').toUpperCase()}`,
    `${head}/base64/\n${key.toString('base64')}\n`
  ].map(s => Buffer.from(s))
  forms.push(Buffer.concat([Buffer.from(`${head}/bin/\n`), key]))
  const withBreaks = Buffer.from(key)
  withBreaks[0] = 10
  withBreaks[1] = 13
  assert.deepEqual(Buffer.from(decodeSwarmKey(Buffer.concat([Buffer.from(`${head}/bin/\n`), withBreaks]))), withBreaks)
  for (const f of forms) assert.deepEqual(Buffer.from(decodeSwarmKey(f)), key)
  assert.throws(() => decodeSwarmKey(Buffer.from(`${head}/base16/\nabcd`)), /must be 32 bytes/)
  assert.throws(() => decodeSwarmKey(Buffer.from('hello')), /not a swarm key/)
  assert.throws(() => decodeSwarmKey(Buffer.from(`${head}/base58/\nabc`)), /unknown key encoding/)
})

test('the swarm key fingerprint is Kubo\'s', () => {
  // Kubo 0.42 printed "Swarm key fingerprint: 41dfbf48d882a8ee665983adfa7a48f7" for this key (bytes 0..31)
  assert.equal(swarmKeyFingerprint(Uint8Array.from({ length: 32 }, (_, i) => i)), '41dfbf48d882a8ee665983adfa7a48f7')
})

test('Swarm.ConnMgr: Kubo\'s defaults, validation, and the hard cap given to js-libp2p', () => {
  assert.deepEqual(connMgrSettings(config()), { type: 'basic', lowWater: 32, highWater: 96, gracePeriod: 20_000 })
  const s = connMgrSettings(config({ ConnMgr: { LowWater: 20, HighWater: 40, GracePeriod: '1m' } }))
  assert.deepEqual(s, { type: 'basic', lowWater: 20, highWater: 40, gracePeriod: 60_000 })
  assert.equal(maxConnections(s), 80)
  assert.equal(maxConnections({ ...s, highWater: 10 }), 42)
  assert.equal(maxConnections({ ...s, type: 'none' }), 1_000_000)
  assert.throws(() => connMgrSettings(config({ ConnMgr: { LowWater: 50, HighWater: 40 } })), /HighWater \(40\) is below LowWater \(50\)/)
  assert.throws(() => connMgrSettings(config({ ConnMgr: { Type: 'fancy' } })), /unknown connection manager/)
  assert.throws(() => connMgrSettings(config({ ConnMgr: { LowWater: -1 } })), /LowWater must be a non-negative integer/)
})

test('listen address kinds', () => {
  assert.equal(kindOf('/ip4/0.0.0.0/tcp/4001'), 'tcp')
  assert.equal(kindOf('/ip6/::/tcp/4002/ws'), 'ws')
  assert.equal(kindOf('/ip4/0.0.0.0/udp/4001/quic-v1'), 'quic')
  assert.equal(kindOf('/ip4/0.0.0.0/udp/4001/quic-v1/webtransport'), 'webtransport')
  assert.equal(kindOf('/ip6/::/udp/4001/webrtc-direct'), 'webrtc-direct')
  assert.equal(kindOf('/ip4/0.0.0.0/udp/4001/quic'), 'quic-draft29')
  assert.equal(kindOf('/p2p-circuit'), 'circuit')
  assert.equal(kindOf('/unix/tmp/sock'), 'other')
})

test('transport plan: priorities order TLS and Noise, false disables, skipped addresses say why', async () => {
  assert.equal(priority(false, 100), false)
  assert.equal(priority(null, 100), 100)
  assert.equal(priority(7, 100), 7)
  const plain = await planTransports(config({}, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1/webtransport']))
  assert.deepEqual(plain.listen, ['/ip4/127.0.0.1/tcp/0'])
  assert.deepEqual(plain.skipped, ['/ip4/127.0.0.1/udp/0/quic-v1/webtransport (WebTransport is not supported by tsipfs: js-libp2p can neither listen for it nor dial it in Node.js)'])
  assert.equal(plain.connectionEncrypters.length, 2)
  const noTcp = await planTransports(config({ Transports: { Network: { TCP: false } } }, ['/ip4/127.0.0.1/tcp/0']))
  assert.deepEqual(noTcp.skipped, ['/ip4/127.0.0.1/tcp/0 (Swarm.Transports.Network.TCP is false)'])
  const pnet = await planTransports(config({}, ['/ip4/127.0.0.1/udp/0/quic-v1']), { noQuic: 'QUIC cannot be used in a private network (swarm.key)' })
  assert.deepEqual(pnet.skipped, ['/ip4/127.0.0.1/udp/0/quic-v1 (QUIC cannot be used in a private network (swarm.key))'])
  await assert.rejects(planTransports(config({ Transports: { Security: { TLS: false, Noise: false } } })), /disables every security transport/)
  await assert.rejects(planTransports(config({ Transports: { Multiplexers: { Yamux: false } } })), /yamux is the only multiplexer/)
})

test('id --peerid-base prints the peer ID as Kubo 0.42 does for the same key', async () => {
  const id = '12D3KooWKUAEmf5GSJR1qokKj2nCQWb64a2rfCLnjLhffiBn6qBG'
  const kubo: Record<string, string> = {
    b58mh: id,
    base36: 'k51qzi5uqu5djr9equlkg3ijk79spw4zutmy7pmj3hcv0d32bkmsexhrkdolrf',
    k: 'k51qzi5uqu5djr9equlkg3ijk79spw4zutmy7pmj3hcv0d32bkmsexhrkdolrf',
    base32: 'bafzaajaiaejcbd3hynojaktb3mf7q5paixl2p44zz5oh5xzw7v7wjsjj67z7k4jl',
    z: 'z5AanNVJCxnQVBKePYyVK7QqLfekiELmpKHTUcPoh2B5vWjuXkdVXNr',
    base16: 'f01720024080112208f67c35c902a61db0bf875e045d7a7f399cf5c7edf36fd7f64c929f7f3f5712b'
  }
  for (const [base, want] of Object.entries(kubo)) assert.equal(await formatPeerId(id, base), want, base)
  await assert.rejects(formatPeerId(id, 'foo'), { message: 'unsupported multibase encoding: foo' })
})

test('NAT traversal plan: UPnP unless Swarm.DisableNatPortMap (off in the test profile); relay service limits as circuit-relay-v2 options', () => {
  assert.ok('upnpNAT' in planRelay(config({}), true).services)
  assert.ok(!('upnpNAT' in planRelay(config({ DisableNatPortMap: true }), true).services))
  const tested = defaultConfig({ PeerID: 'x', PrivKey: 'x' })
  PROFILES.test?.transform(tested)
  assert.ok(!('upnpNAT' in planRelay(tested, true).services))

  assert.deepEqual(relayServiceOptions({}), {
    maxInboundHopStreams: 16,
    maxOutboundStopStreams: 16,
    reservations: { maxReservations: 128, reservationTtl: 3_600_000, defaultDurationLimit: 120_000, defaultDataLimit: 131072n }
  })
  const set = relayServiceOptions({ MaxReservations: 1, MaxCircuits: 2, ReservationTTL: '10m', Limit: { Duration: '30s', Data: 1024 }, BufferSize: 4096 })
  assert.deepEqual(set.reservations, { maxReservations: 1, reservationTtl: 600_000, defaultDurationLimit: 30_000, defaultDataLimit: 1024n })
  assert.equal(set.maxInboundHopStreams, 2)
  // Kubo's own key names win over the Limit object's
  assert.equal(relayServiceOptions({ ConnectionDurationLimit: '1m', Limit: { Duration: '30s' } }).reservations?.defaultDurationLimit, 60_000)
  assert.throws(() => relayServiceOptions({ MaxReservationsPerIP: -1 }), /Swarm.RelayService.MaxReservationsPerIP must be a non-negative integer/)
})

test('UPnP with and without AutoNAT: libp2p accepts the services (it checks their dependencies when built, not started)', async () => {
  for (const ServiceMode of ['enabled', 'disabled']) {
    const c = config({})
    c.AutoNAT = { ServiceMode }
    const plan = planRelay(c, true)
    const node = await createLibp2p({ start: false, transports: [tcp(), ...plan.transports], services: { identify: identify(), ...plan.services } })
    assert.ok('upnpNAT' in node.services, ServiceMode)
    await node.stop()
  }
})

test('WebRTC-Direct: loaded for a listen address or when set to true; false skips its addresses', async () => {
  const base = await planTransports(config({}, ['/ip4/127.0.0.1/tcp/0']))
  const listening = await planTransports(config({}, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/webrtc-direct']))
  assert.deepEqual(listening.listen, ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/webrtc-direct'])
  assert.equal(listening.transports.length, base.transports.length + 1)
  const dialOnly = await planTransports(config({ Transports: { Network: { WebRTCDirect: true } } }, ['/ip4/127.0.0.1/tcp/0']))
  assert.equal(dialOnly.transports.length, base.transports.length + 1)
  const off = await planTransports(config({ Transports: { Network: { WebRTCDirect: false } } }, ['/ip4/127.0.0.1/udp/0/webrtc-direct']))
  assert.deepEqual(off.skipped, ['/ip4/127.0.0.1/udp/0/webrtc-direct (Swarm.Transports.Network.WebRTCDirect is false)'])
})
