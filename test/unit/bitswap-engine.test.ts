/**
 * The Bitswap server engine: what it queues for a peer when wants for the same block arrive one after
 * the other while the store is still answering the first. (Found against Kubo under load: Kubo sends a
 * want-have, then a want-block for the same CID; the HAVE for the first dropped the second, and Kubo
 * waited for a block that never came.)
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { Engine, type LocalBlocks } from '../../src/core/network/bitswap/engine.ts'
import { Peer, type Counters } from '../../src/core/network/bitswap/peer.ts'
import { HAVE, WANT_BLOCK, WANT_HAVE, type Entry, type Payload, type Presence } from '../../src/core/network/bitswap/message.ts'

/** A peer that records what the engine queues for it instead of sending it */
class RecordingPeer extends Peer {
  readonly blocks: Payload[] = []
  readonly presences: Presence[] = []
  override queueBlock (block: Payload): void { this.blocks.push(block) }
  override queuePresence (presence: Presence): void { this.presences.push(presence) }
}

/** An in-memory store whose `has` answers only when released */
function slowStore (blocks: Map<string, Uint8Array>): LocalBlocks & { release: () => void } {
  let release = (): void => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  return {
    release: () => { release() },
    has: async (cid) => { await gate; return blocks.has(cid.toString()) },
    get: async (cid) => {
      const b = blocks.get(cid.toString())
      if (b === undefined) throw new Error('not found')
      return b
    }
  }
}

async function setup (): Promise<{ peer: RecordingPeer, cid: CID, data: Uint8Array, store: ReturnType<typeof slowStore> }> {
  const data = randomBytes(1000)
  const cid = CID.createV1(raw.code, await sha256.digest(data))
  const store = slowStore(new Map([[cid.toString(), data]]))
  const counters: Counters = { blocksSent: 0, dataSent: 0, messagesSent: 0 }
  const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const peer = new RecordingPeer(id, async () => await new Promise(() => {}), counters, () => {})
  return { peer, cid, data, store }
}

const entry = (cid: CID, wantType: number): Entry => ({ cid: cid.bytes, priority: 1, cancel: false, wantType, sendDontHave: true })

/** Let the engine's pending reads and queueing run */
async function settle (): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise(resolve => setImmediate(resolve))
}

test('a want-block that arrives while a want-have for the same block is being answered gets the block', async () => {
  const { peer, cid, data, store } = await setup()
  const engine = new Engine(store)
  engine.onWantlist(peer, [entry(cid, WANT_HAVE)], true)
  engine.onWantlist(peer, [entry(cid, WANT_BLOCK)], false)
  store.release()
  await settle()
  assert.equal(peer.blocks.length, 1, 'the block is queued for the peer')
  assert.deepEqual(peer.blocks[0]?.data, data)
  // the want-have was replaced by the want-block: the block answers it, no HAVE besides
  assert.equal(peer.presences.length, 0)
  assert.equal(peer.wants.size, 0, 'the served want leaves the wantlist')
})

test('the same want-have sent twice while the first is pending is answered once', async () => {
  const { peer, cid, store } = await setup()
  const engine = new Engine(store)
  engine.onWantlist(peer, [entry(cid, WANT_HAVE)], false)
  engine.onWantlist(peer, [entry(cid, WANT_HAVE)], false)
  store.release()
  await settle()
  assert.deepEqual(peer.presences.map(p => ({ cid: CID.decode(p.cid).toString(), type: p.type })), [{ cid: cid.toString(), type: HAVE }])
  assert.equal(peer.blocks.length, 0)
})

test('a want cancelled while the store is answering is not served', async () => {
  const { peer, cid, store } = await setup()
  const engine = new Engine(store)
  engine.onWantlist(peer, [entry(cid, WANT_HAVE)], false)
  engine.onWantlist(peer, [{ ...entry(cid, WANT_HAVE), cancel: true }], false)
  store.release()
  await settle()
  assert.equal(peer.presences.length + peer.blocks.length, 0)
})
