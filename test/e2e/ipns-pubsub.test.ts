/**
 * IPNS over pubsub across three daemons on 127.0.0.1 with routing off (Routing.Type none): a record put on
 * one node reaches a resolver on another through pubsub alone, a newer one replaces it, a late subscriber
 * is sent the current record, older, foreign and malformed records on the topic are refused, and
 * `name pubsub state|subs|cancel` report and end subscriptions.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { createIPNSRecord, marshalIPNSRecord } from 'ipns'
import { base36 } from 'multiformats/bases/base36'
import { base64url } from 'multiformats/bases/base64'
import { daemon, fromU, rpcSub, waitFor, type Peer } from '../helpers/pubsub.ts'

const CID1 = 'bafkreidwslb22nkaxoadyaqlhlxgntmiq4jdenhkbrxhcq6avxlt75br5u'
const CID2 = 'bafkreib7ytgp45cyodrmbwm7ohzq74dfnsg63va4yhl5hu3wwdn6nbpc6m'
const CID3 = 'bafkreielloo3bqj5wjbfnsbjvi3evkimnuxlummlsizkjk4tco4vju2vl4'

async function recordFile (p: Peer, key: PrivateKey, value: string, seq: number, file: string): Promise<string> {
  const record = await createIPNSRecord(key, value, BigInt(seq), 3_600_000)
  const path = join(p.h.dir, file)
  await writeFile(path, marshalIPNSRecord(record))
  return path
}

/** What `name resolve` answers now: the path, or undefined while it fails */
async function resolved (p: Peer, name: string): Promise<string | undefined> {
  const r = await p.h.run(['name', 'resolve', name])
  return r.code === 0 ? r.stdout.trim() : undefined
}

