/**
 * The keystore through the real CLI, without a daemon and through one: key gen/list/rename/rm with Kubo's
 * output and errors, file modes, export/import round trips in both formats (and keys made by OpenSSL
 * through Node's crypto, and by Kubo when its binary is there), sign/verify, rotate.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { peerIdFromString } from '@libp2p/peer-id'
import { harness, type Harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

/** Many CLI runs: on a loaded machine (each run is a new Node process) this takes minutes, not seconds */
const LONG = 900_000

const KUBO = process.env.KUBO_BIN ?? '/root/.cache/tsipfs-go/bin/ipfs'

function err (r: { code: number | null, stderr: string }): string {
  assert.equal(r.code, 1, r.stderr)
  return r.stderr
}

async function keyId (h: Harness, name: string): Promise<string> {
  const list = JSON.parse(await h.ok(['key', 'list', '-l', '--enc=json'])) as { Keys: Array<{ Name: string, Id: string }> }
  const k = list.Keys.find(k => k.Name === name)
  assert.ok(k !== undefined, `no key ${name}`)
  return k.Id
}

/** The scenarios every mode runs: `h` runs commands locally, or through a daemon when one is started */
async function scenarios (t: TestContext, h: Harness, mode: string): Promise<void> {
  await t.test(`${mode}: key gen makes ed25519, rsa and secp256k1 keys named as Kubo names them`, async () => {
    const ed = (await h.ok(['key', 'gen', 'ed'])).trim()
    assert.match(ed, /^k51qzi5uqu5d[a-z0-9]+$/)
    const rsa = JSON.parse(await h.ok(['key', 'gen', '--type=rsa', '--size=2048', '--enc=json', 'rsa'])) as { Name: string, Id: string }
    assert.equal(rsa.Name, 'rsa')
    assert.match(rsa.Id, /^k2k4r8/)
    const secp = (await h.ok(['key', 'gen', '-t', 'secp256k1', 'secp'])).trim()
    assert.match(secp, /^kzwfwjn5ji4pu/)
    // the name is the key's peer ID as a CIDv1
    assert.equal(peerIdFromString(ed).toCID().toString().length > 0, true)
  })

  await t.test(`${mode}: key gen refuses what Kubo refuses`, async () => {
    assert.equal(err(await h.run(['key', 'gen', 'ed'])), "Error: key with name 'ed' already exists\n")
    assert.equal(err(await h.run(['key', 'gen', 'self'])), "Error: cannot create key with name 'self'\n")
    assert.equal(err(await h.run(['key', 'gen', '-t', 'rsa', '-s', '1024', 'small'])), 'Error: rsa keys must be >= 2048 bits to be useful\n')
    assert.equal(err(await h.run(['key', 'gen', '-t', 'dsa', 'x'])), 'Error: unrecognized key type: dsa\n')
  })

  await t.test(`${mode}: key list shows self first, then by name; -l with IDs; --ipns-base`, async () => {
    assert.equal(await h.ok(['key', 'list']), 'self\ned\nrsa\nsecp\n')
    const long = await h.ok(['key', 'list', '-l'])
    const lines = long.split('\n').filter(l => l !== '')
    assert.equal(lines.length, 4)
    assert.match(lines[0] as string, /^k51\S+ +self $/)
    assert.match(lines[2] as string, /^k2k4r8\S+ +rsa  $/)
    const b58 = await h.ok(['key', 'list', '-l', '--ipns-base=b58mh'])
    assert.match(b58, /^12D3KooW\S+ +self \n/)
    assert.match(b58, /\nQm\S+ +rsa  \n/)
    assert.match(b58, /\n16Uiu2\S+ +secp \n/)
    const b32 = JSON.parse(await h.ok(['key', 'list', '-l', '--ipns-base=base32', '--enc=json'])) as { Keys: Array<{ Id: string }> }
    assert.ok(b32.Keys.every(k => k.Id.startsWith('b')), JSON.stringify(b32))
    assert.match(err(await h.run(['key', 'list', '--ipns-base=nope'])), /unsupported multibase encoding: nope/)
  })

  await t.test(`${mode}: key rename, with and without --force; self cannot be renamed or overwritten`, async () => {
    const id = await keyId(h, 'ed')
    assert.equal(await h.ok(['key', 'rename', 'ed', 'ed2']), `Key ${id} renamed to ed2\n`)
    await h.ok(['key', 'gen', 'other'])
    assert.equal(err(await h.run(['key', 'rename', 'ed2', 'other'])), 'Error: key by that name already exists, refusing to overwrite\n')
    const json = JSON.parse(await h.ok(['key', 'rename', '-f', '--enc=json', 'ed2', 'other'])) as Record<string, unknown>
    assert.deepEqual(json, { Was: 'ed2', Now: 'other', Id: id, Overwrite: true })
    assert.equal(err(await h.run(['key', 'rename', 'self', 'x'])), "Error: cannot rename key with name 'self'\n")
    assert.equal(err(await h.run(['key', 'rename', 'other', 'self'])), "Error: cannot overwrite key with name 'self'\n")
    assert.equal(err(await h.run(['key', 'rename', 'nope', 'x'])), 'Error: no key named nope was found\n')
    await h.ok(['key', 'rename', 'other', 'ed'])
  })

  await t.test(`${mode}: keys are files of mode 0600 in a 0700 keystore directory, and never printed by list`, async () => {
    const dir = join(h.repo, 'keystore')
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    const files = await readdir(dir)
    assert.ok(files.length >= 3, files.join(','))
    for (const f of files) {
      assert.match(f, /^key_[a-z2-7]+$/)
      assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f)
    }
    // Kubo's file name for "ed": key_ + base32("ed")
    assert.ok(files.includes('key_mvsa'), files.join(','))
    const listed = await h.ok(['key', 'list', '-l', '--enc=json'])
    const secret = (await readFile(join(dir, 'key_mvsa'))).toString('base64')
    assert.ok(!listed.includes(secret))
  })

  await t.test(`${mode}: export and import round trip in both formats`, async () => {
    const id = await keyId(h, 'ed')
    const out = join(h.dir, `ed-${mode}.key`)
    assert.equal(await h.ok(['key', 'export', '-o', out, 'ed']), '')
    assert.equal((await stat(out)).mode & 0o777, 0o600)
    assert.equal((await h.ok(['key', 'import', `ed-back-${mode}`, out])).trim(), id)
    const pem = join(h.dir, `ed-${mode}.pem`)
    await h.ok(['key', 'export', '--format=pem-pkcs8-cleartext', '-o', pem, 'ed'])
    const text = await readFile(pem, 'utf8')
    assert.match(text, /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/)
    assert.equal((await h.ok(['key', 'import', '-f', 'pem-pkcs8-cleartext', `ed-pem-${mode}`, pem])).trim(), id)
    // RSA both ways too
    const rsaId = await keyId(h, 'rsa')
    const rsaPem = join(h.dir, `rsa-${mode}.pem`)
    await h.ok(['key', 'export', '-f', 'pem-pkcs8-cleartext', '-o', rsaPem, 'rsa'])
    assert.equal((await h.ok(['key', 'import', '-f', 'pem-pkcs8-cleartext', `rsa-pem-${mode}`, rsaPem])).trim(), rsaId)
    // secp256k1 needs --allow-any-key-type, as in Kubo
    const secpKey = join(h.dir, `secp-${mode}.key`)
    await h.ok(['key', 'export', '-o', secpKey, 'secp'])
    assert.match(err(await h.run(['key', 'import', `secp-${mode}`, secpKey])), /key type \*crypto\.Secp256k1PrivateKey is not allowed to be imported, only RSA or Ed25519; use flag --allow-any-key-type/)
    assert.equal((await h.ok(['key', 'import', '--allow-any-key-type', `secp-${mode}`, secpKey])).trim(), await keyId(h, 'secp'))
  })

  await t.test(`${mode}: export without -o writes ./<name>.key (./<name>.pem for PEM) and refuses self`, async () => {
    const r = await h.run(['key', 'export', 'rsa'], { cwd: h.dir })
    assert.equal(r.code, 0, r.stderr)
    assert.ok(existsSync(join(h.dir, 'rsa.key')))
    assert.equal(err(await h.run(['key', 'export', 'self'], { cwd: h.dir })), "Error: cannot export key with name 'self'\n")
    assert.equal(err(await h.run(['key', 'export', 'nope'], { cwd: h.dir })), "Error: key with name 'nope' doesn't exist\n")
    assert.equal(err(await h.run(['key', 'export', '-f', 'bogus', 'rsa'], { cwd: h.dir })), 'Error: unrecognized export format: bogus\n')
  })

  await t.test(`${mode}: import refuses bad input with Kubo's messages`, async () => {
    const garbage = join(h.dir, 'garbage')
    await writeFile(garbage, 'this is not a key\n')
    assert.match(err(await h.run(['key', 'import', 'g', garbage])), /^Error: unable to unmarshall format=libp2p-protobuf-cleartext: /)
    assert.match(err(await h.run(['key', 'import', '-f', 'pem-pkcs8-cleartext', 'g', garbage])), /^Error: PEM block not found in input data/)
    const pem = join(h.dir, `ed-${mode}.pem`)
    assert.equal(err(await h.run(['key', 'import', 'g', pem])), 'Error: unexpected PEM block for format=libp2p-protobuf-cleartext: try again with format=pem-pkcs8-cleartext\n')
    assert.equal(err(await h.run(['key', 'import', 'ed', pem, '-f', 'pem-pkcs8-cleartext'])), "Error: key with name 'ed' already exists\n")
    assert.equal(err(await h.run(['key', 'import', 'self', pem, '-f', 'pem-pkcs8-cleartext'])), "Error: cannot import key with name 'self'\n")
    assert.equal(err(await h.run(['key', 'import', '-f', 'x', 'g', pem])), 'Error: unrecognized import format: x\n')
  })

  await t.test(`${mode}: a PKCS#8 key made outside (OpenSSL through Node's crypto) imports`, async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519')
    const file = join(h.dir, `openssl-${mode}.pem`)
    await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const id = (await h.ok(['key', 'import', '-f', 'pem-pkcs8-cleartext', `ossl-${mode}`, file])).trim()
    // the peer ID inlines the public key: compare with the one OpenSSL derived
    const raw = publicKey.export({ format: 'jwk' }).x as string
    const pk = peerIdFromString(id).publicKey
    assert.ok(pk !== undefined)
    assert.equal(Buffer.from(pk.raw).toString('base64url'), raw)
  })

  await t.test(`${mode}: key sign and verify (by key name and by IPNS name); the signature is bound to the data and the key`, async () => {
    const data = join(h.dir, 'data')
    await writeFile(data, 'hello')
    const signed = JSON.parse(await h.ok(['key', 'sign', '-k', 'ed', data])) as { Key: { Name: string, Id: string }, Signature: string }
    assert.equal(signed.Key.Name, 'ed')
    assert.match(signed.Signature, /^u[A-Za-z0-9_-]+$/)
    const ok = JSON.parse(await h.ok(['key', 'verify', '-k', 'ed', '-s', signed.Signature, data])) as { SignatureValid: boolean }
    assert.equal(ok.SignatureValid, true)
    const byName = JSON.parse(await h.ok(['key', 'verify', '-k', signed.Key.Id, '-s', signed.Signature, data])) as { Key: { Name: string }, SignatureValid: boolean }
    assert.deepEqual([byName.Key.Name, byName.SignatureValid], ['', true])
    const other = join(h.dir, 'data2')
    await writeFile(other, 'hellx')
    assert.equal((JSON.parse(await h.ok(['key', 'verify', '-k', 'ed', '-s', signed.Signature, other])) as { SignatureValid: boolean }).SignatureValid, false)
    assert.equal((JSON.parse(await h.ok(['key', 'verify', '-k', 'self', '-s', signed.Signature, data])) as { SignatureValid: boolean }).SignatureValid, false)
    // stdin works as the data too
    assert.equal((JSON.parse(await h.ok(['key', 'verify', '-k', 'ed', '-s', signed.Signature], { input: 'hello' })) as { SignatureValid: boolean }).SignatureValid, true)
    assert.equal(err(await h.run(['key', 'sign', '-k', 'nope', data])), 'Error: no key by the given name was found\n')
    assert.equal(err(await h.run(['key', 'verify', '-k', 'ed', data])), 'Error: cannot decode multibase for zero length string\n')
    assert.equal(err(await h.run(['key', 'verify', '-k', 'ed', '-s', 'xyz', data])), 'Error: selected encoding not supported\n')
  })

  await t.test(`${mode}: key rm removes keys (all or none); self stays`, async () => {
    assert.equal(err(await h.run(['key', 'rm', `ed-back-${mode}`, 'nope'])), 'Error: no key named nope was found\n')
    const id = await keyId(h, `ed-back-${mode}`)
    assert.equal(await h.ok(['key', 'rm', '-l', `ed-back-${mode}`]), `${id} ed-back-${mode} \n`)
    assert.equal(err(await h.run(['key', 'rm', 'self'])), "Error: cannot remove key with name 'self'\n")
    assert.ok(!(await h.ok(['key', 'list'])).includes(`ed-back-${mode}\n`))
  })
}

