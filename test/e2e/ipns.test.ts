/**
 * IPNS and DNSLink across real daemons on 127.0.0.1: publish on one node and resolve on another through
 * the DHT, sequence and expiry rules, malformed / wrongly signed / expired / older records refused with a
 * clear error, the republisher renewing a record, and DNSLink through a DNS-over-HTTPS server of the test's
 * own (RFC 8484 wire format) configured per TLD in DNS.Resolvers, with its cache and DNS.MaxCacheTTL.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decode, encode, RECURSION_DESIRED, type TxtAnswer } from '@dnsquery/dns-packet'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base36 } from 'multiformats/bases/base36'
import { createIPNSRecord, createIPNSRecordWithExpiration, marshalIPNSRecord } from 'ipns'
import { harness, type Harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'
import { setConfig } from '../helpers/swarm.ts'

/** Many CLI runs: on a loaded machine (each run is a new Node process) this takes minutes, not seconds */
const LONG = 900_000

interface Node { h: Harness, addr: string, name: string }

async function online (t: Parameters<typeof harness>[0], config: Record<string, unknown> = {}): Promise<Node> {
  const h = await harness(t)
  await setConfig(h, config)
  const d = await startDaemon(t, h)
  const addr = swarmAddr(d)
  const name = (await h.ok(['key', 'list', '-l'])).split(' ')[0] as string
  return { h, addr, name }
}

async function fail (h: Harness, args: string[], options: { input?: string | Uint8Array } = {}): Promise<string> {
  const r = await h.run(args, options)
  assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
  assert.ok(!r.stderr.includes('    at '), r.stderr)
  return r.stderr
}

/**
 * Wait until the DHT of `resolver` (which dialed `publisher`) holds a peer: js kad-dht adds the peer it
 * dialed at once, the dialed side only later, so the resolver asks the publisher, which keeps what it put
 */
async function meshed (resolver: Node, publisher: Node): Promise<void> {
  const id = (JSON.parse(await publisher.h.ok(['id'])) as { ID: string }).ID
  let out = ''
  const deadline = Date.now() + 60_000
  // with two nodes, any peer a lookup finds is the other one
  while (out.trim() === '' && Date.now() < deadline) {
    out = (await resolver.h.run(['dht', 'query', id])).stdout
    if (out.trim() === '') await new Promise(resolve => setTimeout(resolve, 500))
  }
  assert.ok(out.trim() !== '', 'the DHT never found the other node')
}

interface Inspected { Entry: { Value: string, Sequence: number, Validity: string, TTL: number }, SignatureType: string, Validation: { Valid: boolean, Reason: string } | null }

async function inspect (h: Harness, name: string): Promise<Inspected> {
  const r = await h.run(['name', 'get', name])
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(await h.ok(['name', 'inspect', '--enc=json', '--dump=false', `--verify=${name}`], { input: r.stdoutBytes })) as Inspected
}

