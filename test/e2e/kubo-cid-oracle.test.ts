/**
 * The CID oracle: Kubo itself (`ipfs add`, on a test-profile repo) against `tsipfs add --only-hash`.
 * Every option set of the vector table (test/vectors/add.json) and random option sets from a fixed seed
 * each add one folder of randomized cases (test/vectors/oracle-cases.ts) with `add -r`, so one process per
 * implementation per group prints the CID of every file and directory; all must match, and an option set
 * one refuses the other must refuse with the same message.
 * Kubo runs a real add (--pin=false), not --only-hash: Kubo v0.42.0's --only-hash fails on a recursive add
 * with --mode/--mtime/--preserve-* and on `--trickle --inline` ("ipld: could not find <cid>", printing a
 * wrong CID with -Q), and makes another root than its real add for a HAMT with --max-hamt-fanout; the CIDs
 * it stores are the ones that count.
 * Directories at the HAMT threshold (exactly at it, and one byte over) are checked for option sets that give
 * other CIDs than the importer's own sha2-256 ones (--inline, other hashes), in both of Kubo's size
 * estimations (Import.UnixFSHAMTDirectorySizeEstimation "links" and "block"): tsipfs decides from the final
 * CIDs, as Kubo does (src/core/unixfs/tree.ts), counting subdirectories as Kubo does (ipfs-unixfs-importer's
 * own tree builder counted them as nothing).
 *
 * Subdirectories: Kubo v0.42.0 decides at every AddChild of its MFS directory, and links a subdirectory
 * twice, first empty (Mkdir) and then, when the directory is flushed, as it ends up, in Go map order (random);
 * a HAMT takes each such update as -(prefixed name + old CID) + (a nameless link), so a directory with enough
 * subdirectories over the threshold by less than about one link's name flips between flat and HAMT on its
 * last updates, and the same input gives either CID from run to run (measured: 21 subdirectories 13 bytes
 * over a 1000-byte threshold, 5 HAMT and 1 flat in 6 runs). tsipfs replays those decisions in directory order
 * (src/core/unixfs/tree.ts kuboShards), which gives one of Kubo's answers there and its only answer elsewhere;
 * the cases here are outside that window (exactly at the threshold, and 300 bytes over, more than a name).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, type Harness, type RunResult } from '../helpers/cli.ts'
import { kuboRepo, type Kubo } from '../helpers/kubo.ts'
import { nearThreshold, randomOptions, rng, writeCases } from '../vectors/oracle-cases.ts'

interface Vector { args: string[] }
const { vectors } = JSON.parse(await readFile(new URL('../vectors/add.json', import.meta.url), 'utf8')) as { vectors: Vector[] }
const INPUTS = new Set(['empty', 'small', 'r256k', 'r256k1', 'r300k', 'r1m', 'r5m', 'r175c', 'tree', 'withempty', 'bigdir'])
const SEED = 0x7051bf5
const MIN_CASES = 520
const RANDOM_GROUPS = 16

/** path -> CID from `added <cid> <path>` lines */
function added (r: RunResult): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of r.stdout.split('\n')) {
    const m = /^added (\S+) (.*)$/.exec(line)
    if (m !== null) out.set(m[2] as string, m[1] as string)
  }
  return out
}

