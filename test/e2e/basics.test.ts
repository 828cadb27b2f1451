import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { harness, runBin } from '../helpers/cli.ts'

test('init creates a repo, and a second init refuses', async (t) => {
  const h = await harness(t)
  const again = await h.run(['init'])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /^Error: .*already exists/)
})

test('add then cat returns the bytes with the CID Kubo prints', async (t) => {
  const h = await harness(t)
  const out = await h.ok(['add', '-q'], { input: 'hello\n' })
  // `echo hello | ipfs add -q` prints this (Kubo docs, "ipfs add" examples)
  assert.equal(out.trim(), 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN')
  assert.equal(await h.ok(['cat', out.trim()]), 'hello\n')
  // one-letter flags grouped after one dash, as Kubo reads them; a flag with a value takes the rest of the group
  assert.equal(await h.ok(['add', '-Qn'], { input: 'hello\n' }), out)
  assert.equal(await h.ok(['cat', '-o1', '-l2', out.trim()]), 'el')
  const unknown = await h.run(['add', '-Qx'], { input: 'hello\n' })
  assert.equal(unknown.stderr, 'Error: unknown option "Qx"\n')
})

test('errors are one line on stderr with exit status 1', async (t) => {
  const h = await harness(t)
  const r = await h.run(['cat', 'not-a-cid'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: [^\n]+\n$/)
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/)
  // an argument that may come on stdin is still required when stdin is empty (Kubo 0.42's words)
  for (const args of [['get'], ['block', 'stat'], ['cat'], ['block', 'rm']]) {
    const missing = await h.run(args, { input: '' })
    assert.equal(missing.code, 1, args.join(' '))
    assert.equal(missing.stderr, `Error: argument "${args[0] === 'block' ? 'cid' : 'ipfs-path'}" is required\n`)
  }
  // a path that is not there, or a directory without -r, in Kubo's words
  assert.equal((await h.run(['add', join(h.dir, 'nope')])).stderr, `Error: lstat ${join(h.dir, 'nope')}: no such file or directory\n`)
  assert.equal((await h.run(['add', h.dir])).stderr, `Error: '${h.dir}' is a directory, use the '-r' flag to specify directories\n`)
  // id without a daemon: a malformed peer ID is said as such (not "online mode"), our own ID needs no network
  assert.match((await h.run(['id', 'foo'])).stderr, /^Error: invalid peer ID "foo"/)
  const self = await h.ok(['id', '-f', '<id>'])
  assert.equal(await h.ok(['id', '-f', '<id>', self]), self)
  // a bad number is said in Go's words, as Kubo prints them
  const num = await h.run(['cat', '--offset=abc', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN'])
  assert.equal(num.stderr, 'Error: strconv.ParseInt: parsing "abc": invalid syntax\n')
})

test('a command without a repo says to run init', async (t) => {
  const h = await harness(t, { init: false })
  const r = await h.run(['cat', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /tsipfs init/)
  // a command that needs the daemon says so only where there is a repo, as Kubo does
  const s = await h.run(['shutdown'])
  assert.equal(s.code, 1)
  assert.match(s.stderr, /^Error: no tsipfs repo found in .*\nplease run: 'tsipfs init'\n$/)
})

test('every command group has --help text through the binary (test/unit/docs.test.ts renders every command\'s)', async () => {
  const r = await runBin(['commands'])
  assert.equal(r.code, 0)
  const paths = r.stdout.trim().split('\n').slice(1).map(l => l.split(' ').slice(1))
  assert.ok(paths.length > 3)
  // Kubo's shapes: the lines sorted; --flags names each option after its command's path; the JSON has every
  // command's options (the root's are the global ones)
  assert.deepEqual(r.stdout.trim().split('\n'), [...r.stdout.trim().split('\n')].sort())
  assert.match((await runBin(['commands', '--flags'])).stdout, /^tsipfs cat --progress \/ tsipfs cat -p$/m)
  const tree = JSON.parse((await runBin(['commands', '--enc=json'])).stdout) as { Options: Array<{ Names: string[] }>, Subcommands: Array<{ Name: string, Options: Array<{ Names: string[] }> }> }
  assert.deepEqual(tree.Options[0], { Names: ['encoding', 'enc'] })
  assert.deepEqual(tree.Subcommands.find(c => c.Name === 'cat')?.Options.at(-1), { Names: ['progress', 'p'] })
  // one process per top-level command, and the deepest command of each group: the same help renderer
  // serves every path, and spawning ~150 processes cost two minutes of CI
  const picked = new Map<string, string[]>()
  for (const p of paths) {
    const top = p[0] as string
    const seen = picked.get(top)
    if (seen === undefined || p.length > seen.length) picked.set(top, p)
    if (!picked.has(`${top}/`)) picked.set(`${top}/`, [top])
  }
  for (const p of picked.values()) {
    const help = await runBin([...p, '--help'])
    assert.equal(help.code, 0, `${p.join(' ')} --help`)
    assert.match(help.stdout, /USAGE/)
  }
  // a group with no command of its own is listed under its parent, with its tagline
  assert.match((await runBin(['swarm', '--help'])).stdout, /^ {2}swarm peering +Modify the peering subsystem\.$/m)
  assert.match((await runBin(['--help'])).stdout, /^ {2}pin +Pin \(and unpin\) objects to local storage\.$/m)
})

test('the CLI keeps one file of import resolutions per checkout in the compile cache, renewed for a new install', async (t) => {
  const h = await harness(t, { init: false })
  const cache = join(h.dir, 'compile-cache')
  const env = { NODE_COMPILE_CACHE: cache }
  // the cache's own directory, or (NODE_COMPILE_CACHE set) the one for this Node inside it
  const files = async (): Promise<string[]> => (await readdir(cache, { recursive: true })).filter(f => basename(f).startsWith('tsipfs-resolve-'))
  await h.ok(['version'], { env })
  const [file, ...others] = await files()
  assert.ok(file !== undefined && others.length === 0, `resolution files: ${String(file)} ${others.join(' ')}`)
  const path = join(cache, file)
  const saved = JSON.parse(await readFile(path, 'utf8')) as { key: string, entries: Record<string, unknown> }
  assert.ok(Object.keys(saved.entries).length > 100)
  // what `npm ci` does to the key (a new lockfile): the next run starts the same file over, no second file
  await writeFile(path, JSON.stringify({ key: 'an earlier install', entries: { stale: ['file:///nowhere.js', null] } }))
  assert.match(await h.ok(['version'], { env }), /^tsipfs version /)
  assert.deepEqual(await files(), [file])
  const renewed = JSON.parse(await readFile(path, 'utf8')) as typeof saved
  assert.equal(renewed.key, saved.key)
  assert.equal(renewed.entries.stale, undefined)
})

test('start-up loads the command tree without the heavy modules commands use when they run', async (t) => {
  const h = await harness(t, { init: false })
  const out = join(h.dir, 'loads.txt')
  const hook = fileURLToPath(new URL('../helpers/record-loads.ts', import.meta.url))
  await h.ok(['version'], { env: { NODE_OPTIONS: `--import=${hook}`, TSIPFS_TEST_LOADS: out } })
  const loaded = (await readFile(out, 'utf8')).split('\n')
  assert.ok(loaded.some(u => u.includes('/src/commands/')), 'the hook saw the command tree load')
  // each was loaded by every command until a command started importing it when it runs
  for (const heavy of ['ipfs-unixfs-importer', 'ipfs-unixfs-exporter', 'ipns', '@libp2p/crypto', '@ipld/dag-cbor', 'tar-stream', 'libp2p', '@libp2p/kad-dht', 'lmdb']) {
    assert.ok(!loaded.some(u => u.includes(`/node_modules/${heavy}/`)), `${heavy} is loaded at start-up`)
  }
  assert.ok(loaded.length < 250, `${loaded.length} modules loaded at start-up`)

  // a command that opens the repo loads the node, but not what only names, keys, DNS, reads and CARs use
  await h.ok(['init', '--profile=test'])
  await h.ok(['repo', 'stat'], { env: { NODE_OPTIONS: `--import=${hook}`, TSIPFS_TEST_LOADS: out } })
  const opened = (await readFile(out, 'utf8')).split('\n')
  assert.ok(opened.some(u => u.includes('/node_modules/lmdb/')), 'the hook saw the repo open')
  for (const heavy of ['ipns', '@libp2p/crypto', '@libp2p/peer-id', '@multiformats/dns', 'libp2p', 'ipfs-unixfs-exporter', '@ipld/car']) {
    assert.ok(!opened.some(u => u.includes(`/node_modules/${heavy}/`)), `${heavy} is loaded by repo stat`)
  }
})

test('version deps: tsipfs, then the npm packages it runs with, as Kubo lists its Go modules', async (t) => {
  const h = await harness(t, { init: false })
  const root = fileURLToPath(new URL('../../', import.meta.url))
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string, dependencies: Record<string, string>, devDependencies: Record<string, string> }
  const lines = (await h.ok(['version', 'deps'])).split('\n')
  assert.equal(lines.pop(), '')
  assert.equal(lines[0], `tsipfs@${pkg.version}`)
  const rest = lines.slice(1)
  const names = rest.map(l => l.slice(0, l.lastIndexOf('@')))
  assert.deepEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), names, 'sorted by name')
  // every runtime dependency at its installed version (top-level ones are not nested anywhere here)
  for (const name of Object.keys(pkg.dependencies)) {
    const installed = JSON.parse(await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }
    assert.ok(rest.includes(`${name}@${installed.version}`), `${name}@${installed.version} is listed`)
  }
  // packages reached through them too, and no development tool
  assert.ok(rest.some(l => l.startsWith('@libp2p/utils@')) && rest.some(l => l.startsWith('uint8arraylist@')))
  assert.ok(rest.length > Object.keys(pkg.dependencies).length)
  for (const dev of ['typescript', 'eslint', 'helia', 'react-native']) assert.ok(!rest.some(l => l.startsWith(`${dev}@`)), `${dev} is not listed`)
  // Kubo's JSON, a value a line, with npm's integrity as the checksum where npm recorded the install
  const json = (await h.ok(['version', 'deps', '--enc=json'])).trim().split('\n').map(l => JSON.parse(l) as Record<string, string>)
  assert.equal(json.length, lines.length)
  assert.deepEqual(json[0], { Path: 'tsipfs', Version: pkg.version, ReplacedBy: '', Sum: '' })
  const mf = json.find(d => d.Path === 'multiformats') as Record<string, string>
  assert.deepEqual(Object.keys(mf), ['Path', 'Version', 'ReplacedBy', 'Sum'])
  const lock = JSON.parse(await readFile(join(root, 'node_modules', '.package-lock.json'), 'utf8').catch(() => '{}')) as { packages?: Record<string, { integrity?: string }> }
  assert.equal(mf.Sum, lock.packages?.['node_modules/multiformats']?.integrity ?? '')
  assert.equal((await h.run(['version', 'deps', 'x'])).stderr, 'Error: expected 0 argument(s), got 1\n')
})
