/**
 * Kubo's CIDs for every add option: each vector is `tsipfs add -Q --only-hash <args>` on inputs made by
 * test/vectors/inputs.ts, and must print the CID Kubo printed for the same command (test/vectors/add.json
 * names its source).
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'
import { makeInputs } from '../vectors/inputs.ts'

interface Vector { args: string[], cid: string }
const { vectors } = JSON.parse(await readFile(new URL('../vectors/add.json', import.meta.url), 'utf8')) as { vectors: Vector[] }

/** The inputs, laid out once: both tests that use them only read them */
let inputs = ''
before(async () => {
  inputs = join(await mkdtemp(join(tmpdir(), 'tsipfs-e2e-inputs-')), 'inputs')
  await makeInputs(inputs)
})
after(async () => { if (inputs !== '') await rm(join(inputs, '..'), { recursive: true, force: true }) })

test('add prints the CIDs Kubo prints, option by option', async (t) => {
  const h = await harness(t)
  const failures: string[] = []
  for (const v of vectors) {
    const r = await h.run(['add', '-Q', '--only-hash', ...v.args], { cwd: inputs })
    const got = r.stdout.trim()
    if (r.code !== 0 || got !== v.cid) failures.push(`add ${v.args.join(' ')}: expected ${v.cid}, got ${got || r.stderr.trim()}`)
  }
  assert.deepEqual(failures, [])
  assert.ok(vectors.length >= 40)
})

test('--only-hash stores nothing; a real add stores and pins the same CID', async (t) => {
  const h = await harness(t)
  const hashed = (await h.ok(['add', '-Q', '--only-hash', '-r', 'tree'], { cwd: inputs })).trim()
  assert.match(await h.ok(['repo', 'stat']), /NumObjects: 0\n/)
  const added = (await h.ok(['add', '-Q', '-r', 'tree'], { cwd: inputs })).trim()
  assert.equal(added, hashed)
  assert.match(await h.ok(['pin', 'ls', '--type=recursive']), new RegExp(`^${added} recursive\n$`))
})

test('add -r lists files, then directories children-first with empty ones, as Kubo prints them', async (t) => {
  const h = await harness(t)
  const { mkdir, writeFile } = await import('node:fs/promises')
  const root = join(h.dir, 'e')
  await mkdir(join(root, 'a', 'b'), { recursive: true })
  await mkdir(join(root, 'c'))
  await writeFile(join(root, 'a', 'x'), 'x\n')
  // `ipfs add -r -n e` with Kubo v0.42.0
  assert.equal(await h.ok(['add', '-r', '-n', 'e'], { cwd: h.dir }), [
    'added QmUNXr47Bja3aHUMfhXX5mMWTFJKuoUGETcA48vHG7dhag e/a/x',
    'added QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn e/a/b',
    'added QmNkagWqfTUaoWypPytzwWX9UQuedGnG8wkiFWk4S5jLNW e/a',
    'added QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn e/c',
    'added QmTHQroD922s3To48DeGLGczUHG2wVdcUPjmr5vH6kGECU e',
    ''
  ].join('\n'))
})

test('add refuses what Kubo refuses, with its messages; -w and . are named as Kubo names them', async (t) => {
  const h = await harness(t)
  const { writeFile, mkdir } = await import('node:fs/promises')
  await mkdir(join(h.dir, 'd'))
  await writeFile(join(h.dir, 'd', 'f'), 'f\n')
  await writeFile(join(h.dir, 'big'), new Uint8Array(200))
  // messages and names as Kubo v0.42.0 prints them
  const refusals: Array<[string[], string]> = [
    [['--cid-version=0', '--hash=blake3', 'big'], 'Error: CIDv0 only supports sha2-256\n'],
    [['--hash=identity', 'big'], 'Error: digest too large: identity digest got 200 bytes, maximum 128\n'],
    [['--mtime=0', '--mtime-nsecs=5', 'big'], 'Error: option "mtime-nsecs" requires "mtime" to be provided as well\n']
  ]
  for (const [args, stderr] of refusals) {
    const r = await h.run(['add', '-n', ...args], { cwd: h.dir })
    assert.equal(r.code, 1)
    assert.equal(r.stderr, stderr)
  }
  assert.equal(await h.ok(['add', '-n', '-w', 'd/f'], { cwd: h.dir }), [
    'added QmfLANrLwS5U74Jp4nkKU5XgKCQzs2aZsaFEjSxN1FqEcM f',
    'added QmV4q9vMJPPWApW6qu6HnFAYmJirrmHUEnNUStBTa3MP95 ',
    ''
  ].join('\n'))
  assert.equal(await h.ok(['add', '-n', '-r', '.'], { cwd: join(h.dir, 'd') }), [
    'added QmfLANrLwS5U74Jp4nkKU5XgKCQzs2aZsaFEjSxN1FqEcM d/f',
    'added QmV4q9vMJPPWApW6qu6HnFAYmJirrmHUEnNUStBTa3MP95 d',
    ''
  ].join('\n'))
})
