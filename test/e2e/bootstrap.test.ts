/** `bootstrap list|add|rm` edit the Bootstrap list; a daemon dials the peers on it when it starts. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'

const PEER = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d'

test('bootstrap list, add, add default, rm, rm all', async (t) => {
  const h = await harness(t)
  assert.equal(await h.ok(['bootstrap', 'list']), '', 'the test profile has no bootstrap peers')
  assert.equal(await h.ok(['bootstrap', 'add', PEER]), `${PEER}\n`)
  assert.equal(await h.ok(['bootstrap', 'add', PEER]), '', 'a peer already listed is not added twice')
  assert.deepEqual(JSON.parse(await h.ok(['bootstrap', 'list', '--enc=json'])), { Peers: [PEER] })
  const defaults = (await h.ok(['bootstrap', 'add', 'default'])).trim().split('\n')
  assert.ok(defaults.length >= 4 && defaults.every(a => a.includes('/p2p/')), defaults.join(','))
  assert.equal(await h.ok(['bootstrap', 'rm', PEER]), `${PEER}\n`)
  assert.deepEqual((await h.ok(['bootstrap', 'rm', 'all'])).trim().split('\n'), defaults)
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
  await b.ok(['bootstrap', 'add', addr])
  await startDaemon(t, b)
  const id = addr.split('/p2p/')[1] as string
  let peers = ''
  for (let i = 0; i < 100 && !peers.includes(id); i++) {
    peers = await b.ok(['swarm', 'peers'])
    if (!peers.includes(id)) await new Promise(resolve => setTimeout(resolve, 100))
  }
  assert.match(peers, new RegExp(`/p2p/${id}\n`))
})
