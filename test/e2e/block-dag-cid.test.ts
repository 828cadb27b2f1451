import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'

const FIXTURES = new URL('../../../shared/fixtures/gateway-conformance/', import.meta.url)

test('block put/get/stat/rm', async (t) => {
  const h = await harness(t)
  const cid = (await h.ok(['block', 'put'], { input: 'hello block' })).trim()
  assert.match(cid, /^bafkrei/)
  assert.equal(await h.ok(['block', 'get', cid]), 'hello block')
  assert.equal(await h.ok(['block', 'stat', cid]), `Key: ${cid}\nSize: 11\n`)
  const v0 = (await h.ok(['block', 'put', '--cid-codec=dag-pb', '--mhtype=sha2-512'], { input: new Uint8Array([0x0a, 0x02, 0x08, 0x01]) })).trim()
  assert.match(v0, /^bafybg/)
  assert.match(await h.ok(['block', 'rm', cid]), new RegExp(`^removed ${cid}\n$`))
  const again = await h.run(['block', 'rm', cid])
  assert.equal(again.code, 1)
  // Kubo's words and streams, whatever --enc says: failures on stderr, then the error; --force counts a missing
  // block as removed; an indirectly pinned block names its recursive root
  assert.equal(again.stdout, '')
  assert.equal(again.stderr, `cannot remove ${cid}: ipld: could not find ${cid}\nError: some blocks not removed\n`)
  assert.equal(await h.ok(['block', 'rm', '-f', cid]), `removed ${cid}\n`)
  assert.equal(await h.ok(['block', 'rm', '-f', '-q', cid]), '')
  const dir = (await h.ok(['add', '-Q', '-w'], { input: 'in a dir' })).trim()
  const child = (await h.ok(['refs', dir])).trim()
  const pinned = await h.run(['block', 'rm', '--enc=json', child])
  assert.equal(pinned.stderr, `cannot remove ${child}: pinned via ${dir}\nError: some blocks not removed\n`)
  // Kubo's legacy --format names, its recursive --pin, and its words for bad names
  assert.equal(await h.ok(['block', 'put', '--format=cbor'], { input: new Uint8Array([0xa0]) }), 'bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua\n')
  const pinnedBlock = (await h.ok(['block', 'put', '--pin'], { input: 'pin me' })).trim()
  assert.equal(await h.ok(['pin', 'ls', pinnedBlock]), `${pinnedBlock} recursive\n`)
  assert.equal((await h.run(['block', 'put', '--mhtype=nope'], { input: 'x' })).stderr, 'Error: unrecognized multihash function: nope\n')
  assert.equal((await h.run(['block', 'put', '--cid-codec=nope'], { input: 'x' })).stderr, 'Error: unknown multicodec: "nope"\n')
  assert.equal((await h.run(['dag', 'put', '--hash=nope'], { input: '{}' })).stderr, 'Error: unknown multicodec: "nope"\n')
  assert.equal((await h.run(['add', '--hash=nope'], { input: 'x' })).stderr, 'Error: unrecognized hash function: "nope"\n')
  const big = await h.run(['block', 'put'], { input: new Uint8Array(1024 * 1024 + 2048) })
  assert.equal(big.code, 1)
  assert.match(big.stderr, /over 1MiB/)
})

