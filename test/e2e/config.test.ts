import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { harness, BIN } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

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

test('config <key> <value>, replace and the daemon refuse a value of the wrong type and an unknown key with Kubo\'s messages, writing nothing', async (t) => {
  const h = await harness(t)
  const file = join(h.repo, 'config')
  const before = await readFile(file, 'utf8')
  // Kubo 0.42's answers to the same commands, word for word
  const refused: Array<[string[], string]> = [
    [['Addresses.Swarm', 'foo'], 'failure to decode config: json: cannot unmarshal string into Go struct field Addresses.Addresses.Swarm of type []string'],
    [['--bool', 'Addresses.Swarm', 'true'], 'failure to decode config: json: cannot unmarshal bool into Go struct field Addresses.Addresses.Swarm of type []string'],
    [['--json', 'Addresses.API', '5'], 'failure to decode config: json: cannot unmarshal number into Go struct field Addresses.Addresses.API of type string'],
    [['--json', 'Swarm.ConnMgr.HighWater', '"x"'], 'failure to decode config: json: cannot unmarshal string into Go struct field ConnMgr.Swarm.ConnMgr.HighWater of type int64'],
    [['--json', 'Swarm.ConnMgr.HighWater', '1.5'], 'failure to decode config: json: cannot unmarshal number 1.5 into Go struct field ConnMgr.Swarm.ConnMgr.HighWater of type int64'],
    [['--json', 'Swarm.ConnMgr', '5'], 'failure to decode config: json: cannot unmarshal number into Go struct field SwarmConfig.Swarm.ConnMgr of type config.ConnMgr'],
    [['--json', 'Gateway.DeserializedResponses', '1'], 'failure to decode config: failed to unmarshal "1" into a flag: must be null/undefined, true, or false'],
    [['Pubsub.SeenMessagesTTL', 'soon'], 'failure to decode config: time: invalid duration "soon"'],
    [['--json', 'Swarm.Transports.Security.TLS', '0'], 'failure to decode config: priority must be positive: 0 <= 0'],
    [['--json', 'Gateway.PublicGateways.example', '{"Paths":"/ipfs"}'], 'failure to decode config: json: cannot unmarshal string into Go struct field GatewaySpec.Gateway.PublicGateways.Paths of type []string'],
    [['Foo.Bar', 'baz'], 'Foo not found'],
    [['Swarm.Foo', 'bar'], 'Swarm.Foo not found'],
    [['--json', 'Swarm.ConnMgr.HighWater.Foo', '1'], 'Swarm.ConnMgr.HighWater.Foo not found'],
    [['Addresses.Swarm.Foo', '1'], 'Addresses.Swarm key is not a map']
  ]
  for (const [args, message] of refused) {
    const r = await h.run(['config', ...args])
    assert.equal(r.code, 1, args.join(' '))
    assert.equal(r.stderr, `Error: failed to set config value: ${message} (maybe use --json?)\n`)
  }
  assert.equal(await readFile(file, 'utf8'), before, 'a refused set writes nothing')
  // what Kubo's types do take: null for an optional value, one string for a list of addresses, a size with a unit
  await h.ok(['config', '--json', 'Swarm.ConnMgr.HighWater', 'null'])
  await h.ok(['config', '--json', 'Addresses.Gateway', '["/ip4/127.0.0.1/tcp/0"]'])
  await h.ok(['config', 'Import.UnixFSHAMTDirectorySizeThreshold', '1MiB'])
  await h.ok(['config', '--json', 'Gateway.PublicGateways.example', '{"Paths":["/ipfs"],"UseSubdomains":false}'])
  assert.equal(await h.ok(['config', 'Gateway.PublicGateways.example.UseSubdomains']), 'false\n')

  // config replace: Kubo says "failed to decode file as config"; tsipfs adds the key and the reason
  const current = await readFile(file, 'utf8')
  const shown = JSON.parse(await h.ok(['config', 'show'])) as Record<string, any>
  shown.Swarm.ConnMgr = { HighWater: 'many' }
  await writeFile(join(h.dir, 'wrong.json'), JSON.stringify(shown))
  const replace = await h.run(['config', 'replace', join(h.dir, 'wrong.json')])
  assert.equal(replace.code, 1)
  assert.equal(replace.stderr, 'Error: failed to decode file as config: Swarm.ConnMgr.HighWater: json: cannot unmarshal string into Go struct field ConnMgr.Swarm.ConnMgr.HighWater of type int64\n')
  assert.equal(await readFile(file, 'utf8'), current, 'a refused replace writes nothing')

  // through a running daemon (the RPC API), the same refusal
  await startDaemon(t, h)
  const online = await h.run(['config', '--json', 'Swarm.ConnMgr.LowWater', '"few"'])
  assert.equal(online.code, 1)
  assert.equal(online.stderr, 'Error: failed to set config value: failure to decode config: json: cannot unmarshal string into Go struct field ConnMgr.Swarm.ConnMgr.LowWater of type int64 (maybe use --json?)\n')
  assert.equal((await h.run(['config', 'Nope', 'x'])).stderr, 'Error: failed to set config value: Nope not found (maybe use --json?)\n')
  assert.equal(await readFile(file, 'utf8'), current)
})

