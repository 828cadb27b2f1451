/**
 * The parts of names that have a fixed textual contract: Go's duration and hex-dump layouts (as `name
 * inspect` prints them, compared with Kubo's output for the same record), key-name file names, names in
 * every --ipns-base, and the DNS.Resolvers table.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { peerIdFromString, peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { base36 } from 'multiformats/bases/base36'
import { hexDump, parseIpnsName, canonicalName } from '../../src/core/names/records.ts'
import { goDuration } from '../../src/core/names/record-text.ts'
import { formatName } from '../../src/core/names/keystore.ts'
import { createDnslink } from '../../src/core/names/dnslink.ts'

test('durations print as Go prints them', () => {
  assert.equal(goDuration(0n), '0s')
  assert.equal(goDuration(300_000_000_000n), '5m0s')
  assert.equal(goDuration(3_600_000_000_000n), '1h0m0s')
  assert.equal(goDuration(172_800_000_000_000n), '48h0m0s')
  assert.equal(goDuration(1_500_000_000n), '1.5s')
  assert.equal(goDuration(90_000_000_000n), '1m30s')
  assert.equal(goDuration(300_000_000n), '300ms')
  assert.equal(goDuration(1_500n), '1.5µs')
})

test('hex dumps have Go\'s layout (the last line of a record Kubo dumped)', () => {
  const bytes = Buffer.alloc(0x174)
  bytes.set(Buffer.from('ype\0', 'latin1'), 0x170)
  bytes.set(Buffer.from('\n4/ipfs/QmZLRFWa', 'latin1'), 0)
  const lines = hexDump(bytes).split('\n')
  assert.equal(lines[0], '00000000  0a 34 2f 69 70 66 73 2f  51 6d 5a 4c 52 46 57 61  |.4/ipfs/QmZLRFWa|')
  assert.equal(lines[23], '00000170  79 70 65 00                                       |ype.|')
  assert.equal(lines[24], '')
})

test('names are accepted in every form and printed in the --ipns-base asked for', () => {
  const id = '12D3KooWJ7FfYFA2EdZKE6UPwzmT9RWbwCihL58CusbwJYii3HQD'
  const k = 'k51qzi5uqu5dj94h1ubfj2m7g7p2nmg3ikxrsq04r4zjm081f89311aishx9oi'
  const peer = peerIdFromString(id)
  const b32 = formatName(peer, 'base32')
  assert.match(b32, /^bafzaa/)
  for (const form of [id, k, `/ipns/${k}`, b32]) {
    assert.equal(canonicalName(parseIpnsName(form)), k, form)
  }
  assert.equal(formatName(peer), k)
  assert.equal(formatName(peer, 'k'), k)
  assert.equal(formatName(peer, 'b58mh'), id)
  assert.throws(() => formatName(peer, 'nope'), /unsupported multibase encoding: nope/)
  assert.throws(() => parseIpnsName('not-a-name'), { name: 'InvalidArgumentError' })
})

test('IPNS names parse as @libp2p/peer-id reads peer IDs: Ed25519, secp256k1 and RSA keys, in every form', async () => {
  for (const type of ['Ed25519', 'secp256k1', 'RSA'] as const) {
    const id = peerIdFromPrivateKey(type === 'RSA' ? await generateKeyPair(type, 1024) : await generateKeyPair(type))
    for (const form of [id.toString(), `/ipns/${id.toString()}`, id.toCID().toString(), id.toCID().toString(base36)]) {
      assert.equal(parseIpnsName(form).toString(), id.toCID().toString(), `${type} ${form}`)
    }
  }
  // what is not a peer ID: a dag-pb CID, a multihash of no public key, truncated and empty names
  for (const bad of ['bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', 'bafzaajaiaejca', '12D3KooWfoo', 'k51', '', '/ipns/']) {
    assert.throws(() => parseIpnsName(bad), { name: 'InvalidArgumentError' }, bad)
    assert.throws(() => peerIdFromString(bad), Error, `@libp2p/peer-id refuses ${bad} too`)
  }
})

test('DNS.Resolvers: https URLs (and http on loopback) only', () => {
  assert.throws(() => createDnslink({ Resolvers: { 'eth.': 'ftp://x/dns-query' } }), { name: 'InvalidConfigError' })
  assert.throws(() => createDnslink({ Resolvers: { '.': 'http://example.com/dns-query' } }), { name: 'InvalidConfigError' })
  createDnslink({ Resolvers: { '.': 'https://cloudflare-dns.com/dns-query', 'eth.': 'auto', 'test.': 'http://127.0.0.1:1/dns-query' }, MaxCacheTTL: '1m' })
})