test('IPNS over pubsub with routing off: publish on one daemon, resolve on the others', async (t) => {
  const off = { 'Routing.Type': 'none' }
  const [a, b, c] = await Promise.all([
    daemon(t, { ...off, 'Ipns.UsePubsub': true, 'Pubsub.Enabled': true }),
    daemon(t, { ...off, 'Pubsub.Enabled': true }, ['--enable-namesys-pubsub']),
    daemon(t, { ...off, 'Ipns.UsePubsub': true })
  ])
  await a.h.ok(['swarm', 'connect', b.addr])
  await b.h.ok(['swarm', 'connect', c.addr])
  await a.h.ok(['swarm', 'connect', c.addr])
  const key = await generateKeyPair('Ed25519')
  const id = peerIdFromPrivateKey(key)
  const name = id.toCID().toString(base36)
  // go-libp2p-pubsub-router's KeyToTopic: "/record/" + base64url("/ipns/" + multihash)
  const topic = '/record/' + base64url.baseEncode(new Uint8Array([...new TextEncoder().encode('/ipns/'), ...id.toMultihash().bytes]))

  await t.test('state says enabled on each node, by config or by flag', async () => {
    for (const p of [a, b, c]) assert.equal(await p.h.ok(['name', 'pubsub', 'state']), 'enabled\n')
  })

  await t.test('a first lookup subscribes; a record put on A reaches B through pubsub', async () => {
    const first = await b.h.run(['name', 'resolve', name])
    assert.equal(first.code, 1)
    assert.match(first.stderr, /^Error: could not resolve name/)
    assert.equal(await b.h.ok(['name', 'pubsub', 'subs']), `/ipns/${name}\n`)
    assert.equal(await b.h.ok(['name', 'pubsub', 'subs', '--ipns-base', 'b58mh']), `/ipns/${id.toString()}\n`)
    // without --allow-offline: IPNS over pubsub broadcasts, so the put is not an offline one
    assert.equal(await a.h.ok(['routing', 'put', `/ipns/${name}`, await recordFile(a, key, `/ipfs/${CID1}`, 1, 'r1')]), `${id.toString()}\n`)
    assert.equal(await waitFor(async () => await resolved(b, name), 'B to resolve the name'), `/ipfs/${CID1}`)
    // A follows the name it published, as Kubo's PutValue subscribes
    assert.equal(await a.h.ok(['name', 'pubsub', 'subs']), `/ipns/${name}\n`)
  })

  await t.test('a newer record replaces it at once', async () => {
    await a.h.ok(['routing', 'put', `/ipns/${name}`, await recordFile(a, key, `/ipfs/${CID2}`, 2, 'r2')])
    await waitFor(async () => (await resolved(b, name)) === `/ipfs/${CID2}`, 'B to resolve the newer record')
  })

  await t.test('a node that looks the name up later is sent the current record by those that follow it', async () => {
    const first = await c.h.run(['name', 'resolve', name])
    assert.equal(first.code, 1)
    assert.equal(await waitFor(async () => await resolved(c, name), 'C to receive the record after subscribing'), `/ipfs/${CID2}`)
  })

  await t.test('older, foreign and malformed records on the topic are refused; a newer one is kept', async (st) => {
    // B's own subscriber to the topic sees only what B's validator lets through
    const seen = await rpcSub(st, b.d.url, topic)
    const other = await generateKeyPair('Ed25519')
    const older = await recordFile(a, key, `/ipfs/${CID3}`, 1, 'older')
    const foreign = await recordFile(a, other, `/ipfs/${CID3}`, 9, 'foreign')
    const garbage = join(a.h.dir, 'garbage')
    await writeFile(garbage, 'not an IPNS record')
    for (const f of [older, foreign, garbage]) await a.h.ok(['pubsub', 'pub', topic, f])
    const newer = await recordFile(a, key, `/ipfs/${CID3}`, 3, 'r3')
    await a.h.ok(['pubsub', 'pub', topic, newer])
    await waitFor(async () => (await resolved(b, name)) === `/ipfs/${CID3}`, 'B to keep the newer record')
    await waitFor(() => seen.messages.length >= 1, 'the newer record at the subscriber')
    const sizes = seen.messages.map(m => fromU(m.data ?? 'u').byteLength)
    assert.equal(seen.messages.length, 1, `only the newer record passed (sizes ${sizes.join(',')})`)
    // and routing put refuses a record that is not for the name, as before
    const wrong = await a.h.run(['routing', 'put', `/ipns/${name}`, foreign])
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /^Error: invalid IPNS record/)
  })

  await t.test('name publish with a keystore key goes out on the topic (the names core\'s publish hook)', async () => {
    const keyName = (await a.h.ok(['key', 'gen', 'pubsub-key'])).trim()
    assert.match(keyName, /^k51/)
    const first = await c.h.run(['name', 'resolve', keyName])
    assert.equal(first.code, 1)
    // content A has, so that publish's --resolve check passes without asking the network
    const cid = (await a.h.ok(['add', '-Q', '--cid-version=1'], { input: 'published through pubsub' })).trim()
    const out = await a.h.run(['name', 'publish', '--key=pubsub-key', `/ipfs/${cid}`])
    assert.equal(out.code, 0, out.stderr)
    assert.equal(out.stdout, `Published to ${keyName}: /ipfs/${cid}\n`)
    assert.equal(await waitFor(async () => await resolved(c, keyName), 'C to resolve the published name'), `/ipfs/${cid}`)
  })

  await t.test('cancel ends the subscription', async () => {
    assert.equal(await b.h.ok(['name', 'pubsub', 'cancel', `/ipns/${name}`]), 'canceled\n')
    assert.equal(await b.h.ok(['name', 'pubsub', 'subs']), '')
    assert.equal(await b.h.ok(['name', 'pubsub', 'cancel', id.toString()]), 'no subscription\n')
    assert.deepEqual(JSON.parse(await b.h.ok(['name', 'pubsub', 'cancel', name, '--enc=json'])), { Canceled: false })
    const bad = await b.h.run(['name', 'pubsub', 'cancel', 'not-a-name'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^Error: not a valid IPNS name/)
  })
})
