/**
 * The swarm's transports and identity, with real daemons and real libp2p nodes on loopback: QUIC and
 * IPv6 listeners, TLS and Noise as Swarm.Transports.Security orders and disables them, address filters
 * (Swarm.AddrFilters, `swarm filters`), key types (`init --algorithm`) and peer IDs in every form,
 * `stats bw --peer`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { base36 } from 'multiformats/bases/base36'
import { base32 } from 'multiformats/bases/base32'
import { tls } from '@libp2p/tls'
import { noise } from '@chainsafe/libp2p-noise'
import { quic } from '@chainsafe/libp2p-quic'
import { webRTCDirect } from '@libp2p/webrtc'
import { addressFamilies } from '../../src/core/network/transports.ts'
import { harness } from '../helpers/cli.ts'
import { online, plainNode, peersOf } from '../helpers/swarm.ts'

test('QUIC and IPv6 listeners; TLS and Noise as configured', async (t) => {
  const families = await addressFamilies()
  const listen = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1', '/ip6/::1/tcp/0', '/ip4/127.0.0.1/udp/0/webrtc-direct']
  const d = await online(t, { mutate: c => { c.Addresses.Swarm = listen } })
  const quicAddr = d.addrs.find(a => a.includes('/quic-v1'))
  assert.ok(quicAddr !== undefined, d.d.output())
  const webrtcAddr = d.addrs.find(a => a.includes('/webrtc-direct/certhash/'))
  assert.ok(webrtcAddr !== undefined, d.d.output())

  await t.test('AutoNAT, DCUtR and the relay client run; the relay service does not (opt-in)', async () => {
    const protocols = (JSON.parse(await d.h.ok(['id'])) as { Protocols: string[] }).Protocols
    for (const p of ['/libp2p/autonat/1.0.0', '/libp2p/dcutr', '/libp2p/circuit/relay/0.2.0/stop']) assert.ok(protocols.includes(p), `${p} in ${protocols.join(',')}`)
    assert.ok(!protocols.includes('/libp2p/circuit/relay/0.2.0/hop'))
  })

  await t.test('a QUIC peer connects over QUIC', async () => {
    const node = await plainNode(t, { transports: [quic() as any], listen: [] })
    const conn = await node.dial(multiaddr(quicAddr))
    assert.equal(conn.remotePeer.toString(), d.id)
    assert.match(conn.remoteAddr.toString(), /\/quic-v1/)
  })

  await t.test('a WebRTC-Direct peer connects over WebRTC-Direct; so does another daemon', async () => {
    const node = await plainNode(t, { transports: [webRTCDirect() as any], listen: [] })
    const conn = await node.dial(multiaddr(webrtcAddr))
    assert.equal(conn.remotePeer.toString(), d.id)
    assert.match(conn.remoteAddr.toString(), /\/webrtc-direct\//)
    await node.stop()
    // a daemon that does not listen on WebRTC-Direct dials it when the key is true (it is not loaded otherwise)
    const other = await online(t, { mutate: c => { c.Swarm.Transports = { Network: { WebRTCDirect: true } } } })
    assert.equal(await other.h.ok(['swarm', 'connect', webrtcAddr]), `connect ${d.id} success\n`)
    // among its connections to D (swarm peers sorts by address, as Kubo: a TCP one D may open sorts first)
    const toD = (await peersOf(other.h)).filter(p => p.Peer === d.id)
    assert.ok(toD.some(p => /\/webrtc-direct\//.test(p.Addr)), JSON.stringify(toD))
  })

  await t.test('IPv6 when the machine has it, and a start-up line instead of a crash when not', async () => {
    if (families.ip6) assert.ok(d.addrs.some(a => a.startsWith('/ip6/::1/tcp/')), d.d.output())
    else assert.match(d.d.output(), /not listening on \/ip6\/::1\/tcp\/0 \(this machine has no IPv6\)/)
  })

  await t.test('TLS (Kubo\'s first choice) and Noise are both accepted by default', async () => {
    for (const encrypter of [tls(), noise()]) {
      const node = await plainNode(t, { encrypters: [encrypter as any], listen: [] })
      const conn = await node.dial(multiaddr(d.addr))
      assert.equal(conn.remotePeer.toString(), d.id)
      await node.stop()
    }
  })

  await t.test('the daemon dials TLS first', async () => {
    const node = await plainNode(t, { encrypters: [tls() as any, noise() as any] })
    const addr = `${node.getMultiaddrs()[0]?.toString() as string}`
    await d.h.ok(['swarm', 'connect', addr])
    const conn = node.getConnections().find(c => c.remotePeer.toString() === d.id)
    assert.equal(conn?.encryption, '/tls/1.0.0')
  })
})

test('Swarm.Transports.Security.Noise=false: a Noise-only peer cannot connect', async (t) => {
  const d = await online(t, { mutate: c => { c.Swarm.Transports = { Security: { Noise: false } } } })
  const noiseOnly = await plainNode(t, { encrypters: [noise() as any], listen: [] })
  await assert.rejects(noiseOnly.dial(multiaddr(d.addr)))
  const tlsOnly = await plainNode(t, { encrypters: [tls() as any], listen: [] })
  assert.equal((await tlsOnly.dial(multiaddr(d.addr))).remotePeer.toString(), d.id)
})

test('address filters: never dial nor accept a filtered address; swarm filters add|rm', async (t) => {
  const d = await online(t, { mutate: c => { c.Swarm.AddrFilters = ['/ip4/10.0.0.0/ipcidr/8'] } })
  const peer = await plainNode(t)
  const peerAddr = `${peer.getMultiaddrs()[0]?.toString() as string}`
  assert.equal(await d.h.ok(['swarm', 'filters']), '/ip4/10.0.0.0/ipcidr/8\n')

  assert.equal(await d.h.ok(['swarm', 'filters', 'add', '/ip4/127.0.0.0/ipcidr/8']), '/ip4/127.0.0.0/ipcidr/8\n')
  assert.deepEqual(JSON.parse(await d.h.ok(['swarm', 'filters', '--enc=json'])), { Strings: ['/ip4/10.0.0.0/ipcidr/8', '/ip4/127.0.0.0/ipcidr/8'] })
  // saved to the config, as Kubo does
  const saved = JSON.parse(await readFile(join(d.h.repo, 'config'), 'utf8')) as { Swarm: { AddrFilters: string[] } }
  assert.deepEqual(saved.Swarm.AddrFilters, ['/ip4/10.0.0.0/ipcidr/8', '/ip4/127.0.0.0/ipcidr/8'])
  // not dialled…
  const r = await d.h.run(['swarm', 'connect', peerAddr])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: connect .* failure/)
  // …and not accepted
  await assert.rejects(peer.dial(multiaddr(d.addr)))
  assert.deepEqual(await peersOf(d.h), [])

  assert.equal(await d.h.ok(['swarm', 'filters', 'rm', '/ip4/127.0.0.0/ipcidr/8']), '/ip4/127.0.0.0/ipcidr/8\n')
  assert.equal(await d.h.ok(['swarm', 'connect', peerAddr]), `connect ${peer.peerId.toString()} success\n`)
  const bad = await d.h.run(['swarm', 'filters', 'add', '/ip4/10.0.0.0'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /^Error: invalid multiaddr-filter format/)
  assert.equal(await d.h.ok(['swarm', 'filters', 'rm', 'all']), '/ip4/10.0.0.0/ipcidr/8\n')
  assert.deepEqual(JSON.parse(await d.h.ok(['swarm', 'filters', '--enc=json'])), { Strings: null })
})

test('init --algorithm: Ed25519 12D3…, RSA Qm…, secp256k1 16Uiu2…, as id reports them', async (t) => {
  for (const [args, prefix, line] of [[['-a', 'rsa', '-b', '2048'], /^Qm/, 'generating 2048-bit RSA keypair...done'], [['--algorithm=secp256k1'], /^16Uiu2/, 'generating SECP256K1 keypair...done'], [[], /^12D3KooW/, 'generating ED25519 keypair...done']] as const) {
    const h = await harness(t, { init: false })
    const out = await h.ok(['init', '--profile=test', ...args])
    assert.ok(out.startsWith(`${line}\npeer identity: `), out)
    const id = /peer identity: (\S+)/.exec(out)?.[1] as string
    assert.match(id, prefix)
    assert.equal(peerIdFromString(id).toString(), id)
    assert.equal((JSON.parse(await h.ok(['id'])) as { ID: string }).ID, id)
    assert.equal(await h.ok(['id', '--peerid-base=base36', '-f', '<id>']), peerIdFromString(id).toCID().toString(base36))
  }
  const small = await (await harness(t, { init: false })).run(['init', '-a', 'rsa', '-b', '1024'])
  assert.equal(small.code, 1)
  assert.match(small.stderr, /^Error: rsa keys must be >= 2048 bits to be useful/)
})

test('an RSA daemon and an Ed25519 daemon: peer IDs in every form; stats bw --peer', async (t) => {
  const [rsa, ed] = await Promise.all([online(t, { init: ['-a', 'rsa'] }), online(t)])
  assert.match(rsa.id, /^Qm/)
  const cid = peerIdFromString(rsa.id).toCID()
  for (const form of [rsa.id, cid.toString(base36), cid.toString(base32)]) {
    // Kubo prints the base58 form whatever form was given
    assert.equal(await ed.h.ok(['swarm', 'connect', rsa.addr.replace(rsa.id, form)]), `connect ${rsa.id} success\n`)
    assert.equal((JSON.parse(await ed.h.ok(['id', form])) as { ID: string }).ID, rsa.id)
    assert.match(await ed.h.ok(['ping', '-n', '1', form]), new RegExp(`^PING ${rsa.id}\\.\n`))
  }
  const bw = JSON.parse(await ed.h.ok(['stats', 'bw', '--peer', cid.toString(base36), '--enc=json'])) as { TotalIn: number, TotalOut: number }
  const total = JSON.parse(await ed.h.ok(['stats', 'bw', '--enc=json'])) as { TotalIn: number, TotalOut: number }
  assert.ok(bw.TotalIn > 0 && bw.TotalOut > 0, JSON.stringify(bw))
  assert.ok(bw.TotalIn <= total.TotalIn && bw.TotalOut <= total.TotalOut, `${JSON.stringify(bw)} ${JSON.stringify(total)}`)
  const none = JSON.parse(await ed.h.ok(['stats', 'bw', '--peer', '12D3KooWAMfkfNQJANegGEajHDNcRPkMxd85dk3iUyfphRp7D59V', '--enc=json'])) as { TotalIn: number }
  assert.equal(none.TotalIn, 0)
  assert.equal(await ed.h.ok(['swarm', 'disconnect', rsa.addr.replace(rsa.id, cid.toString(base36))]), `disconnect ${rsa.id} success\n`)
})