test('tsipfs add --only-hash prints the CIDs Kubo prints, on 500+ randomized cases', async (t) => {
  // two workers, each with its own repos (an add holds its repo's lock)
  const kubos = [await kuboRepo(t), await kuboRepo(t)]
  if (kubos[0] === undefined || kubos[1] === undefined) return
  const first = await harness(t)
  const ours = [first, await harness(t)]
  const work = join(first.dir, 'oracle')
  const r = rng(SEED)
  // every option set of the vector table (inputs and -r dropped), then random ones
  const sets = new Map<string, string[]>()
  for (const v of vectors) {
    const args = v.args.filter(a => !INPUTS.has(a) && a !== '-r')
    sets.set(args.join(' '), args)
  }
  for (let i = 0; i < RANDOM_GROUPS; i++) {
    const args = randomOptions(r)
    sets.set(args.join(' '), args)
  }
  const groups = [...sets.values()]
  const perGroup = Math.ceil(MIN_CASES / groups.length)
  await writeCases(work, [], 0, 0, false)
  await writeFile(join(work, 'ignore-rules'), '*.log\n')
  let cases = 0
  let lines = 0
  const refused: string[] = []
  const failures: string[] = []
  const runGroup = async (i: number, args: string[], kubo: Kubo, h: Harness): Promise<void> => {
    const name = `g${i}`
    const written = await writeCases(join(work, name), args, SEED + i, perGroup, i % 18 === 4)
    cases += written
    const cmd = ['add', '-r', '--only-hash', ...args, name]
    const [k, o] = await Promise.all([kubo.run(['add', '-r', '--pin=false', ...args, name], { cwd: work }), h.run(cmd, { cwd: work })])
    if (k.code !== 0 || o.code !== 0) {
      // both refuse: with the same message
      const kErr = k.stderr.trim().split('\n')[0] ?? ''
      const oErr = o.stderr.trim().split('\n')[0] ?? ''
      if (k.code !== 0 && o.code !== 0 && kErr === oErr) refused.push(`${args.join(' ')}: ${kErr}`)
      else failures.push(`add ${cmd.slice(1).join(' ')}: Kubo exit ${k.code} ${kErr}; tsipfs exit ${o.code} ${oErr}`)
      return
    }
    const want = added(k)
    const got = added(o)
    lines += want.size
    const wrong = [...want].filter(([path, cid]) => got.get(path) !== cid).map(([path, cid]) => `${path}: Kubo ${cid}, tsipfs ${got.get(path) ?? 'nothing'}`)
    const extra = [...got.keys()].filter(path => !want.has(path)).map(path => `${path}: only tsipfs printed it`)
    if (wrong.length + extra.length > 0) failures.push(`add ${cmd.slice(1).join(' ')}:\n  ${[...wrong, ...extra].slice(0, 8).join('\n  ')}`)
  }
  // two groups at a time: most of a group's time is process start-up
  const queue = [...groups.entries()]
  await Promise.all([0, 1].map(async (w) => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await runGroup(next[0], next[1], kubos[w] as Kubo, ours[w] as Harness)
  }))
  t.diagnostic(`${groups.length} option sets, ${cases} cases, ${lines} CIDs compared; refused by both with the same error: ${refused.join('; ')}`)
  assert.deepEqual(failures, [])
  assert.ok(cases >= 500, `only ${cases} cases`)
  assert.ok(refused.length <= 3, 'the generator should make option sets Kubo accepts')
})

