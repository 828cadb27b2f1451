/**
 * Pubsub between real daemons on 127.0.0.1: `pubsub pub|sub|ls|peers` across three daemons (one enabled by
 * config, two by --enable-pubsub-experiment), Kubo's base64url wire format on the RPC API, kubo-rpc-client's
 * pubsub.subscribe receiving what our CLI publishes, the message size limit, and the errors without pubsub.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { create } from 'kubo-rpc-client'
import { BIN, harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { daemon, fromU, peersOn, rpcSub, u, waitFor } from '../helpers/pubsub.ts'

test('pubsub across three daemons, by the CLI, the RPC API and kubo-rpc-client', async (t) => {
  const [a, b, c] = await Promise.all([
    daemon(t, { 'Pubsub.Enabled': true }),
    daemon(t, {}, ['--enable-pubsub-experiment']),
    daemon(t, {}, ['--enable-pubsub-experiment'])
  ])
  await a.h.ok(['swarm', 'connect', b.addr])
  await a.h.ok(['swarm', 'connect', c.addr])
  await b.h.ok(['swarm', 'connect', c.addr])
  const topic = 'tsipfs/test topic ü'

  await t.test('a message published on one daemon reaches the subscribers on the two others', async (st) => {
    const onB = await rpcSub(st, b.d.url, topic)
    const onC = await rpcSub(st, c.d.url, topic)
    await waitFor(async () => { const p = await peersOn(a, topic); return p.includes(b.id) && p.includes(c.id) }, 'A to see B and C subscribed')
    assert.equal(await a.h.ok(['pubsub', 'pub', topic], { input: 'hello from a' }), '')
    const got = await onB.waitData('hello from a')
    // Kubo's shape: from as a peer ID, data/seqno/topicIDs as base64url multibase
    assert.equal(got.from, a.id)
    assert.deepEqual(got.topicIDs, [u(topic)])
    assert.match(got.seqno ?? '', /^u[A-Za-z0-9_-]{11}$/)
    assert.equal(fromU(got.seqno ?? '').byteLength, 8)
    assert.equal((await onC.waitData('hello from a')).from, a.id)
    // the file argument, with binary data
    const file = join(a.h.dir, 'msg.bin')
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13])
    await writeFile(file, bytes)
    await a.h.ok(['pubsub', 'pub', topic, file])
    const bin = await waitFor(() => onC.messages.find(m => m.data !== undefined && Buffer.from(fromU(m.data)).equals(bytes)), 'the binary message at C')
    assert.equal(bin.from, a.id)
    // seqnos grow (Kubo's seqno validator drops a peer's messages whose seqno does not)
    const seqs = onC.messages.filter(m => m.from === a.id).map(m => Buffer.from(fromU(m.seqno ?? '')).readBigUInt64BE())
    assert.ok(seqs.length >= 2 && (seqs[1] as bigint) > (seqs[0] as bigint), seqs.join(','))
    // a subscriber on the publishing daemon gets its own messages too (as go-libp2p-pubsub delivers them)
    const onA = await rpcSub(st, a.d.url, topic)
    await b.h.ok(['pubsub', 'pub', topic], { input: 'from b' })
    await onA.waitData('from b')
    await a.h.ok(['pubsub', 'pub', topic], { input: 'to myself' })
    await onA.waitData('to myself')
  })

  await t.test('pubsub sub on the CLI prints the data of each message until interrupted', async () => {
    const child = spawn(process.execPath, [BIN, 'pubsub', 'sub', 'cli-topic'], { env: { ...process.env, IPFS_PATH: c.h.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const closed = new Promise<number | null>(resolve => child.on('close', resolve))
    try {
      await waitFor(async () => (await peersOn(b, 'cli-topic')).includes(c.id), 'B to see C subscribed')
      await b.h.ok(['pubsub', 'pub', 'cli-topic'], { input: 'one\n' })
      await waitFor(() => out.includes('one\n'), 'the first line')
      await b.h.ok(['pubsub', 'pub', 'cli-topic'], { input: 'two\n' })
      await waitFor(() => out === 'one\ntwo\n', 'both lines, in order')
      assert.deepEqual((await c.h.ok(['pubsub', 'ls'])).split('\n').filter(s => s !== ''), ['cli-topic'])
    } finally {
      child.kill('SIGINT')
    }
    // interrupted, it ends as Kubo's client does: "Error: canceled", status 1
    assert.equal(await closed, 1)
    assert.equal(err, 'Error: canceled\n')
    // the subscription ended with the stream
    await waitFor(async () => (await c.h.ok(['pubsub', 'ls'])) === '', 'C to leave cli-topic')
  })

  await t.test('ls and peers: text decodes topics, JSON keeps Kubo\'s multibase', async (st) => {
    const sub = await rpcSub(st, b.d.url, 'listed')
    const sub2 = await rpcSub(st, b.d.url, 'bin\u0001ary')
    // (the subscriptions of the tests before end as their streams close)
    await waitFor(async () => JSON.stringify(JSON.parse(await b.h.ok(['pubsub', 'ls', '--enc=json']))) === JSON.stringify({ Strings: [u('bin\u0001ary'), u('listed')] }), 'B to list exactly its two topics')
    // Kubo's EscNonPrint is Go's strconv.Quote: a control character below U+0020 as \xNN
    assert.equal(await b.h.ok(['pubsub', 'ls']), 'bin\\x01ary\nlisted\n')
    const all = (await b.h.ok(['pubsub', 'peers'])).split('\n').filter(s => s !== '')
    assert.deepEqual(all, [a.id, c.id].sort())
    await waitFor(async () => (await peersOn(a, 'listed')).includes(b.id), 'A to see B on listed')
    assert.deepEqual(JSON.parse(await a.h.ok(['pubsub', 'peers', 'listed', '--enc=json'])), { Strings: [b.id] })
    sub.close()
    sub2.close()
    // the RPC API takes only base64url multibase arguments, as Kubo's does
    for (const [arg, msg] of [['listed', /URL arg must be multibase encoded/], ['mbGlzdGVk', /URL arg must be base64url encoded/]] as const) {
      const res = await fetch(`${b.d.url}/api/v0/pubsub/peers?arg=${arg}`, { method: 'POST' })
      assert.equal(res.status, 500)
      const body = await res.json() as { Message: string, Type: string }
      assert.equal(body.Type, 'error')
      assert.match(body.Message, msg)
    }
  })

  await t.test('kubo-rpc-client: subscribe receives what our CLI publishes; publish, ls and peers', async () => {
    const client = create({ url: `${b.d.url}/api/v0` })
    const received: Array<{ type: string, data: Uint8Array, topic: string, from?: { toString(): string } }> = []
    const controller = new AbortController()
    try {
      await client.pubsub.subscribe('rpc-client', (msg) => { received.push(msg as typeof received[number]) }, { signal: controller.signal })
      await waitFor(async () => JSON.stringify(await client.pubsub.ls()) === '["rpc-client"]', 'ls to list the one topic')
      await waitFor(async () => (await peersOn(c, 'rpc-client')).includes(b.id), 'C to see B subscribed')
      await c.h.ok(['pubsub', 'pub', 'rpc-client'], { input: 'via the cli of c' })
      const got = await waitFor(() => received.find(m => new TextDecoder().decode(m.data) === 'via the cli of c'), 'the message at kubo-rpc-client')
      assert.equal(got.type, 'signed')
      assert.equal(got.topic, 'rpc-client')
      assert.equal(got.from?.toString(), c.id)
      // and the client publishes through our daemon
      const onC = await rpcSub(t, c.d.url, 'from-client')
      await waitFor(async () => (await client.pubsub.peers('from-client')).map(String).includes(c.id), 'B to see C on from-client')
      await client.pubsub.publish('from-client', new TextEncoder().encode('published by kubo-rpc-client'))
      assert.equal((await onC.waitData('published by kubo-rpc-client')).from, b.id)
      onC.close()
    } finally {
      controller.abort()
    }
  })

  await t.test('a message over Pubsub.MaxMessageSize is refused with a clear error', async () => {
    const big = join(a.h.dir, 'big')
    await writeFile(big, Buffer.alloc(1024 * 1024 + 1, 1))
    const r = await a.h.run(['pubsub', 'pub', 'sizes', big])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^Error: message too large: more than 1048576 bytes \(Pubsub\.MaxMessageSize\)\n$/)
    // inside the limit but without room for the envelope: refused by the core
    const almost = join(a.h.dir, 'almost')
    await writeFile(almost, Buffer.alloc(1024 * 1024 - 100, 1))
    const r2 = await a.h.run(['pubsub', 'pub', 'sizes', almost])
    assert.equal(r2.code, 1)
    assert.match(r2.stderr, /^Error: message too large: 1048476 bytes, at most \d+ on this topic/)
    // the largest that fits goes through to a subscriber
    const onB = await rpcSub(t, b.d.url, 'sizes')
    await waitFor(async () => (await peersOn(a, 'sizes')).includes(b.id), 'A to see B on sizes')
    const fits = Buffer.alloc(1024 * 1024 - 1024 - 'sizes'.length, 7)
    await writeFile(almost, fits)
    await a.h.ok(['pubsub', 'pub', 'sizes', almost])
    const got = await waitFor(() => onB.messages.find(m => m.data !== undefined && fromU(m.data).byteLength === fits.byteLength), 'the largest message at B')
    assert.equal(got.from, a.id)
    onB.close()
  })
})

test('without Pubsub.Enabled the pubsub commands answer Kubo\'s error; without a daemon, the daemon error', async (t) => {
  const h = await harness(t)
  const off = await h.run(['pubsub', 'ls'])
  assert.equal(off.code, 1)
  assert.match(off.stderr, /^Error: this command must be run in online mode/)
  await startDaemon(t, h)
  for (const args of [['pubsub', 'ls'], ['pubsub', 'peers'], ['pubsub', 'sub', 'x'], ['pubsub', 'pub', 'x']]) {
    const r = await h.run(args, { input: 'data' })
    assert.equal(r.code, 1, args.join(' '))
    assert.equal(r.stderr, 'Error: experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use\n', args.join(' '))
  }
  assert.equal(await h.ok(['name', 'pubsub', 'state']), 'disabled\n')
  const subs = await h.run(['name', 'pubsub', 'subs'])
  assert.equal(subs.stderr, 'Error: IPNS pubsub subsystem is not enabled\n')
})

test('bad pubsub config is a one-line error at daemon start', async (t) => {
  for (const [key, value, msg] of [
    ['Pubsub.Router', 'randomsub', /unknown pubsub router randomsub/],
    // (a TTL that is no duration at all is refused when it is set: config.test.ts)
    ['Pubsub.SeenMessagesTTL', '0s', /Pubsub.SeenMessagesTTL must be positive/],
    ['Pubsub.StrictSignatureVerification', false, /StrictSignatureVerification=false is not supported while signing/]
  ] as const) {
    const h = await harness(t)
    await h.ok(['config', '--json', key, JSON.stringify(value)])
    const r = await h.run(['daemon', '--enable-pubsub-experiment'])
    assert.equal(r.code, 1, key)
    assert.match(r.stderr, msg, key)
    assert.match(r.stderr, /^Error: /m)
  }
})
