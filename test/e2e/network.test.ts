/**
 * The swarm and Bitswap between real daemons on 127.0.0.1: connect with peer IDs in every form, list and
 * identify peers, ping, fetch a 64 MiB file in both directions (cat, and pin add), and stay offline with
 * --offline.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes, createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { peerIdFromString } from '@libp2p/peer-id'
import { spawn } from 'node:child_process'
import { BIN, harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'
import { online, until, type Online } from '../helpers/swarm.ts'

type Peer = Online

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

test('two daemons: swarm, identify, ping and Bitswap in both directions', async (t) => {
  const [a, b] = await Promise.all([online(t), online(t)])

  await t.test('swarm connect takes the peer ID in every textual form', async () => {
    const cid = peerIdFromString(b.id).toCID()
    // the CIDv1 form first, on a new connection: a dial to a peer already connected reuses the connection
    // without looking at the address (disconnecting in between is raced by the peer dialling back)
    const forms = [cid.toString(base32), cid.toString(base36), b.id]
    for (const form of forms) {
      const addr = b.addr.replace(b.id, form)
      const out = await a.h.ok(['swarm', 'connect', addr])
      // printed as Kubo prints it: base58btc, whatever form was given
      assert.equal(out, `connect ${b.id} success\n`)
    }
    const peers = JSON.parse(await a.h.ok(['swarm', 'peers', '--enc=json'])) as { Peers: Array<{ Peer: string, Addr: string }> }
    assert.ok(peers.Peers.some(p => p.Peer === b.id), JSON.stringify(peers))
    assert.match(await a.h.ok(['swarm', 'peers']), new RegExp(`/p2p/${b.id}\n`))
  })

  await t.test('the other side sees the connection, inbound', async () => {
    const out = await b.h.ok(['swarm', 'peers', '--direction'])
    assert.match(out, new RegExp(`/p2p/${a.id} inbound\n`))
    // Kubo's JSON: Direction a number (1 inbound, 2 outbound), empty fields left out, Identify always there
    type Conn = { Addr: string, Peer: string, Direction?: number, Latency?: string, Streams?: Array<{ Protocol: string }>, Identify: { ID: string, Protocols: string[] | null } }
    const inbound = (JSON.parse(await b.h.ok(['swarm', 'peers', '--direction', '--enc=json'])) as { Peers: Conn[] }).Peers.find(p => p.Peer === a.id)
    assert.deepEqual(inbound && Object.keys(inbound), ['Addr', 'Peer', 'Direction', 'Identify'])
    assert.equal(inbound?.Direction, 1)
    assert.deepEqual(inbound?.Identify, { ID: '', PublicKey: '', Addresses: null, AgentVersion: '', Protocols: null })
    const all = (JSON.parse(await a.h.ok(['swarm', 'peers', '-v', '--enc=json'])) as { Peers: Conn[] }).Peers
    assert.deepEqual(all.map(p => p.Addr), all.map(p => p.Addr).sort(), 'sorted by address')
    const outbound = all.find(p => p.Peer === b.id)
    assert.equal(outbound?.Direction, 2)
    assert.equal(outbound?.Identify.ID, b.id, '-v includes identify')
    assert.ok(outbound?.Identify.Protocols?.includes('/ipfs/bitswap/1.2.0'))
    for (const p of all) {
      const protocols = (p.Streams ?? []).map(s => s.Protocol)
      assert.ok(p.Streams === undefined || protocols.length > 0, 'no empty Streams')
      assert.deepEqual(protocols, [...protocols].sort(), 'streams sorted by protocol')
    }
    // text: a peer's streams indented under it, no empty line after a peer without streams
    const streams = await a.h.ok(['swarm', 'peers', '--streams'])
    assert.match(streams, new RegExp(`/p2p/${b.id}\n`))
    assert.doesNotMatch(streams, /\n\n/)
  })

  await t.test('id <peer> reports what identify said, for any form of the ID', async () => {
    const k = peerIdFromString(b.id).toCID().toString(base36)
    for (const form of [b.id, k]) {
      const info = JSON.parse(await a.h.ok(['id', form])) as { ID: string, AgentVersion: string, Protocols: string[], Addresses: string[] }
      assert.equal(info.ID, b.id)
      // Kubo's kubo/<version>[/<commit>]: no trailing slash when no commit is known
      assert.match(info.AgentVersion, /^tsipfs\/\d+\.\d+\.\d+[^/]*$/)
      assert.ok(info.Protocols.includes('/ipfs/bitswap/1.2.0'), info.Protocols.join(','))
      assert.ok(info.Addresses.includes(b.addr), info.Addresses.join(','))
    }
    const self = JSON.parse(await a.h.ok(['id'])) as { ID: string, AgentVersion: string }
    assert.equal(self.ID, a.id)
    assert.match(self.AgentVersion, /^tsipfs\/\d+\.\d+\.\d+[^/]*$/)
  })

  await t.test('swarm addrs lists the peer\'s addresses; addrs local and listen list ours', async () => {
    assert.match(await a.h.ok(['swarm', 'addrs']), new RegExp(`^${b.id} \\(\\d+\\)\n\t/ip4/127\\.0\\.0\\.1/tcp/\\d+`, 'm'))
    assert.equal(await a.h.ok(['swarm', 'addrs', 'local', '--id']), `${a.addr}\n`)
    assert.equal(await a.h.ok(['swarm', 'addrs', 'listen']), `${a.addr.split('/p2p/')[0] as string}\n`)
  })

  await t.test('--offline on an online daemon: the swarm commands refuse, as Kubo\'s', async () => {
    const refused = 'this action must be run in online mode, try running \'tsipfs daemon\' first'
    for (const cmd of [['swarm', 'peers'], ['swarm', 'addrs'], ['swarm', 'addrs', 'local'], ['swarm', 'addrs', 'listen']]) {
      const r = await a.h.run([...cmd, '--offline'])
      assert.equal(r.code, 1, cmd.join(' '))
      assert.equal(r.stderr, `Error: ${refused}\n`, cmd.join(' '))
    }
    for (const verb of ['connect', 'disconnect']) {
      const r = await a.h.run(['swarm', verb, '--offline', b.addr])
      assert.equal(r.code, 1, verb)
      assert.equal(r.stderr, `Error: ${verb} ${b.id} failure: ${refused}\n`)
    }
    assert.match(await a.h.ok(['swarm', 'peers']), new RegExp(`/p2p/${b.id}\n`), 'still connected')
    // what Kubo answers from the node itself still answers
    assert.equal((await a.h.run(['swarm', 'peering', 'ls', '--offline'])).code, 0)
  })

  await t.test('ping measures round trips', async () => {
    const out = await a.h.ok(['ping', '-n', '2', b.id])
    assert.match(out, new RegExp(`^PING ${b.id}\\.\nPong received: time=[\\d.]+ ms\nPong received: time=[\\d.]+ ms\nAverage latency: [\\d.]+ms\n$`))
    // Kubo's JSON: round trips in nanoseconds, measured finer than whole milliseconds; a multiaddr prints as its peer ID
    const json = (await a.h.ok(['ping', '-n', '2', '--enc=json', b.addr])).trim().split('\n').map(l => JSON.parse(l) as { Success: boolean, Time: number, Text: string })
    assert.deepEqual(json.map(r => r.Text.replace(/[\d.]+ms$/, 'Nms')), [`PING ${b.id}.`, '', '', 'Average latency: Nms'])
    assert.ok(json.every(r => r.Success && Number.isInteger(r.Time)), JSON.stringify(json))
    assert.ok(json.slice(1, 3).some(r => r.Time % 1e6 !== 0), JSON.stringify(json))
  })

  await t.test('ping fails as Kubo does: ourselves, a count below 1, a peer that cannot be reached or found', async () => {
    const unknown = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
    const cases: Array<[string[], string, string]> = [
      [['ping', '-n', '2', a.id], '', "Error: error: can't ping self\n"],
      [['ping', '-n', '0', b.id], '', 'Error: ping count must be greater than 0, was 0\n'],
      [['ping', '-n', '-1', b.id], '', 'Error: ping count must be greater than 0, was -1\n'],
      [['ping', '/ip4/127.0.0.1/tcp/1'], '', "Error: failed to parse peer address '/ip4/127.0.0.1/tcp/1': invalid p2p multiaddr\n"],
      [['ping', '-n', '1', unknown], `Looking up peer ${unknown}\n`, 'Error: peer lookup failed: routing: not found\n']
    ]
    for (const [args, stdout, stderr] of cases) {
      const r = await a.h.run(args)
      assert.deepEqual([r.code, r.stdout, r.stderr], [1, stdout, stderr], args.join(' '))
    }
    // on the RPC API these are Kubo's plain errors (code 0), not client errors
    const self = await fetch(`${a.d.url}/api/v0/ping?arg=${a.id}`, { method: 'POST' })
    assert.deepEqual([self.status, await self.json()], [500, { Message: "error: can't ping self", Code: 0, Type: 'error' }])
    const refused = await a.h.run(['ping', '-n', '2', `/ip4/127.0.0.1/tcp/1/p2p/${unknown}`])
    assert.equal(refused.code, 1)
    assert.match(refused.stdout, new RegExp(`^PING ${unknown}\\.\nPing error: .*ECONNREFUSED.*\n$`))
    assert.equal(refused.stderr, 'Error: ping failed\n')
  })

  const big = randomBytes(64 * 1024 * 1024)
  await t.test('cat fetches a 64 MiB file from the peer that has it, and keeps the blocks', async () => {
    const file = join(b.h.dir, 'big')
    await writeFile(file, big)
    const cid = (await b.h.ok(['add', '-Q', file])).trim()
    const r = await a.h.run(['cat', cid])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdoutBytes.byteLength, big.byteLength)
    assert.equal(sha(r.stdoutBytes), sha(big))
    // the blocks are now local: a's store answers offline
    const local = await a.h.run(['cat', '--offline', cid])
    assert.equal(sha(local.stdoutBytes), sha(big))
    // the counters saw it: Bitswap on both sides, and the bytes on the wire
    const got = JSON.parse(await a.h.ok(['bitswap', 'stat', '--enc=json'])) as { BlocksReceived: number, DataReceived: number, Wantlist: unknown[], Peers: string[] }
    assert.ok(got.BlocksReceived >= 256, `blocks received ${got.BlocksReceived}`)
    assert.ok(got.DataReceived >= big.byteLength, `data received ${got.DataReceived}`)
    assert.deepEqual(got.Wantlist, [])
    assert.ok(got.Peers.includes(b.id))
    const sent = JSON.parse(await b.h.ok(['stats', 'bitswap', '--enc=json'])) as { BlocksSent: number, DataSent: number }
    assert.ok(sent.BlocksSent >= 256 && sent.DataSent >= big.byteLength, JSON.stringify(sent))
    const bw = JSON.parse(await a.h.ok(['stats', 'bw', '--enc=json'])) as { TotalIn: number, TotalOut: number }
    assert.ok(bw.TotalIn > big.byteLength && bw.TotalOut > 0, JSON.stringify(bw))
    const proto = JSON.parse(await a.h.ok(['stats', 'bw', '--proto', '/ipfs/bitswap/1.2.0', '--enc=json'])) as { TotalIn: number }
    assert.ok(proto.TotalIn > big.byteLength && proto.TotalIn <= bw.TotalIn, JSON.stringify(proto))
    const both = await a.h.run(['stats', 'bw', '--peer', b.id, '--proto', '/ipfs/bitswap/1.2.0'])
    assert.deepEqual([both.code, both.stderr], [1, 'Error: please only specify peer OR protocol\n'])
    assert.equal(await a.h.ok(['bitswap', 'wantlist']), '')
    // --offline never asks peers: a block nobody has is "not found locally" at once
    const missing = await a.h.run(['cat', '--offline', 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /not found locally/)
    // and so for every command, not only cat
    for (const cmd of [['ls'], ['refs', '-r'], ['dag', 'get'], ['get', '-o', join(a.h.dir, 'x')]]) {
      const r = await a.h.run([...cmd, '--offline', 'bafybeib3ffl2teiqdncv3mkz4r23b5ctrwkzrrhctdbne6iboayxuxk5ui'])
      assert.equal(r.code, 1, cmd.join(' '))
      // only the error: get says nothing of saving before the root is found
      assert.match(r.stderr, /^Error: block was not found locally \(offline\): [^\n]+\n$/, cmd.join(' '))
    }
  })

  await t.test('pin add fetches the whole DAG the other way', async () => {
    const file = join(a.h.dir, 'other')
    const other = randomBytes(8 * 1024 * 1024)
    await writeFile(file, other)
    const cid = (await a.h.ok(['add', '-Q', '--cid-version=1', file])).trim()
    assert.equal(await b.h.ok(['pin', 'add', cid]), `pinned ${cid} recursively\n`)
    assert.match(await b.h.ok(['pin', 'verify', '--verbose']), new RegExp(`${cid} ok`))
    assert.equal(sha((await b.h.run(['cat', '--offline', cid])).stdoutBytes), sha(other))
  })

  await t.test('bitswap stat lists the wanted CIDs as Kubo does; -v adds the partners', async () => {
    const missing = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'
    const wanted = async (): Promise<string[]> => (JSON.parse(await a.h.ok(['bitswap', 'stat', '--enc=json'])) as { Wantlist: Array<{ '/': string }> }).Wantlist.map(w => w['/'])
    // a fetch nobody can answer keeps the CID on the wantlist until its client goes away
    const fetch = spawn(process.execPath, [BIN, 'block', 'get', missing], { env: { ...process.env, IPFS_PATH: a.h.repo }, stdio: 'ignore' })
    try {
      await until(async () => (await wanted()).includes(missing), 'the CID on the wantlist')
      const text = await a.h.ok(['bitswap', 'stat'])
      assert.match(text, new RegExp(`^bitswap status\n\tblocks received: \\d+\n\tblocks sent: \\d+\n\tdata received: \\d+\n\tdata sent: \\d+\n\tdup blocks received: \\d+\n\tdup data received: \\d+\n\twantlist \\[1 keys\\]\n\t\t${missing}\n\tpartners \\[1\\]\n$`))
      const verbose = await a.h.ok(['bitswap', 'stat', '-v'])
      assert.ok(verbose.endsWith(`\twantlist [1 keys]\n\t\t${missing}\n\tpartners [1]\n\t\t${b.id}\n`), verbose)
    } finally {
      fetch.kill()
    }
    await until(async () => (await wanted()).length === 0, 'an empty wantlist')
  })

  await t.test('swarm disconnect closes the connection', async () => {
    const k51 = b.addr.replace(b.id, peerIdFromString(b.id).toCID().toString(base36))
    assert.equal(await a.h.ok(['swarm', 'disconnect', k51]), `disconnect ${b.id} success\n`)
    const peers = JSON.parse(await a.h.ok(['swarm', 'peers', '--enc=json'])) as { Peers: Array<{ Peer: string }> | null }
    // no peer left: null, as Kubo's nil list
    assert.ok(peers.Peers === null || !peers.Peers.some(p => p.Peer === b.id), JSON.stringify(peers))
  })

  await t.test('bad addresses are clear errors', async () => {
    for (const [args, msg] of [[['swarm', 'connect', '/ip4/127.0.0.1/tcp/1'], /must end in \/p2p/], [['swarm', 'connect', 'not-an-addr'], /invalid multiaddr/], [['id', 'not-a-peer'], /^Error: invalid peer ID "not-a-peer": not a base58btc multihash \(12D3KooW…, Qm…\) or a libp2p-key CID \(k51…, bafz…\)\n$/]] as const) {
      const r = await a.h.run([...args])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^Error: /)
      assert.match(r.stderr, msg)
    }
  })
})

test('daemon --offline: no swarm, and a missing block is not fetched', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h, ['--offline'])
  assert.doesNotMatch(d.output(), /Swarm listening/)
  assert.equal((JSON.parse(await h.ok(['diag', 'sys'])) as { net: { online: boolean } }).net.online, false)
  const peers = await h.run(['swarm', 'peers'])
  assert.equal(peers.code, 1)
  assert.match(peers.stderr, /^Error: this action must be run in online mode/)
  const missing = await h.run(['cat', 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /not found locally/)
})

test('a swarm address already in use is a one-line error, and the daemon exits', async (t) => {
  const a = await harness(t)
  const da = await startDaemon(t, a)
  const taken = swarmAddr(da).split('/p2p/')[0] as string
  const b = await harness(t)
  await b.ok(['config', '--json', 'Addresses.Swarm', JSON.stringify([taken])])
  const r = await b.run(['daemon'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: could not start the swarm \(Addresses.Swarm\): .*EADDRINUSE/m)
  assert.doesNotMatch(r.stderr, /^\s+at /m)
  assert.equal((await b.run(['swarm', 'peers'])).code, 1, 'no daemon left running')
})