test('keystore without a daemon', { timeout: LONG }, async (t) => {
  await scenarios(t, await harness(t), 'local')
})

test('keystore through a daemon', { timeout: LONG }, async (t) => {
  const remote = await harness(t)
  await startDaemon(t, remote)
  await scenarios(t, remote, 'daemon')
})

test('key rotate: a new identity, the old one kept under --oldkey; refused with a daemon', { timeout: LONG }, async (t) => {
  const local = await harness(t)
  {
    const before = (JSON.parse(await local.ok(['id'])) as { ID: string }).ID
    assert.equal(err(await local.run(['key', 'rotate'])), 'Error: keystore name for backing up old key must be provided\n')
    const out = await local.ok(['key', 'rotate', '-o', 'old-self'])
    const m = /^generating ED25519 keypair\.\.\.done\npeer identity: (12D3KooW\S+)\n$/.exec(out)
    assert.ok(m !== null, out)
    const after = (JSON.parse(await local.ok(['id'])) as { ID: string }).ID
    assert.equal(after, m[1])
    assert.notEqual(after, before)
    const oldId = peerIdFromString(await keyId(local, 'old-self')).toString()
    assert.equal(oldId, before)
    assert.equal(err(await local.run(['key', 'rotate', '-o', 'old-self'])), 'Error: saving old key in keystore (key by that name already exists, refusing to overwrite)\n')
    const d = await startDaemon(t, local)
    assert.ok(d.output().includes(after))
    assert.match(err(await local.run(['key', 'rotate', '-o', 'again'])), /lock/)
  }
})