test('a config file damaged by hand: every command and the daemon stop with one line naming the file and the key', async (t) => {
  const h = await harness(t)
  const file = join(h.repo, 'config')
  const good = await readFile(file, 'utf8')
  const damaged = JSON.parse(good) as Record<string, any>
  damaged.Addresses.Swarm = 'foo'
  await writeFile(file, JSON.stringify(damaged, null, 2))
  const wrongType = `Error: failure to decode config file ${file}: Addresses.Swarm: json: cannot unmarshal string into Go struct field Addresses.Addresses.Swarm of type []string\n`
  for (const args of [['id'], ['config', 'show'], ['config', '--json', 'Addresses.Swarm', '[]'], ['add', '-Q'], ['daemon']]) {
    const r = await h.run(args, { input: 'x' })
    assert.equal(r.code, 1, args.join(' '))
    assert.equal(r.stderr, wrongType, args.join(' '))
  }
  // a map key with a dot in it is quoted in the path
  const gateways = JSON.parse(good) as Record<string, any>
  gateways.Gateway.PublicGateways = { 'example.org': { Paths: ['/ipfs'], UseSubdomains: 'yes' } }
  await writeFile(file, JSON.stringify(gateways, null, 2))
  assert.equal((await h.run(['id'])).stderr, `Error: failure to decode config file ${file}: Gateway.PublicGateways["example.org"].UseSubdomains: json: cannot unmarshal string into Go struct field GatewaySpec.Gateway.PublicGateways.UseSubdomains of type bool\n`)
  // not JSON at all
  await writeFile(file, good.slice(0, -20))
  for (const args of [['id'], ['daemon']]) {
    const r = await h.run(args)
    assert.equal(r.code, 1, args.join(' '))
    assert.match(r.stderr, /^Error: failure to decode config file .+\/config: [^\n]*JSON[^\n]*\n$/, args.join(' '))
    assert.ok(r.stderr.startsWith(`Error: failure to decode config file ${file}: `))
  }
  // null in a list of addresses to announce is "" to Go: the daemon refuses it as Kubo does, not with a TypeError
  const hole = JSON.parse(good) as Record<string, any>
  hole.Addresses.Announce = [null]
  await writeFile(file, JSON.stringify(hole, null, 2))
  const announce = await h.run(['daemon'])
  assert.equal(announce.code, 1)
  assert.match(announce.stderr, /^Error: invalid multiaddr "" in Addresses: empty multiaddr\n$/m)
  await writeFile(file, good)
  assert.equal((await h.run(['id'])).code, 0, 'the repo opens again once the file is mended')
})