test('dag put/get/resolve/stat and a CAR round trip with identical bytes', async (t) => {
  const h = await harness(t)
  const file = (await h.ok(['add', '-Q'], { input: 'x'.repeat(600000) })).trim()
  const node = (await h.ok(['dag', 'put'], { input: JSON.stringify({ a: 1, f: { '/': file }, l: [{ '/': file }] }) })).trim()
  assert.match(node, /^bafyrei/)
  assert.equal(await h.ok(['dag', 'get', `${node}/a`]), '1')
  assert.deepEqual(JSON.parse(await h.ok(['dag', 'get', node])), { a: 1, f: { '/': file }, l: [{ '/': file }] })
  assert.deepEqual(JSON.parse(await h.ok(['dag', 'resolve', `${node}/f`, '--enc=json'])), { Cid: { '/': file }, RemPath: '' })
  const stat = JSON.parse(await h.ok(['dag', 'stat', node, '--enc=json'])) as { UniqueBlocks: number }
  assert.equal(stat.UniqueBlocks, 4) // node, file root, 3 leaves of which 2 are the same bytes
  // Kubo 0.42's shapes: the CID a plain string, SharedSize only when some blocks are shared; its text table
  const one = await h.ok(['dag', 'stat', '--enc=json', file])
  assert.match(one, new RegExp(`^\\{"UniqueBlocks":3,"TotalSize":\\d+,"Ratio":1,"DagStats":\\[\\{"Cid":"${file}","Size":\\d+,"NumBlocks":3\\}\\]\\}\n$`))
  const size = (JSON.parse(one) as { TotalSize: number }).TotalSize
  assert.equal(await h.ok(['dag', 'stat', '--progress=false', file]), `\n${'CID'.padEnd(46)}\tBlocks         \tSize\n${file}\t3              \t${size}\n\nSummary\nTotal Size: ${size} (${Math.round(size / 1000)} kB)\nUnique Blocks: 3\nShared Size: 0 (0 B)\nRatio: 1.000000\n\n\n`)
  const twice = JSON.parse(await h.ok(['dag', 'stat', '--enc=json', file, file])) as { SharedSize: number, Ratio: number }
  assert.deepEqual([twice.SharedSize, twice.Ratio], [size, 2])
  const noRoot = await h.run(['dag', 'export', '--offline', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'])
  assert.equal(noRoot.code, 1)
  assert.equal(noRoot.stdoutBytes.length, 0)
  const car = join(h.dir, 'x.car')
  const exported = (await h.run(['dag', 'export', node])).stdoutBytes
  await writeFile(car, exported)
  const other = await harness(t)
  const imported = await other.ok(['dag', 'import', '--stats', car])
  assert.match(imported, new RegExp(`Pinned root\\t${node}\\tsuccess\\nImported 4 blocks`))
  // a root named twice is reported once, as Kubo's set of roots
  assert.equal(await other.ok(['dag', 'import', car, car]), `Pinned root\t${node}\tsuccess\n`)
  assert.deepEqual((await other.run(['dag', 'export', node])).stdoutBytes, exported)
  assert.equal(await other.ok(['cat', `${node}/f`]), 'x'.repeat(600000))
})

test('dag import of the conformance fixtures, and of bad CARs', async (t) => {
  const h = await harness(t)
  const dir = new URL('path_gateway_unixfs/', FIXTURES)
  const cars = (await readdir(dir)).filter(n => n.endsWith('.car')).slice(0, 5)
  assert.ok(cars.length > 0)
  for (const name of cars) {
    const out = await h.ok(['dag', 'import', '--stats', new URL(name, dir).pathname])
    assert.match(out, /Imported \d+ blocks/)
  }
  assert.match(await h.ok(['repo', 'verify']), /all blocks validated/)
  const notCar = await h.run(['dag', 'import', new URL('../../package.json', import.meta.url).pathname])
  assert.equal(notCar.code, 1)
  assert.match(notCar.stderr, /^Error: invalid CAR/)
  // a CAR whose block bytes do not match its CID
  const good = await readFile(new URL(cars[0] as string, dir))
  const bad = Buffer.from(good)
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff
  await writeFile(join(h.dir, 'bad.car'), bad)
  const tampered = await h.run(['dag', 'import', join(h.dir, 'bad.car')])
  assert.equal(tampered.code, 1)
  assert.match(tampered.stderr, /^Error: /)
})

test('cid format, base32, bases, codecs, hashes', async (t) => {
  const h = await harness(t, { init: false })
  const v0 = 'QmdxZDS4vJi3fp98uhdc6U2EoiL7YSfsttkDQDdUTLmZqx'
  // expected values printed by Kubo v0.42.0 for the same commands
  assert.equal(await h.ok(['cid', 'format', '-f', '%P', v0]), 'cidv0-dag-pb-sha2-256-32\n')
  assert.equal(await h.ok(['cid', 'format', '-v', '1', '-b', 'base36', v0]), 'k2jmtxx5c6ct1u2d9r8on2r0mqdzf74w83z9mgnyhwhkq5uttjuq0muf\n')
  assert.equal(await h.ok(['cid', 'base32', v0]), 'bafybeihiciacdpjr7lth5zcid62w5m5hcytgxp4aq3xgfhgl47rkg6tvu4\n')
  assert.equal(await h.ok(['cid', 'format', '-f', '%b-%B-%h-%H-%L-%c-%C-%v-%V-%d', 'bafkqac3imvwgy3zao5xxe3de']), 'base32-b-identity-0-11-raw-85-cidv1-1-bnbswy3dpeb3w64tmmq\n')
  assert.equal(await h.ok(['cid', 'format', '--mc', 'raw', v0]), 'zb2rhnGBhVHA9y4czzgtoPtnNQhZz3cFvzcofYHhtX4Dcjk3g\n')
  const bad = await h.run(['cid', 'format', '-v', '0', 'bafkqac3imvwgy3zao5xxe3de'])
  assert.equal(bad.code, 1)
  // Kubo's PostRun: the failures on stderr, then the error
  assert.equal(bad.stdout, '')
  assert.equal(bad.stderr, "bafkqac3imvwgy3zao5xxe3de: can't convert non-dag-pb nodes to cidv0\nError: errors while displaying some entries\n")
  // options Kubo checks before any CID, in its words
  for (const [args, message] of [
    [['-v', '2'], 'invalid cid version: "2"'],
    [['-v', 'abc'], 'invalid cid version: "abc"'],
    [['-b', 'nope'], 'unsupported multibase encoding: nope'],
    [['--mc', 'nope'], 'unknown multicodec: "nope"'],
    [['-f', '%x'], 'unrecognized specifier in format string: %x'],
    [['-f', 'x'], 'invalid format string: "x"']
  ] as Array<[string[], string]>) {
    const r = await h.run(['cid', 'format', ...args, v0])
    assert.equal(r.stderr, `Error: ${message}\n`)
    assert.equal(r.stdout, '')
  }
  // Kubo sorts the bases by their prefix letter, lowercase first, codes 7 wide, a blank for identity's prefix
  assert.match(await h.ok(['cid', 'bases', '--prefix', '--numeric']), /^ {8}0 {2}identity\n0 {6}48 {2}base2\n(.*\n)*b {6}98 {2}base32\nB {6}66 {2}base32upper\n/)
  assert.match(await h.ok(['cid', 'bases', '--prefix']), /^b {2}base32$/m)
  assert.deepEqual(Object.keys((JSON.parse(await h.ok(['cid', 'bases', '--enc=json'])) as object[])[0] as object), ['Code', 'Name'])
  assert.match(await h.ok(['cid', 'codecs', '--numeric']), /^ {2}128 {2}blake3-hashseq$/m)
  assert.match(await h.ok(['cid', 'hashes']), /^blake2b-160$/m)
  assert.match(await h.ok(['cid', 'codecs', '--supported', '--numeric']), /^ {2}112 {2}dag-pb$/m)
  assert.match(await h.ok(['cid', 'hashes', '--supported']), /^blake3$/m)
})

test('cid inspect', async (t) => {
  const h = await harness(t, { init: false })
  // expected values printed by Kubo v0.42.0 for the same commands
  const v0 = 'QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n'
  const digest = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
  assert.equal(await h.ok(['cid', 'inspect', v0]), [
    `CID:        ${v0}`,
    'Version:    0',
    'Multibase:  base58btc (implicit)',
    'Multicodec: dag-pb (0x70, implicit)',
    'Multihash:  sha2-256 (0x12, implicit)',
    '  Length:   32 bytes',
    `  Digest:   ${digest}`,
    `CIDv0:      ${v0}`,
    'CIDv1:      bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    ''
  ].join('\n'))
  assert.equal(await h.ok(['cid', 'inspect', '--enc=json', 'bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku']),
    '{"cid":"bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku","version":1,"multibase":{"prefix":"b","name":"base32"},' +
    `"multicodec":{"code":112,"name":"dag-pb"},"multihash":{"code":18,"name":"sha2-256","length":32,"digest":"${digest}"},` +
    `"cidV0":"${v0}","cidV1":"bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}\n`)
  // an identity hash in another multibase, read from stdin; why no CIDv0 can be
  assert.equal(await h.ok(['cid', 'inspect'], { input: 'f01550006686920796f75\n' }), [
    'CID:        f01550006686920796f75',
    'Version:    1',
    'Multibase:  base16 (f)',
    'Multicodec: raw (0x55)',
    'Multihash:  identity (0x0)',
    '  Length:   6 bytes',
    '  Digest:   686920796f75',
    'CIDv0:      not possible, requires dag-pb (0x70), got raw (0x55)',
    'CIDv1:      bafkqabtineqhs33v',
    ''
  ].join('\n'))
  // a codec and a hash Kubo has no name for, a libp2p-key CID (its CIDv1 in base36), a short sha2-256
  const unknown = JSON.parse(await h.ok(['cid', 'inspect', '--enc=json', 'bahc4mbaseawpetn2l6ykgdrg5a5svrnz4kpbwfq6lqp2oqs6omcdgyutromci'])) as { multicodec: unknown, cidV0?: string }
  assert.deepEqual(unknown.multicodec, { code: 0x12345, name: 'unknown' })
  assert.equal(unknown.cidV0, undefined)
  assert.match(await h.ok(['cid', 'inspect', 'f01550b0401020304']), /^Multihash: {2}unknown \(0xb\)\n {2}Length: {3}4 bytes\n {2}Digest: {3}01020304\n/m)
  assert.match(await h.ok(['cid', 'inspect', 'bafzbeigai3eoy2ccc7ybwjfz5r3rdxqrinwi4rwytly24tdbh6yk7zslrm']),
    /^Multicodec: libp2p-key \(0x72\)\n(.*\n)*CIDv1: {6}k2k4r8o7jbwn9l23g4tdef0g9pvq3gkcegkyoqedv2bny4y7nxrgto5n$/m)
  assert.match(await h.ok(['cid', 'inspect', 'bafybefaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']), /^CIDv0: {6}not possible, requires 32-byte digest, got 20$/m)
  // base256emoji (a prefix of two UTF-16 units): go-cid names no base for it, as its prefix is not one byte
  const emoji = '🚀🪐⭐💻😅👆🍓💎💚🤫👼💕💾😮🍊👻🌚👈😓🍺🥰💙🚶💗🎤😳🙆😫💯⚡🤙👈🙏😣❣🎀👀'
  assert.match(await h.ok(['cid', 'inspect', emoji]), /^Multibase: {3}\(\uFFFD\)\nMulticodec: dag-pb \(0x70\)\n(.*\n)*CIDv0: {6}QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n\n/m)
  assert.equal(await h.ok(['cid', 'base32', emoji]), 'bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku\n')
  // a PeerID: Kubo's error, with its CID; in JSON the answer carries the error and the command succeeds
  const peer = await h.run(['cid', 'inspect', '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'])
  assert.equal(peer.code, 1)
  assert.equal(peer.stdout, '')
  assert.equal(peer.stderr, 'Error: invalid CID: invalid cid: selected encoding not supported\nNote: the value is a PeerID; inspect its CID representation instead:\n  k51qzi5uqu5dhdmyb9bd18pypu2wp5lpv2xnskfmrqa4lb5knqryrotb05e7or\n')
  const json = await h.run(['cid', 'inspect', '--enc=json', 'bafy!'])
  assert.equal(json.code, 0)
  assert.equal(json.stdout, '{"cid":"bafy!","version":0,"multibase":{"prefix":"","name":""},"multicodec":{"code":0,"name":""},' +
    '"multihash":{"code":0,"name":"","length":0,"digest":""},"cidV1":"","errorMsg":"invalid CID: invalid cid: Non-base32 character"}\n')
  // a CID that does not decode: Kubo's prefix, the reason in multiformats' words (Kubo gives Go's decoders')
  for (const [text, reason] of [
    ['bafkqaddsl4', 'Incorrect length'],
    ['bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeqaq', 'Incorrect length'],
    ['f01g7', 'Non-base16 character'],
    ['zQm0', 'Non-base58btc character'],
    ['x', 'selected encoding not supported']
  ]) {
    const r = await h.run(['cid', 'inspect', text as string])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `Error: invalid CID: invalid cid: ${reason as string}\n`)
  }
})
