/**
 * Pubsub between a tsipfs daemon and libp2p nodes in this test process (as a Helia node runs them): a
 * gossipsub node in both directions, a floodsub-only node in both directions through gossipsub's floodsub
 * fallback, a daemon with Pubsub.Router=floodsub, the signing rules (unsigned refused by default, signed
 * refused with DisableSigning, a forged signature never delivered) and a frame over Pubsub.MaxMessageSize.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { concat } from 'uint8arrays/concat'
import { multiaddr } from '@multiformats/multiaddr'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { collect, daemon, dialDaemon, fromU, libp2pNode, peersOn, rpcSub, waitFor, type Peer, type TestNode } from '../helpers/pubsub.ts'

/** Both sides see each other subscribed to `topic` */
async function meshed (p: Peer, node: TestNode, topic: string): Promise<void> {
  await waitFor(async () => (await peersOn(p, topic)).includes(node.peerId.toString()), 'the daemon to see the node subscribed')
  await waitFor(() => node.services.pubsub.getSubscribers(topic).some(id => id.toString() === p.id), 'the node to see the daemon subscribed')
}

test('a gossipsub node and a floodsub-only node exchange messages with a daemon, both ways', async (t) => {
  const p = await daemon(t, { 'Pubsub.Enabled': true })

  await t.test('gossipsub: node → daemon and daemon → node', async (st) => {
    const node = await libp2pNode(st, 'gossipsub')
    const atNode = collect(node, 'g')
    const atDaemon = await rpcSub(st, p.d.url, 'g')
    await dialDaemon(node, p)
    await meshed(p, node, 'g')
    assert.ok((await p.h.ok(['swarm', 'peers', '-v'])).includes('/meshsub/1.'), 'the connection speaks gossipsub')
    await node.services.pubsub.publish('g', new TextEncoder().encode('from the gossipsub node'))
    assert.equal((await atDaemon.waitData('from the gossipsub node')).from, node.peerId.toString())
    await p.h.ok(['pubsub', 'pub', 'g'], { input: 'from the daemon' })
    await atNode.waitData('from the daemon')
  })

  await t.test('floodsub only: node → daemon and daemon → node through the fallback', async (st) => {
    const node = await libp2pNode(st, 'floodsub')
    const atNode = collect(node, 'f')
    const atDaemon = await rpcSub(st, p.d.url, 'f')
    await dialDaemon(node, p)
    await meshed(p, node, 'f')
    const streams = await p.h.ok(['swarm', 'peers', '--streams'])
    assert.ok(streams.includes('/floodsub/1.0.0'), streams)
    await node.services.pubsub.publish('f', new TextEncoder().encode('from the floodsub node'))
    assert.equal((await atDaemon.waitData('from the floodsub node')).from, node.peerId.toString())
    await p.h.ok(['pubsub', 'pub', 'f'], { input: 'to the floodsub node' })
    await atNode.waitData('to the floodsub node')
  })
})

test('a daemon with Pubsub.Router=floodsub talks to floodsub and gossipsub nodes', async (t) => {
  const p = await daemon(t, { 'Pubsub.Enabled': true, 'Pubsub.Router': 'floodsub' })
  for (const kind of ['floodsub', 'gossipsub'] as const) {
    await t.test(`with a ${kind} node, both ways`, async (st) => {
      const node = await libp2pNode(st, kind)
      const atNode = collect(node, kind)
      const atDaemon = await rpcSub(st, p.d.url, kind)
      await dialDaemon(node, p)
      await meshed(p, node, kind)
      await node.services.pubsub.publish(kind, new TextEncoder().encode(`hello from ${kind}`))
      await atDaemon.waitData(`hello from ${kind}`)
      await p.h.ok(['pubsub', 'pub', kind], { input: `hello to ${kind}` })
      await atNode.waitData(`hello to ${kind}`)
    })
  }
})

// ---- a raw floodsub RPC, for a message whose signature does not match its content ----

function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return Uint8Array.from(out)
}
const field = (tag: number, bytes: Uint8Array): Uint8Array => concat([varint((tag << 3) | 2), varint(bytes.byteLength), bytes])
const text = (s: string): Uint8Array => new TextEncoder().encode(s)

/** A pubsub Message (from=1, data=2, seqno=3, topic=4, signature=5), signed over fields 1–4 as the spec says */
async function signedMessage (key: PrivateKey, topic: string, signedData: string, sentData: string, seqno: bigint): Promise<Uint8Array> {
  const seq = new Uint8Array(8)
  new DataView(seq.buffer).setBigUint64(0, seqno)
  const from = peerIdFromPrivateKey(key).toMultihash().bytes
  const body = (data: string): Uint8Array => concat([field(1, from), field(2, text(data)), field(3, seq), field(4, text(topic))])
  const signature = await key.sign(concat([text('libp2p-pubsub:'), body(signedData)]))
  return concat([body(sentData), field(5, signature)])
}