test('keys move between Kubo and tsipfs in both formats', { timeout: LONG, skip: !existsSync(KUBO) && 'Kubo binary not installed' }, async (t) => {
  const remote = await harness(t)
  await startDaemon(t, remote)
  await remote.ok(['key', 'gen', '-t', 'rsa', 'rsa'])
  await remote.ok(['key', 'gen', 'ed'])
  {
    const kuboRepo = join(remote.dir, 'kubo')
    const kubo = (args: string[]): string => {
      const r = spawnSync(KUBO, args, { env: { ...process.env, IPFS_PATH: kuboRepo }, cwd: remote.dir, encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
      return r.stdout
    }
    kubo(['init', '--profile=test'])
    const kuboId = kubo(['key', 'gen', 'fromkubo']).trim()
    kubo(['key', 'export', '-o', join(remote.dir, 'fromkubo.key'), 'fromkubo'])
    kubo(['key', 'export', '-f', 'pem-pkcs8-cleartext', '-o', join(remote.dir, 'fromkubo.pem'), 'fromkubo'])
    assert.equal((await remote.ok(['key', 'import', 'fromkubo', join(remote.dir, 'fromkubo.key')])).trim(), kuboId)
    assert.equal((await remote.ok(['key', 'import', '-f', 'pem-pkcs8-cleartext', 'fromkubo-pem', join(remote.dir, 'fromkubo.pem')])).trim(), kuboId)
    const ourId = await keyId(remote, 'rsa')
    await remote.ok(['key', 'export', '-o', join(remote.dir, 'ours.key'), 'rsa'])
    await remote.ok(['key', 'export', '-f', 'pem-pkcs8-cleartext', '-o', join(remote.dir, 'ours.pem'), 'ed'])
    assert.equal(kubo(['key', 'import', 'ours', join(remote.dir, 'ours.key')]).trim(), ourId)
    assert.equal(kubo(['key', 'import', '-f', 'pem-pkcs8-cleartext', 'ours-pem', join(remote.dir, 'ours.pem')]).trim(), await keyId(remote, 'ed'))
    // a signature made by one verifies in the other
    await writeFile(join(remote.dir, 'msg'), 'interop')
    const sig = (JSON.parse(kubo(['key', 'sign', '-k', 'fromkubo', join(remote.dir, 'msg')])) as { Signature: string }).Signature
    assert.equal((JSON.parse(await remote.ok(['key', 'verify', '-k', 'fromkubo', '-s', sig, join(remote.dir, 'msg')])) as { SignatureValid: boolean }).SignatureValid, true)
  }
})