test('a directory at the HAMT threshold is sharded as Kubo shards it, with --inline and other hashes, of symlinks or subdirectories, in both size estimations', async (t) => {
  const kubo = await kuboRepo(t)
  if (kubo === undefined) return
  const h = await harness(t)
  const sets: string[][] = [[], ['--inline', '--cid-version=1'], ['--inline'], ['--hash=sha2-512'], ['--hash=blake2b-256', '--inline', '--inline-limit=16'], ['--hash=blake3']]
  // subdirectories count as Kubo counts them (ipfs-unixfs-importer's tree builder counted them as nothing)
  const subdirSets: string[][] = [[], ['--hash=sha2-512', '--inline']]
  const failures: string[] = []
  let sharded = 0
  for (const estimation of ['links', 'block'] as const) {
    await kubo.ok(['config', 'Import.UnixFSHAMTDirectorySizeEstimation', estimation])
    await h.ok(['config', 'Import.UnixFSHAMTDirectorySizeEstimation', estimation])
    const all = [...sets.map(args => ({ args, kind: 'symlink' as const })), ...subdirSets.map(args => ({ args, kind: 'subdir' as const }))]
    for (const [i, { args, kind }] of all.entries()) {
      const name = `${estimation}${i}`
      // subdirectories: up to about a name (~218 bytes here) over the threshold, Kubo v0.42.0 makes this
      // directory flat or a HAMT from run to run (see the top of this file), so 300 bytes over
      const overs = kind === 'symlink' ? [0, 1] : [0, 300]
      for (const [j, over] of overs.entries()) await nearThreshold(join(h.dir, name, `over${j}`), args, estimation, over, kind)
      const [k, o]: [RunResult, RunResult] = await Promise.all([kubo.run(['add', '-r', '--pin=false', ...args, name], { cwd: h.dir }), h.run(['add', '-r', '--only-hash', ...args, name], { cwd: h.dir })])
      assert.equal(k.code, 0, k.stderr)
      assert.equal(o.code, 0, o.stderr)
      const want = added(k)
      const got = added(o)
      for (const dir of [`${name}/over0`, `${name}/over1`]) {
        if (got.get(dir) !== want.get(dir)) failures.push(`${estimation} ${args.join(' ')} ${dir}: Kubo ${want.get(dir)}, tsipfs ${got.get(dir)}`)
      }
      // the one byte over is a HAMT (its root holds the bitfield), the other is not
      const over1 = await kubo.ok(['dag', 'get', want.get(`${name}/over1`) as string])
      const over0 = await kubo.ok(['dag', 'get', want.get(`${name}/over0`) as string])
      if (over1.length < over0.length / 2) sharded++
    }
  }
  assert.deepEqual(failures, [])
  assert.equal(sharded, 2 * (sets.length + subdirSets.length), 'each directory one byte over the threshold is a HAMT in Kubo')
})

test('subdirectories over the HAMT threshold by less than a name keep a directory flat where Kubo keeps it flat', async (t) => {
  const kubo = await kuboRepo(t)
  if (kubo === undefined) return
  const h = await harness(t)
  // 4000-byte threshold, "links" estimation: subdirectory links of 50 name bytes + 34 CID bytes. Every name
  // the same length makes Kubo's answer independent of its map order (tree.ts kuboShards): 48 of them are
  // 32 bytes over and flat (the HAMT's updates take it back to flat on the last one), 49 are 116 bytes over
  // (more than a name plus its 2-character HAMT prefix) and a HAMT.
  for (const r of [kubo, h]) await r.ok(['config', 'Import.UnixFSHAMTDirectorySizeThreshold', '4000B'])
  for (const count of [48, 49]) {
    for (let i = 0; i < count; i++) {
      const sub = join(h.dir, 'subs', `n${count}`, `${String(i).padStart(3, '0')}-${'h'.repeat(46)}`)
      await mkdir(sub, { recursive: true })
      await writeFile(join(sub, 'f'.repeat(20)), `${i}\n`)
    }
  }
  const [k, o]: [RunResult, RunResult] = await Promise.all([kubo.run(['add', '-r', '--pin=false', 'subs'], { cwd: h.dir }), h.run(['add', '-r', '--only-hash', 'subs'], { cwd: h.dir })])
  assert.equal(k.code, 0, k.stderr)
  assert.equal(o.code, 0, o.stderr)
  const want = added(k)
  const got = added(o)
  for (const dir of ['subs/n48', 'subs/n49']) assert.equal(got.get(dir), want.get(dir), dir)
  // UnixFS Data: Type Directory (08 01) for the flat one, HAMTShard (08 05) for the other
  const data = async (cid: string): Promise<string> => (JSON.parse(await kubo.ok(['dag', 'get', cid])) as { Data: { '/': { bytes: string } } }).Data['/'].bytes
  assert.equal(await data(want.get('subs/n48') as string), 'CAE')
  assert.match(await data(want.get('subs/n49') as string), /^CAU/)
})