test('signing rules: unsigned refused by default, signed refused with DisableSigning, a forged signature never delivered', async (t) => {
  const [strict, unsigned] = await Promise.all([
    daemon(t, { 'Pubsub.Enabled': true }),
    daemon(t, { 'Pubsub.Enabled': true, 'Pubsub.DisableSigning': true })
  ])

  await t.test('a forged signature is dropped; the genuine message after it is delivered', async (st) => {
    const key = await generateKeyPair('Ed25519')
    const node = await libp2pNode(st, 'floodsub', 'StrictSign', key)
    const atDaemon = await rpcSub(st, strict.d.url, 'sig')
    // a raw /floodsub/1.0.0 stream: length-prefixed RPCs whose messages (field 2) we write ourselves
    const stream = await node.dialProtocol(multiaddr(strict.addr), '/floodsub/1.0.0')
    const frame = (rpc: Uint8Array): Uint8Array => concat([varint(rpc.byteLength), rpc])
    const forged = await signedMessage(key, 'sig', 'what was signed', 'forged content', 1n)
    const genuine = await signedMessage(key, 'sig', 'genuine', 'genuine', 2n)
    stream.send(frame(field(2, forged)))
    stream.send(frame(field(2, genuine)))
    await atDaemon.waitData('genuine')
    assert.ok(!atDaemon.messages.some(m => m.data !== undefined && new TextDecoder().decode(fromU(m.data)) === 'forged content'), 'the forged message was not delivered')
    await stream.close()
  })

  await t.test('unsigned messages: refused by the default daemon, delivered by one with DisableSigning', async (st) => {
    const node = await libp2pNode(st, 'gossipsub', 'StrictNoSign')
    const signer = await libp2pNode(st, 'gossipsub', 'StrictSign')
    const atStrict = await rpcSub(st, strict.d.url, 'policy')
    const atUnsigned = await rpcSub(st, unsigned.d.url, 'policy')
    for (const n of [node, signer]) {
      collect(n, 'policy')
      await dialDaemon(n, strict)
      await dialDaemon(n, unsigned)
    }
    await meshed(strict, signer, 'policy')
    await meshed(unsigned, node, 'policy')
    await node.services.pubsub.publish('policy', text('unsigned one'))
    await signer.services.pubsub.publish('policy', text('signed one'))
    // each daemon delivers what its policy allows: the other message never comes
    const got = await atUnsigned.waitData('unsigned one')
    assert.equal(got.from, undefined, 'an unsigned message has no sender')
    assert.equal(got.seqno, undefined)
    await atStrict.waitData('signed one')
    // a marker from each daemon's own CLI shows its stream got past the point where the other would be
    await strict.h.ok(['pubsub', 'pub', 'policy'], { input: 'marker strict' })
    await unsigned.h.ok(['pubsub', 'pub', 'policy'], { input: 'marker unsigned' })
    await atStrict.waitData('marker strict')
    await atUnsigned.waitData('marker unsigned')
    const texts = (list: typeof atStrict.messages): string[] => list.map(m => m.data === undefined ? '' : new TextDecoder().decode(fromU(m.data)))
    assert.ok(!texts(atStrict.messages).includes('unsigned one'), texts(atStrict.messages).join(','))
    assert.ok(!texts(atUnsigned.messages).includes('signed one'), texts(atUnsigned.messages).join(','))
  })
})

test('a frame over Pubsub.MaxMessageSize is not delivered, and the daemon goes on', async (t) => {
  const p = await daemon(t, { 'Pubsub.Enabled': true, 'Pubsub.MaxMessageSize': '8KiB' })
  const big = await libp2pNode(t, 'gossipsub')
  const other = await libp2pNode(t, 'gossipsub')
  const atDaemon = await rpcSub(t, p.d.url, 'limit')
  for (const n of [big, other]) {
    collect(n, 'limit')
    await dialDaemon(n, p)
    await meshed(p, n, 'limit')
  }
  await big.services.pubsub.publish('limit', new Uint8Array(4096).fill(65))
  await waitFor(() => atDaemon.messages.some(m => m.data !== undefined && fromU(m.data).byteLength === 4096), 'the 4 KiB message')
  await big.services.pubsub.publish('limit', new Uint8Array(16 * 1024).fill(66))
  await other.services.pubsub.publish('limit', text('after the big one'))
  await atDaemon.waitData('after the big one')
  assert.ok(!atDaemon.messages.some(m => m.data !== undefined && fromU(m.data).byteLength === 16 * 1024), 'the 16 KiB message was not delivered')
  // the CLI refuses to send what peers with this limit would drop
  const r = await p.h.run(['pubsub', 'pub', 'limit'], { input: Buffer.alloc(8 * 1024, 1) })
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: message too large: 8192 bytes, at most 7163 on this topic \(Pubsub\.MaxMessageSize is 8192\)\n$/)
  assert.deepEqual((await p.h.ok(['pubsub', 'ls'])).trim(), 'limit')
})
