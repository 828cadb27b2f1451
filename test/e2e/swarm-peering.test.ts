/**
 * Peering (Peering.Peers and `swarm peering add|ls|rm`) and the connection manager (Swarm.ConnMgr) of a
 * real daemon, with plain libp2p nodes from the test process as its peers on 127.0.0.1.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base36 } from 'multiformats/bases/base36'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { online, plainNode, peersOf, until } from '../helpers/swarm.ts'

test('peering: configured peers are connected and reconnected; swarm peering add|ls|rm', async (t) => {
  const p = await plainNode(t)
  const pAddr = p.getMultiaddrs()[0]?.decapsulateCode(421).toString() as string
  const pid = p.peerId.toString()
  const a = await online(t, { mutate: c => { c.Peering = { Peers: [{ ID: pid, Addrs: [pAddr] }] } } })
  await until(() => p.getConnections(peerIdFromString(a.id)).length > 0, 'A to connect to its peered peer')
  assert.equal(await a.h.ok(['swarm', 'peering', 'ls']), `${pid}\n\t${pAddr}\n`)
  // a plain node's connection carries no stream once identify is done: no empty line after it (as Kubo)
  assert.doesNotMatch(await a.h.ok(['swarm', 'peers', '--streams']), /\n\n/)

  // the peer hangs up: A dials it again (after Kubo's first backoff, 5 s)
  await p.hangUp(peerIdFromString(a.id))
  await until(() => p.getConnections(peerIdFromString(a.id)).length > 0, 'A to reconnect')

  const q = await plainNode(t)
  const qAddr = q.getMultiaddrs()[0]?.decapsulateCode(421).toString() as string
  const qid = q.peerId.toString()
  const k = q.peerId.toCID().toString(base36)
  assert.equal(await a.h.ok(['swarm', 'peering', 'add', `${qAddr}/p2p/${k}`]), `add ${qid} success\n`)
  await until(async () => (await peersOf(a.h)).some(e => e.Peer === qid), 'A to connect to the added peer')
  const ls = JSON.parse(await a.h.ok(['swarm', 'peering', 'ls', '--enc=json'])) as { Peers: Array<{ ID: string, Addrs: string[] }> }
  assert.deepEqual(ls.Peers.map(e => e.ID).sort(), [pid, qid].sort())
  assert.deepEqual(ls.Peers.find(e => e.ID === qid)?.Addrs, [qAddr])

  assert.equal(await a.h.ok(['swarm', 'peering', 'rm', k]), `remove ${qid} success\n`)
  assert.deepEqual((JSON.parse(await a.h.ok(['swarm', 'peering', 'ls', '--enc=json'])) as { Peers: Array<{ ID: string }> }).Peers.map(e => e.ID), [pid])

  const bad = await a.h.run(['swarm', 'peering', 'add', qAddr])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /^Error: invalid p2p multiaddr/)
})

test('connection manager: past HighWater, trimmed to LowWater; a peered peer is kept', async (t) => {
  const kept = await plainNode(t)
  const keptAddr = kept.getMultiaddrs()[0]?.decapsulateCode(421).toString() as string
  const a = await online(t, {
    mutate: c => {
      c.Swarm.ConnMgr = { LowWater: 2, HighWater: 3, GracePeriod: '1s' }
      c.Peering = { Peers: [{ ID: kept.peerId.toString(), Addrs: [keptAddr] }] }
    }
  })
  await until(() => kept.getConnections().length > 0, 'the peered connection')
  const others = await Promise.all([1, 2, 3, 4, 5].map(async () => await plainNode(t, { listen: [] })))
  for (const o of others) await o.dial(multiaddr(a.addr))
  // 6 connections > HighWater 3: the 5 unprotected ones are trimmed to LowWater 2 once older than the grace period
  await until(async () => (await peersOf(a.h)).length === 3, 'the trim to LowWater')
  const left = (await peersOf(a.h)).map(e => e.Peer)
  assert.ok(left.includes(kept.peerId.toString()), 'the peered peer is protected')
  assert.equal(others.filter(o => o.getConnections().length > 0).length, 2)
})