test('config edit: the file in $EDITOR (Kubo\'s errors), checked when the editor exits, a broken edit kept; with a daemon running too', async (t) => {
  const h = await harness(t)
  const file = join(h.repo, 'config')
  const good = await readFile(file, 'utf8')
  // an editor that records its arguments and puts the prepared file in place of the config (its last argument)
  const editor = join(h.dir, 'editor.sh')
  await writeFile(editor, '#!/bin/sh\nd=$(dirname "$0")\nprintf "%s\\n" "$@" > "$d/args"\nfor last; do :; done\ncp "$d/next" "$last"\n', { mode: 0o755 })
  const next = JSON.parse(good) as Record<string, any>
  next.Ipns.ResolveCacheSize = 64
  await writeFile(join(h.dir, 'next'), JSON.stringify(next, null, 2))
  assert.equal(await h.ok(['config', 'edit'], { env: { EDITOR: editor } }), '')
  assert.equal(await readFile(join(h.dir, 'args'), 'utf8'), `${file}\n`)
  assert.equal(await h.ok(['config', 'Ipns.ResolveCacheSize']), '64\n')
  // $EDITOR is split into words as a shell would (Kubo's go-shlex): the file comes last
  const quoted = await h.run(['config', 'edit'], { env: { EDITOR: `'${editor}' "two words" x` } })
  assert.equal(quoted.code, 0, quoted.stderr)
  assert.equal(await readFile(join(h.dir, 'args'), 'utf8'), `two words\nx\n${file}\n`)
  // Kubo's words when there is no editor, or it fails, or cannot be started
  for (const [value, message] of [
    ['', 'ENV variable $EDITOR not set'],
    ['false', 'exit status 1'],
    ['sh -c "exit 3"', 'exit status 3'],
    ['no-such-editor-here', 'exec: "no-such-editor-here": executable file not found in $PATH'],
    [join(h.dir, 'missing'), `fork/exec ${join(h.dir, 'missing')}: no such file or directory`],
    ['"unclosed', 'cannot parse $EDITOR value: No closing quotation']
  ]) {
    const r = await h.run(['config', 'edit'], { env: { EDITOR: value as string } })
    assert.equal(r.code, 1, value)
    assert.equal(r.stderr, `Error: ${message as string}\n`, value)
  }
  // a broken edit: one error line, the edit kept as it was left (the repo does not open until it is mended)
  next.Ipns.ResolveCacheSize = 'many'
  const broken = JSON.stringify(next, null, 2)
  await writeFile(join(h.dir, 'next'), broken)
  const r = await h.run(['config', 'edit'], { env: { EDITOR: editor } })
  assert.equal(r.code, 1)
  assert.equal(r.stderr, `Error: failure to decode config file ${file}: Ipns.ResolveCacheSize: json: cannot unmarshal string into Go struct field Ipns.Ipns.ResolveCacheSize of type int (the edit is kept: run 'tsipfs config edit' to fix it)\n`)
  assert.equal(await readFile(file, 'utf8'), broken)
  assert.equal((await h.run(['id'])).code, 1)
  // mended with config edit itself, which needs no repo that opens
  next.Ipns.ResolveCacheSize = 32
  await writeFile(join(h.dir, 'next'), JSON.stringify(next, null, 2))
  await h.ok(['config', 'edit'], { env: { EDITOR: editor } })
  assert.equal(await h.ok(['config', 'Ipns.ResolveCacheSize']), '32\n')
  // as in Kubo, a running daemon does not stop it (no repo lock, never sent to the daemon)
  await startDaemon(t, h)
  next.Ipns.ResolveCacheSize = 16
  await writeFile(join(h.dir, 'next'), JSON.stringify(next, null, 2))
  await h.ok(['config', 'edit'], { env: { EDITOR: editor } })
  assert.equal((JSON.parse(await readFile(file, 'utf8')) as Record<string, any>).Ipns.ResolveCacheSize, 16)
  // the daemon's `config` reads and changes the file, as Kubo's does: the edit is shown, and a change made
  // through the daemon keeps it (it wrote back the config it had started with)
  assert.equal(await h.ok(['config', 'Ipns.ResolveCacheSize']), '16\n')
  await h.ok(['config', '--json', 'Ipns.UsePubsub', 'true'])
  const after = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>
  assert.equal(after.Ipns.ResolveCacheSize, 16)
  assert.equal(after.Ipns.UsePubsub, true)
  assert.match(await h.ok(['config', 'show']), /"ResolveCacheSize": 16/)
})

test('config changes sent to the daemon at once are made one after the other: each keeps the others\' keys', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  // each request reads the file, changes one key and writes it back: side by side, the last write kept only its own
  const names = Array.from({ length: 12 }, (_, i) => `X-Test-${i}`)
  const answers = await Promise.all(names.map(async (name) => {
    const res = await fetch(`${d.url}/api/v0/config?arg=Gateway.HTTPHeaders.${name}&arg=${encodeURIComponent('["v"]')}&json=true`, { method: 'POST' })
    return { status: res.status, body: await res.text() }
  }))
  for (const a of answers) assert.equal(a.status, 200, a.body)
  const headers = (JSON.parse(await readFile(join(h.repo, 'config'), 'utf8')) as Record<string, any>).Gateway.HTTPHeaders as Record<string, string[]>
  assert.deepEqual(names.filter(n => headers[n]?.[0] !== 'v'), [], 'every key set is in the file')
})

test('an address the daemon cannot listen on is named by its key in the error', async (t) => {
  const h = await harness(t)
  await h.ok(['config', '--json', 'Addresses.Gateway', '"/ip4/127.0.0.1/udp/0"'])
  const r = await h.run(['daemon'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: unsupported Gateway address "\/ip4\/127\.0\.0\.1\/udp\/0": use \/ip4\/<addr>\/tcp\/<port>$/m)
  await h.ok(['config', '--json', 'Addresses.Gateway', '"/ip4/127.0.0.1/tcp/0"'])
  await h.ok(['config', '--json', 'Addresses.API', '"/ip4/127.0.0.1/udp/0"'])
  assert.match((await h.run(['daemon'])).stderr, /^Error: unsupported API address "\/ip4\/127\.0\.0\.1\/udp\/0"/m)
})
