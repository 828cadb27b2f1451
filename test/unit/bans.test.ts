/** The swarm's ban list (network/bans.ts): expiry, the gater's answers, the bound */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerBans } from '../../src/core/network/bans.ts'

const newPeer = async (): Promise<ReturnType<typeof peerIdFromPrivateKey>> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

test('PeerBans: a ban holds until it expires; the gater refuses dials and connections of a banned peer only', async () => {
  const bans = new PeerBans()
  const [a, b, c] = await Promise.all([newPeer(), newPeer(), newPeer()])
  bans.ban(a, 60_000)
  bans.ban(c, 0)
  assert.equal(bans.banned(a), true)
  assert.equal(bans.banned(b), false)
  // a ban of 0 ms has already ended
  assert.equal(bans.banned(c), false)
  const gater = bans.gater()
  assert.equal(await gater.denyDialPeer?.(a), true)
  assert.equal(await gater.denyInboundEncryptedConnection?.(a, undefined as never), true)
  assert.equal(await gater.denyOutboundEncryptedConnection?.(b, undefined as never), false)
})

test('PeerBans: at most 4096 peers at once; the ban that ends first makes room', async () => {
  const bans = new PeerBans()
  const first = await newPeer()
  bans.ban(first, 1000)
  const many = await Promise.all(Array.from({ length: 4096 }, async () => await newPeer()))
  for (const p of many) bans.ban(p, 60_000)
  assert.equal(bans.banned(first), false)
  assert.equal(bans.banned(many[4095] as typeof first), true)
})
