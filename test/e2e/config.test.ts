import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { harness, BIN } from '../helpers/cli.ts'

test('init writes a Kubo-shaped config, a version file and an Ed25519 identity; profiles apply', async (t) => {
  const h = await harness(t, { profiles: 'test,unixfs-v1-2025' })
  const config = JSON.parse(await readFile(join(h.repo, 'config'), 'utf8')) as Record<string, any>
  for (const section of ['Identity', 'Addresses', 'Bootstrap', 'Datastore', 'Import', 'Gateway', 'API', 'Routing', 'Swarm', 'Provide']) {
    assert.ok(section in config, `config has ${section}`)
  }
  assert.match(config.Identity.PeerID, /^12D3KooW/)
  assert.equal(config.Addresses.API, '/ip4/127.0.0.1/tcp/0')
  assert.deepEqual(config.Bootstrap, [])
  assert.equal(config.Import.CidVersion, 1)
  assert.equal((await readFile(join(h.repo, 'version'), 'utf8')).trim(), '1')
  assert.equal((await stat(join(h.repo, 'config'))).mode & 0o777, 0o600)
  // the unixfs-v1-2025 profile changes what add makes: CIDv1, raw leaves, 1 MiB chunks
  assert.match((await h.ok(['add', '-Q'], { input: 'x' })).trim(), /^bafkrei/)
  const id = JSON.parse(await h.ok(['id', '--enc=json'])) as { ID: string }
  assert.equal(id.ID, config.Identity.PeerID)
})

