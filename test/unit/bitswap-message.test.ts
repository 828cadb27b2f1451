/** The Bitswap message codec: round trips for every version, and the limits enforced while decoding. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { Uint8ArrayList } from 'uint8arraylist'
import { cidPrefix, decodeMessage, DONT_HAVE, encodeEntry, encodeMessage, HAVE, MessageFrames, readPrefix, WANT_BLOCK, WANT_HAVE } from '../../src/core/network/bitswap/message.ts'

const LIMITS = { maxEntries: 100, maxBlocks: 100 }

/** The encoded message without its length prefix */
function body (list: ReturnType<typeof encodeMessage>): Uint8Array {
  const bytes = list.subarray()
  let i = 0
  while ((bytes[i] as number) >= 0x80) i++
  return bytes.subarray(i + 1)
}

test('a 1.2.0 message round-trips: wants, cancels, blocks and presences', async () => {
  const data = randomBytes(300_000)
  const cid = CID.createV1(raw.code, await sha256.digest(data))
  const other = CID.parse('QmSiJb5TXqAvEwn9XstjgmuabUTctNTavoSnHFaZsWaMFT')
  const msg = encodeMessage({
    entries: [
      encodeEntry({ cid: cid.bytes, priority: 7, cancel: false, wantType: WANT_HAVE, sendDontHave: true }, true),
      encodeEntry({ cid: other.bytes, priority: 1, cancel: true, wantType: WANT_BLOCK, sendDontHave: false }, true)
    ],
    full: true,
    blocks: [{ prefix: cidPrefix(1, raw.code, 0x12, 32), data }],
    presences: [{ cid: other.bytes, type: DONT_HAVE }, { cid: cid.bytes, type: HAVE }]
  }, '1.2.0')
  const m = decodeMessage(body(msg), LIMITS)
  assert.equal(m.full, true)
  assert.deepEqual(m.entries.map(e => [CID.decode(e.cid).toString(), e.priority, e.cancel, e.wantType, e.sendDontHave]), [
    [cid.toString(), 7, false, WANT_HAVE, true],
    [other.toString(), 1, true, WANT_BLOCK, false]
  ])
  assert.equal(m.payload.length, 1)
  assert.deepEqual(readPrefix((m.payload[0] as { prefix: Uint8Array }).prefix), { version: 1, codec: raw.code, mhCode: 0x12, digestLength: 32 })
  assert.deepEqual(Buffer.from((m.payload[0] as { data: Uint8Array }).data), data)
  assert.deepEqual(m.presences.map(p => [CID.decode(p.cid).toString(), p.type]), [[other.toString(), DONT_HAVE], [cid.toString(), HAVE]])
})

test('1.0.0 peers get blocks as bare data and no presences; 1.1.0 peers no want-have fields', () => {
  const data = randomBytes(1000)
  const m = decodeMessage(body(encodeMessage({ entries: [], blocks: [{ prefix: cidPrefix(0, 0x70, 0x12, 32), data }], presences: [{ cid: new Uint8Array(34), type: HAVE }] }, '1.0.0')), LIMITS)
  assert.equal(m.blocks.length, 1)
  assert.equal(m.payload.length, 0)
  assert.equal(m.presences.length, 0)
  const cid = CID.parse('QmSiJb5TXqAvEwn9XstjgmuabUTctNTavoSnHFaZsWaMFT')
  const e = decodeMessage(body(encodeMessage({ entries: [encodeEntry({ cid: cid.bytes, priority: 1, cancel: false, wantType: WANT_HAVE, sendDontHave: true }, false)], blocks: [], presences: [] }, '1.1.0')), LIMITS).entries[0]
  assert.equal(e?.wantType, WANT_BLOCK)
  assert.equal(e?.sendDontHave, false)
})

test('decoding enforces the limits and rejects malformed input', () => {
  const cid = CID.parse('QmSiJb5TXqAvEwn9XstjgmuabUTctNTavoSnHFaZsWaMFT')
  const entries = Array.from({ length: 101 }, () => encodeEntry({ cid: cid.bytes, priority: 1, cancel: false, wantType: WANT_BLOCK, sendDontHave: false }, true))
  assert.throws(() => decodeMessage(body(encodeMessage({ entries, blocks: [], presences: [] }, '1.2.0')), LIMITS), { name: 'MessageError' })
  const blocks = Array.from({ length: 101 }, () => ({ prefix: cidPrefix(1, 0x55, 0x12, 32), data: new Uint8Array(1) }))
  assert.throws(() => decodeMessage(body(encodeMessage({ entries: [], blocks, presences: [] }, '1.2.0')), LIMITS), { name: 'MessageError' })
  // a field that claims more bytes than there are; a varint that never ends
  assert.throws(() => decodeMessage(Uint8Array.of(0x12, 0x40, 1, 2), LIMITS), { name: 'MessageError' })
  assert.throws(() => decodeMessage(Uint8Array.of(0x28, 0xff, 0xff), LIMITS), { name: 'MessageError' })
})

test('MessageFrames: messages come out whole however the stream splits them, several from one chunk, and limits throw', () => {
  const a = encodeMessage({ entries: [], blocks: [{ prefix: cidPrefix(1, raw.code, 0x12, 32), data: randomBytes(200) }], presences: [] }, '1.2.0').subarray()
  const b = encodeMessage({ entries: [], blocks: [{ prefix: cidPrefix(1, raw.code, 0x12, 32), data: randomBytes(70_000) }], presences: [] }, '1.2.0').subarray()
  const empty = Uint8Array.of(0)
  const wire = Buffer.concat([a, empty, b, a])
  for (const cut of [1, 2, 3, a.byteLength, a.byteLength + 1, a.byteLength + 2, a.byteLength + 3, wire.byteLength - 1]) {
    const frames = new MessageFrames(1 << 20, 1 << 21)
    const out = [...frames.decode(wire.subarray(0, cut)), ...frames.decode(new Uint8ArrayList(wire.subarray(cut, cut + 5), wire.subarray(cut + 5)))]
    assert.deepEqual(out.map(m => Buffer.from(m.subarray())), [body(new Uint8ArrayList(a)), body(new Uint8ArrayList(b)), body(new Uint8ArrayList(a))].map(x => Buffer.from(x)), `split at ${cut}`)
  }
  assert.throws(() => [...new MessageFrames(100, 1 << 20).decode(b)], { name: 'MessageError' })
  assert.throws(() => [...new MessageFrames(1 << 20, 1000).decode(b)], { name: 'MessageError' })
  assert.throws(() => [...new MessageFrames(1 << 20, 1 << 20).decode(new Uint8Array(9).fill(0xff))], { name: 'MessageError' })
})
