/**
 * The Bitswap client: what it asks of whom when a peer sits on a want-block (the tick's timers are Node's
 * mock timers). The want moves to another peer and is withdrawn from the silent one, so the block cannot
 * come from both; with no other peer to ask, the silent one is asked again and the want does not stall.
 */
import { test, mock } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Client } from '../../src/core/network/bitswap/client.ts'
import { Peer, type Counters } from '../../src/core/network/bitswap/peer.ts'
import { WANT_BLOCK, WANT_HAVE, type Entry } from '../../src/core/network/bitswap/message.ts'

/** A peer that records the wantlist entries the client queues for it instead of sending them */
class RecordingPeer extends Peer {
  readonly entries: Entry[] = []
  override queueEntry (key: string, entry: Entry): void { this.entries.push(entry) }
}

const counters: Counters = { blocksSent: 0, dataSent: 0, messagesSent: 0 }
async function peer (): Promise<RecordingPeer> {
  return new RecordingPeer(peerIdFromPrivateKey(await generateKeyPair('Ed25519')), async () => await new Promise(() => {}), counters, () => {})
}

/** `want-have`, `want-block` or `cancel`: what an entry asks */
const kind = (e: Entry | undefined): string => e === undefined ? 'nothing' : e.cancel ? 'cancel' : e.wantType === WANT_HAVE ? 'want-have' : e.wantType === WANT_BLOCK ? 'want-block' : '?'

async function setup (peers: RecordingPeer[]): Promise<{ client: Client, cid: CID, data: Uint8Array }> {
  const data = randomBytes(1000)
  const cid = CID.createV1(raw.code, await sha256.digest(data))
  const client = new Client({
    peers: () => peers,
    connect: async () => {},
    routing: { findProviders: async function * () {} }
  })
  return { client, cid, data }
}

test('a want-block a peer sits on moves to another peer that has the block, and is withdrawn from the first', async (t) => {
  mock.timers.enable({ apis: ['setInterval', 'Date'] })
  t.after(() => { mock.timers.reset() })
  const a = await peer()
  const b = await peer()
  const { client, cid, data } = await setup([a, b])
  client.start()
  t.after(() => { client.stop() })
  const got = client.want(cid)
  got.catch(() => {})
  assert.deepEqual([kind(a.entries.at(-1)), kind(b.entries.at(-1))], ['want-have', 'want-have'])
  client.onHave(a, cid)
  client.onHave(b, cid)
  assert.equal(kind(a.entries.at(-1)), 'want-block', 'the first HAVE gets the want-block')
  assert.equal(b.entries.length, 1)
  mock.timers.tick(4000)
  assert.equal(kind(a.entries.at(-1)), 'want-block', 'not silent yet')
  mock.timers.tick(2000)
  assert.equal(kind(a.entries.at(-1)), 'cancel')
  assert.equal(kind(b.entries.at(-1)), 'want-block')
  assert.equal(client.onBlock(b, cid, data), 'wanted')
  assert.deepEqual(await got, data)
  // the first peer's copy, if it crossed the cancel on the wire, counts as a duplicate
  assert.equal(client.onBlock(a, cid, data), 'duplicate')
})

test('a want-block the only peer sits on is asked of it again, not left to stall', async (t) => {
  mock.timers.enable({ apis: ['setInterval', 'Date'] })
  t.after(() => { mock.timers.reset() })
  const a = await peer()
  const { client, cid, data } = await setup([a])
  client.start()
  t.after(() => { client.stop() })
  const got = client.want(cid)
  got.catch(() => {})
  client.onHave(a, cid)
  mock.timers.tick(6000)
  // withdrawn and asked again in the same message: the want-have replaces the want-block on its side
  assert.deepEqual(a.entries.map(kind), ['want-have', 'want-block', 'cancel', 'want-have'])
  client.onHave(a, cid)
  assert.equal(kind(a.entries.at(-1)), 'want-block')
  assert.equal(client.onBlock(a, cid, data), 'wanted')
  assert.deepEqual(await got, data)
})