test('init --algorithm, init <config-file>, unknown profiles and algorithms', async (t) => {
  const rsa = await harness(t, { init: false })
  await rsa.ok(['init', '--algorithm=secp256k1', '--profile=test'])
  assert.match(JSON.parse(await readFile(join(rsa.repo, 'config'), 'utf8')).Identity.PeerID, /^16Uiu2/)
  const bad = await harness(t, { init: false })
  const r = await bad.run(['init', '--profile=nope'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: invalid configuration profile: nope\n$/)
  const alg = await bad.run(['init', '--algorithm=dsa'])
  assert.equal(alg.code, 1)
  // a given config file is used (identity generated when it has none)
  const from = await harness(t, { init: false })
  const file = join(from.dir, 'given.json')
  const base = JSON.parse(await readFile(join(rsa.repo, 'config'), 'utf8')) as Record<string, any>
  delete base.Identity
  base.Datastore.StorageMax = '1GB'
  await writeFile(file, JSON.stringify(base))
  // Kubo 0.42's lines: a key generated, then where; nothing after (an empty repo); no key line when the
  // config brings its identity
  assert.match(await from.ok(['init', file]), new RegExp(`^generating ED25519 keypair\\.\\.\\.done\\npeer identity: 12D3KooW\\w+\\ninitializing tsipfs node at ${from.repo}\\n$`))
  const again = await harness(t, { init: false })
  assert.equal(await again.ok(['init', join(rsa.repo, 'config')]), `initializing tsipfs node at ${again.repo}\n`)
  const made = JSON.parse(await readFile(join(from.repo, 'config'), 'utf8')) as Record<string, any>
  assert.equal(made.Datastore.StorageMax, '1GB')
  assert.match(made.Identity.PeerID, /^12D3KooW/)
  const notJson = await harness(t, { init: false })
  await writeFile(join(notJson.dir, 'bad.json'), '{nope')
  const nj = await notJson.run(['init', join(notJson.dir, 'bad.json')])
  assert.equal(nj.code, 1)
  assert.match(nj.stderr, /not valid JSON/)
})

test('config get/set (--json, --bool), show hides the key, replace keeps the identity, profile apply --dry-run', async (t) => {
  const h = await harness(t)
  assert.equal(await h.ok(['config', 'Addresses.API']), '/ip4/127.0.0.1/tcp/0\n')
  await h.ok(['config', 'Addresses.API', '/ip4/127.0.0.1/tcp/5999'])
  assert.equal(await h.ok(['config', 'Addresses.API']), '/ip4/127.0.0.1/tcp/5999\n')
  await h.ok(['config', '--json', 'Bootstrap', '["/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWRLdrfKfWDsv3djEaD6NeMHjAoFPDCPdEW5ivdjkQeoTV"]'])
  assert.match(await h.ok(['config', 'Bootstrap']), /12D3KooWRLdr/)
  await h.ok(['config', '--bool', 'Discovery.MDNS.Enabled', 'true'])
  assert.equal(await h.ok(['config', 'Discovery.MDNS.Enabled']), 'true\n')
  assert.deepEqual(JSON.parse(await h.ok(['config', 'Addresses.API', '--enc=json'])), { Key: 'Addresses.API', Value: '/ip4/127.0.0.1/tcp/5999' })
  const missing = await h.run(['config', 'No.Such.Key'])
  assert.equal(missing.code, 1)
  const priv = await h.run(['config', 'Identity.PrivKey'])
  assert.equal(priv.code, 1)
  // Kubo refuses the whole Identity (it holds the key), in any case of letters
  for (const key of ['Identity', 'identity']) {
    assert.equal((await h.run(['config', key])).stderr, 'Error: cannot show or change private key through API\n')
  }
  // objects print with their keys sorted at every depth, as Go's encoding/json prints Kubo's config maps
  const addresses = JSON.parse(await h.ok(['config', 'Addresses'])) as Record<string, unknown>
  assert.deepEqual(Object.keys(addresses), [...Object.keys(addresses)].sort())
  assert.deepEqual(Object.keys(addresses).slice(0, 2), ['API', 'Announce'])
  const showKeys = Object.keys(JSON.parse(await h.ok(['config', 'show'])) as Record<string, unknown>)
  assert.deepEqual(showKeys, [...showKeys].sort())
  assert.equal((await h.run(['config', 'profile', 'apply', 'nope'])).stderr, 'Error: nope is not a profile\n')
  assert.equal((await h.run(['config', 'replace'], { input: '{}' })).stderr, 'Error: argument "file" is required\n')
  await writeFile(join(h.dir, 'bad.json'), '{nope')
  assert.equal((await h.run(['config', 'replace', join(h.dir, 'bad.json')])).stderr, 'Error: failed to decode file as config\n')
  const show = await h.ok(['config', 'show'])
  assert.doesNotMatch(show, /PrivKey/)
  const shown = JSON.parse(show) as Record<string, any>
  shown.Datastore.StorageMax = '2GB'
  await writeFile(join(h.dir, 'new.json'), JSON.stringify(shown))
  await h.ok(['config', 'replace', join(h.dir, 'new.json')])
  assert.equal(await h.ok(['config', 'Datastore.StorageMax']), '2GB\n')
  const ok = await h.run(['id'])
  assert.equal(ok.code, 0, 'identity survived replace')
  const dry = await h.ok(['config', 'profile', 'apply', '--dry-run', 'server'])
  assert.match(dry, /^\+ .*ipcidr/m)
  assert.equal(await h.ok(['config', 'Swarm.AddrFilters']), 'null\n', 'dry run changed nothing')
  await h.ok(['config', 'profile', 'apply', 'lowpower'])
  assert.equal(await h.ok(['config', 'Routing.Type']), 'autoclient\n')
})

test('a second process opening the repo for writing gets a clear error, never corruption', async (t) => {
  const h = await harness(t)
  // hold the repo open: an add that waits on stdin
  const child = spawn(process.execPath, [BIN, 'add', '-Q'], { env: { ...process.env, IPFS_PATH: h.repo }, stdio: ['pipe', 'pipe', 'pipe'] })
  const closed = new Promise(resolve => child.on('close', resolve))
  child.stdin.write('partial ')
  await new Promise(resolve => setTimeout(resolve, 800))
  const second = await h.run(['pin', 'add', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN'])
  assert.equal(second.code, 1)
  assert.match(second.stderr, /^Error: someone else has the lock/)
  child.stdin.end('content\n')
  await closed
  assert.match(await h.ok(['repo', 'verify']), /all blocks validated/)
})