test('IPNS between two daemons through the DHT', { timeout: LONG }, async (t) => {
  const [a, b] = await Promise.all([
    online(t, { 'Ipns.RepublishPeriod': '2s', 'Ipns.RecordLifetime': '1h' }),
    online(t)
  ])
  await b.h.ok(['swarm', 'connect', a.addr])
  await meshed(b, a)
  const cid1 = (await a.h.ok(['add', '-Q', '--cid-version=1'], { input: 'first version' })).trim()
  const cid2 = (await a.h.ok(['add', '-Q', '--cid-version=1'], { input: 'second version' })).trim()

  await t.test('publish on one node, resolve on the other (the name in every form)', async () => {
    assert.equal(await a.h.ok(['name', 'publish', cid1]), `Published to ${a.name}: /ipfs/${cid1}\n`)
    assert.equal(await b.h.ok(['name', 'resolve', a.name]), `/ipfs/${cid1}\n`)
    const peerId = JSON.parse(await a.h.ok(['id'])).ID as string
    assert.equal(await b.h.ok(['name', 'resolve', '--nocache', `/ipns/${peerId}`]), `/ipfs/${cid1}\n`)
    assert.equal(await b.h.ok(['resolve', `/ipns/${a.name}`]), `/ipfs/${cid1}\n`)
    const record = await inspect(b.h, a.name)
    assert.equal(record.Entry.Sequence, 0)
    assert.equal(record.SignatureType, 'V1+V2')
    assert.deepEqual(record.Validation, { Valid: true, Reason: '', Name: a.name })
  })

  let firstRecord: Uint8Array = new Uint8Array()
  await t.test('a new value moves the sequence number; the other node sees it (--nocache skips its cache)', async () => {
    firstRecord = (await b.h.run(['name', 'get', a.name])).stdoutBytes
    assert.equal(await a.h.ok(['name', 'publish', '-Q', '--ttl=1s', cid2]), `${a.name}\n`)
    assert.equal(await b.h.ok(['name', 'resolve', '--nocache', a.name]), `/ipfs/${cid2}\n`)
    assert.equal((await inspect(b.h, a.name)).Entry.Sequence, 1)
    // the same value again keeps the sequence number, as Kubo's publisher does
    await a.h.ok(['name', 'publish', cid2])
    assert.equal((await inspect(a.h, a.name)).Entry.Sequence, 1)
  })

  await t.test('--sequence must be higher than the current one', async () => {
    assert.equal(await fail(a.h, ['name', 'publish', '--sequence=1', cid1]), 'Error: sequence number must be greater than the current record sequence\n')
    await a.h.ok(['name', 'publish', '--sequence=10', '--ttl=1s', cid1])
    assert.equal(await b.h.ok(['name', 'resolve', '--nocache', a.name]), `/ipfs/${cid1}\n`)
    assert.equal((await inspect(b.h, a.name)).Entry.Sequence, 10)
  })

  await t.test('an older, a malformed, a wrongly signed and an expired record are refused with a clear error', async () => {
    const older = join(b.h.dir, 'older')
    await writeFile(older, firstRecord)
    assert.match(await fail(b.h, ['name', 'put', a.name, older]), new RegExp(`^Error: a record with sequence 0 is not newer than the record kept for ${a.name}\n$`))
    const junk = join(b.h.dir, 'junk')
    await writeFile(junk, 'not a record at all')
    assert.match(await fail(b.h, ['name', 'put', a.name, junk]), new RegExp(`^Error: invalid IPNS record for ${a.name}: `))
    assert.match(await fail(b.h, ['routing', 'put', `/ipns/${a.name}`, junk]), new RegExp(`^Error: invalid IPNS record for ${a.name}: `))
    // signed by another key than the name's
    const other = await generateKeyPair('Ed25519')
    const forged = join(b.h.dir, 'forged')
    await writeFile(forged, marshalIPNSRecord(await createIPNSRecord(other, `/ipfs/${cid2}`, 1000n, 3_600_000)))
    assert.equal(await fail(b.h, ['name', 'put', a.name, forged]), `Error: invalid IPNS record for ${a.name}: record signature verification failed\n`)
    // a valid signature, but past its validity
    const mine = await generateKeyPair('Ed25519')
    const mineName = peerIdFromPrivateKey(mine).toCID().toString(base36)
    const expired = join(b.h.dir, 'expired')
    await writeFile(expired, marshalIPNSRecord(await createIPNSRecordWithExpiration(mine, `/ipfs/${cid2}`, 1n, '2020-01-01T00:00:00.000000000Z')))
    assert.equal(await fail(b.h, ['name', 'put', mineName, expired]), `Error: invalid IPNS record for ${mineName}: record has expired\n`)
    assert.equal(await fail(b.h, ['name', 'inspect', '--enc=json'], { input: 'junk' }).then(e => e.startsWith('Error: record is malformed: ')), true)
    // still the good record everywhere
    assert.equal(await b.h.ok(['name', 'resolve', '--nocache', a.name]), `/ipfs/${cid1}\n`)
    // and name inspect --verify tells why a record does not belong to a name
    const verdict = JSON.parse(await b.h.ok(['name', 'inspect', '--enc=json', '--dump=false', `--verify=${a.name}`, forged])) as Inspected
    assert.deepEqual(verdict.Validation, { Valid: false, Reason: 'signature verification failed', Name: a.name })
  })

  await t.test('names point at names: resolution follows /ipns/ values (and -r=false stops after one)', async () => {
    await a.h.ok(['key', 'gen', 'alias'])
    const alias = (await a.h.ok(['name', 'publish', '-Q', '-k', 'alias', `/ipns/${a.name}`])).trim()
    assert.equal(await b.h.ok(['name', 'resolve', alias]), `/ipfs/${cid1}\n`)
    assert.equal(await b.h.ok(['name', 'resolve', '-r=false', alias]), `/ipns/${a.name}\n`)
    assert.equal(await b.h.ok(['resolve', `/ipns/${alias}`]), `/ipfs/${cid1}\n`)
    // cat and ls take /ipns/ paths (the blocks come from the publisher through Bitswap)
    assert.equal(await b.h.ok(['cat', `/ipns/${alias}`]), 'first version')
  })

  await t.test('the republisher renews our records before they expire (same value and sequence, later validity)', async () => {
    await a.h.ok(['key', 'gen', 'renewed'])
    const published = Date.now()
    const name = (await a.h.ok(['name', 'publish', '-Q', '-k', 'renewed', '--lifetime=2m', cid2])).trim()
    // published valid for 2 minutes; Ipns.RecordLifetime is 1h and Ipns.RepublishPeriod 2s on this node
    const renewed = async (h: Harness): Promise<Inspected> => {
      let r = await inspect(h, name)
      const deadline = Date.now() + 120_000
      while (Date.parse(r.Entry.Validity) < published + 30 * 60_000 && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, 1000))
        r = await inspect(h, name)
      }
      return r
    }
    const mine = await renewed(a.h)
    assert.ok(Date.parse(mine.Entry.Validity) > published + 30 * 60_000, `${new Date(published).toISOString()} -> ${mine.Entry.Validity}`)
    assert.equal(mine.Entry.Sequence, 0)
    assert.equal(mine.Entry.Value, `/ipfs/${cid2}`)
    assert.deepEqual(mine.Validation, { Valid: true, Reason: '', Name: name })
    // and the other node gets a renewed record through the DHT
    const theirs = await renewed(b.h)
    assert.ok(Date.parse(theirs.Entry.Validity) > published + 30 * 60_000, theirs.Entry.Validity)
    assert.equal(theirs.Entry.Sequence, 0)
  })

  await t.test('publishing needs the network or --allow-offline', async () => {
    const off = await harness(t)
    const cid = (await off.ok(['add', '-Q'], { input: 'x' })).trim()
    assert.equal(await fail(off, ['name', 'publish', cid]), "Error: can't publish while offline: pass `--allow-offline` to override or `--allow-delegated` if Ipns.DelegatedPublishers are set up\n")
    assert.match(await off.ok(['name', 'publish', '--allow-offline', cid]), /^Published to k51/)
    assert.equal(await fail(off, ['name', 'publish', '--allow-offline', '-k', 'nope', cid]), 'Error: no key by the given name was found\n')
    assert.match(await fail(off, ['name', 'publish', '--allow-offline', 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi']), /^Error: block was not found locally/)
    // a record past its lifetime no longer resolves (no daemon here, so no republisher renews it)
    await off.ok(['key', 'gen', 'short'])
    const short = (await off.ok(['name', 'publish', '-Q', '--allow-offline', '-k', 'short', '--lifetime=1s', cid])).trim()
    await new Promise(resolve => setTimeout(resolve, 1500))
    assert.match(await fail(off, ['name', 'resolve', short]), /^Error: could not resolve name: invalid IPNS record for k51\S+: record has expired\n$/)
  })
})

test('/ipns/ paths are read wherever a path is: get, pin, refs, dag, block, files', { timeout: LONG }, async (t) => {
  const h = await harness(t)
  const dir = join(h.dir, 'site')
  await mkdir(join(dir, 'sub'), { recursive: true })
  await writeFile(join(dir, 'sub', 'page.txt'), 'hello from ipns\n')
  const root = (await h.ok(['add', '-r', '-Q', '--pin=false', dir])).trim()
  const file = (await h.ok(['resolve', '-r', `/ipfs/${root}/sub/page.txt`])).trim()
  const name = (await h.ok(['name', 'publish', '-Q', '--allow-offline', root])).trim()
  const ipns = `/ipns/${name}`
  assert.equal(await h.ok(['cat', `${ipns}/sub/page.txt`]), 'hello from ipns\n')
  assert.equal(await h.ok(['pin', 'add', ipns]), `pinned ${root} recursively\n`)
  assert.match(await h.ok(['pin', 'ls', '--type=recursive', ipns]), new RegExp(`^${root} recursive`))
  assert.equal(await h.ok(['refs', '-r', ipns]), await h.ok(['refs', '-r', root]))
  assert.equal(await h.ok(['dag', 'get', `${ipns}/sub/page.txt`]), await h.ok(['dag', 'get', file.replace('/ipfs/', '')]))
  // Kubo answers in the base of the path's root, here the name's (k51… is base36; checked with Kubo 0.42)
  assert.equal(await h.ok(['dag', 'resolve', `${ipns}/sub`]), await h.ok(['dag', 'resolve', '--cid-base=base36', `${root}/sub`]))
  assert.match(await h.ok(['block', 'stat', `${ipns}/sub/page.txt`]), new RegExp(`^Key: ${file.replace('/ipfs/', '')}\n`))
  assert.deepEqual((await h.run(['dag', 'export', ipns])).stdoutBytes, (await h.run(['dag', 'export', root])).stdoutBytes)
  await h.ok(['files', 'cp', `${ipns}/sub`, '/copied'])
  assert.equal(await h.ok(['files', 'read', '/copied/page.txt']), 'hello from ipns\n')
  await h.ok(['get', '-o', join(h.dir, 'got'), ipns])
  assert.equal(await readFile(join(h.dir, 'got', 'sub', 'page.txt'), 'utf8'), 'hello from ipns\n')
  assert.equal(await h.ok(['pin', 'rm', ipns]), `unpinned ${root}\n`)
  // a name that does not resolve is the resolver's error, not a path error (and, as Kubo 0.42 says it, with
  // no "pin: " before it: that is for the pinning's own failures)
  assert.match(await fail(h, ['pin', 'add', '/ipns/k51qzi5uqu5dkos67lu603f7gx8oqczh0t318cprpjfs5ph2qdgpjzm2mulj04']), /^Error: could not resolve name/)
})

/** A DNS-over-HTTPS server (RFC 8484: GET ?dns= and POST application/dns-message) answering TXT records */
async function dohServer (t: Parameters<typeof harness>[0], records: Map<string, { text: string, ttl: number }>): Promise<{ url: string, queries: string[] }> {
  const queries: string[] = []
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const wire = req.method === 'POST' ? Buffer.concat(chunks) : Buffer.from(url.searchParams.get('dns') ?? '', 'base64url')
      let query
      try {
        query = decode(wire)
      } catch {
        res.writeHead(400).end()
        return
      }
      const answers: TxtAnswer[] = []
      for (const q of query.questions ?? []) {
        queries.push(`${q.name} ${q.type}`)
        const r = records.get(q.name.replace(/\.$/, ''))
        if (q.type === 'TXT' && r !== undefined) answers.push({ type: 'TXT', name: q.name, ttl: r.ttl, class: 'IN', data: [r.text] })
      }
      const body = encode({ type: 'response', id: query.id, flags: RECURSION_DESIRED, questions: query.questions, answers })
      res.writeHead(200, { 'content-type': 'application/dns-message' }).end(Buffer.from(body))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => { server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dns-query`, queries }
}

test('DNSLink through DNS-over-HTTPS resolvers per TLD', { timeout: LONG }, async (t) => {
  const records = new Map<string, { text: string, ttl: number }>()
  const doh = await dohServer(t, records)
  const resolvers = { 'test.': doh.url, 'eth.': doh.url }
  const [c, d] = await Promise.all([
    online(t, { 'DNS.Resolvers': resolvers }),
    online(t, { 'DNS.Resolvers': resolvers, 'DNS.MaxCacheTTL': '0s' })
  ])
  const cid1 = (await c.h.ok(['add', '-Q', '--cid-version=1'], { input: 'site v1' })).trim()
  const cid2 = (await c.h.ok(['add', '-Q', '--cid-version=1'], { input: 'site v2' })).trim()
  await c.h.ok(['name', 'publish', '--allow-offline', cid1])
  records.set('_dnslink.site.test', { text: `dnslink=/ipfs/${cid1}`, ttl: 3600 })
  records.set('_dnslink.alias.test', { text: `dnslink=/ipns/site.test`, ttl: 3600 })
  records.set('_dnslink.key.test', { text: `dnslink=/ipns/${c.name}`, ttl: 3600 })
  records.set('_dnslink.vitalik.eth', { text: `dnslink=/ipfs/${cid2}`, ttl: 3600 })

  await t.test('name resolve and resolve follow _dnslink TXT records, recursively', async () => {
    assert.equal(await c.h.ok(['name', 'resolve', 'site.test']), `/ipfs/${cid1}\n`)
    assert.ok(doh.queries.includes('_dnslink.site.test TXT'), doh.queries.join(','))
    assert.equal(await c.h.ok(['resolve', '/ipns/alias.test']), `/ipfs/${cid1}\n`)
    assert.equal(await c.h.ok(['name', 'resolve', '-r=false', 'alias.test']), '/ipns/site.test\n')
    // to an IPNS name written as a CID
    assert.equal(await c.h.ok(['name', 'resolve', 'key.test']), `/ipfs/${cid1}\n`)
    // ENS names go to the eth. resolver
    assert.equal(await c.h.ok(['resolve', '/ipns/vitalik.eth']), `/ipfs/${cid2}\n`)
  })

  await t.test('a domain without a DNSLink record is an error with Kubo\'s message', async () => {
    assert.equal(await fail(c.h, ['name', 'resolve', 'nope.test']), 'Error: DNSLink lookup for "nope.test." failed: could not resolve name: DNSLink lookup could not find a TXT record (https://docs.ipfs.tech/concepts/dnslink/)\n')
  })

  await t.test('answers are cached for their TTL (--nocache asks again); DNS.MaxCacheTTL caps it', async () => {
    assert.equal(await d.h.ok(['name', 'resolve', 'site.test']), `/ipfs/${cid1}\n`)
    records.set('_dnslink.site.test', { text: `dnslink=/ipfs/${cid2}`, ttl: 3600 })
    assert.equal(await c.h.ok(['name', 'resolve', 'site.test']), `/ipfs/${cid1}\n`)
    assert.equal(await c.h.ok(['name', 'resolve', '--nocache', 'site.test']), `/ipfs/${cid2}\n`)
    // the node with DNS.MaxCacheTTL=0s sees the change at once
    assert.equal(await d.h.ok(['name', 'resolve', 'site.test']), `/ipfs/${cid2}\n`)
  })

  await t.test('a resolver URL that is not https (or http on loopback) is a config error', async () => {
    const h = await harness(t)
    await h.ok(['config', '--json', 'DNS.Resolvers', JSON.stringify({ '.': 'http://example.com/dns-query' })])
    assert.match(await fail(h, ['name', 'resolve', 'site.test']), /^Error: DNS\.Resolvers\["\."\]: only https:\/\/ DNS-over-HTTPS URLs are supported/)
  })
})
