/** `bootstrap list|add|rm` edit the Bootstrap list; a daemon dials the peers on it when it starts. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { peerIdFromString } from '@libp2p/peer-id'
import { harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'

const ID = '12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d'
const PEER = `/ip4/127.0.0.1/tcp/4001/p2p/${ID}`
const B32 = peerIdFromString(ID).toCID().toString(base32)
const B36 = peerIdFromString(ID).toCID().toString(base36)

test('bootstrap list, add, add default, rm, rm all', async (t) => {
  const h = await harness(t)
  assert.equal(await h.ok(['bootstrap', 'list']), '', 'the test profile has no bootstrap peers')
  assert.equal(await h.ok(['bootstrap', 'add', PEER]), `added ${PEER}\n`)
  assert.equal(await h.ok(['bootstrap', 'add', PEER]), '', 'a peer already listed is not added twice')
  assert.equal(await h.ok(['bootstrap', 'add', PEER.replace(ID, B32)]), '', 'nor with its peer ID in another form')
  assert.deepEqual(JSON.parse(await h.ok(['bootstrap', 'list', '--enc=json'])), { Peers: [PEER] })
  const defaults = (await h.ok(['bootstrap', 'add', 'default'])).trim().split('\n')
  assert.ok(defaults.length >= 4 && defaults.every(a => a.startsWith('added /') && a.includes('/p2p/')), defaults.join(','))
  // the peer ID compares in any form, and the removed address prints in base58btc (as Kubo)
  assert.equal(await h.ok(['bootstrap', 'rm', PEER.replace(ID, B32)]), `removed ${PEER}\n`)
  // added as k51…: kept as written; a bare /p2p/<id> removes every address of the peer
  const k51 = [PEER.replace(ID, B36), PEER.replace('/tcp/4001', '/tcp/4002')]
  assert.deepEqual(JSON.parse(await h.ok(['bootstrap', 'add', '--enc=json', ...k51])), { Peers: k51 })
  assert.deepEqual(JSON.parse(await h.ok(['bootstrap', 'rm', '--enc=json', `/p2p/${B32}`])), { Peers: [PEER, k51[1]] })
  assert.deepEqual((await h.ok(['bootstrap', 'rm', 'all'])).trim().split('\n'), defaults.map(a => a.replace('added ', 'removed ')).sort())
  assert.equal(await h.ok(['bootstrap', 'list']), '')
  for (const bad of ['/ip4/127.0.0.1/tcp/4001', 'nonsense']) {
    const r = await h.run(['bootstrap', 'add', bad])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: invalid bootstrap address/)
  }
  assert.match((await h.run(['bootstrap', 'add'])).stderr, /^Error: no bootstrap peers to add/)
})

test('a daemon connects to its bootstrap peers when it starts', async (t) => {
  const a = await harness(t)
  const da = await startDaemon(t, a)
  const addr = swarmAddr(da)
  const b = await harness(t)
  const id = addr.split('/p2p/')[1] as string
  // listed with the peer ID as a CIDv1: the daemon dials it all the same
  await b.ok(['bootstrap', 'add', addr.replace(id, peerIdFromString(id).toCID().toString(base32))])
  await startDaemon(t, b)
  let peers = ''
  for (let i = 0; i < 100 && !peers.includes(id); i++) {
    peers = await b.ok(['swarm', 'peers'])
    if (!peers.includes(id)) await new Promise(resolve => setTimeout(resolve, 100))
  }
  assert.match(peers, new RegExp(`/p2p/${id}\n`))
})
