/**
 * bench/add: a large random file and a tree of small files, added with Kubo's default options by
 *   - tsipfs through the real CLI (`tsipfs add -r -Q` on a fresh repo: the whole command),
 *   - tsipfs through the core API in-process (no CLI start-up),
 *   - Helia's path: ipfs-unixfs-importer with the same options into blockstore-fs,
 *   - Kubo (`ipfs add -r -Q` on a fresh default-profile repo: flatfs, which Kubo 0.33+ creates with
 *     "sync": false: its blocks are left to the kernel to write back, where tsipfs syncs them),
 *     if scripts/setup-go-tools.sh installed it,
 * all in this run, each in its own process (peak memory is per process). Also the ceiling: SHA-256 of the
 * same bytes on one core, and the disk's: the same bytes written and synced (fdatasync) in 8 MiB pieces, as a store
 * that syncs its commits writes them (measured in each run, next to the adds: this disk's speed swings). Options: --size <MiB> (default 256), --files <n> (default 10000), --runs <n> (default 3;
 * the median time is shown, and the highest peak memory).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomFile, smallTree } from './lib/data.ts'
import { option } from './lib/options.ts'

const BIN = fileURLToPath(new URL('../bin/tsipfs.js', import.meta.url))
const WORKER = fileURLToPath(new URL('./lib/add-worker.ts', import.meta.url))
const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')

interface Result { ms: number, cid: string, maxRssMB: number }

function cli (dir: string, path: string): Result {
  const repo = join(dir, `cli-${Math.random().toString(36).slice(2)}`)
  execFileSync(process.execPath, [BIN, 'init', '--profile=test', '--empty-repo'], { env: { ...process.env, IPFS_PATH: repo }, stdio: 'ignore' })
  const start = performance.now()
  // /usr/bin/time -f %M reports the peak RSS of the whole command in KiB
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'add', '-r', '-Q', path], { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8' })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`tsipfs add failed: ${r.stderr}`)
  const rss = Number(r.stderr.trim().split('\n').pop())
  return { ms, cid: r.stdout.trim(), maxRssMB: rss / 1024 }
}

/** Kubo's whole `ipfs add` command on a fresh repo (default profile), like cli() */
function kubo (dir: string, path: string): Result {
  const repo = join(dir, `kubo-${Math.random().toString(36).slice(2)}`)
  execFileSync(KUBO, ['init', '--empty-repo'], { env: { ...process.env, IPFS_PATH: repo }, stdio: 'ignore' })
  const start = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', KUBO, 'add', '-r', '-Q', path], { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8' })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`ipfs add failed: ${r.stderr}`)
  return { ms, cid: r.stdout.trim(), maxRssMB: Number(r.stderr.trim().split('\n').pop()) / 1024 }
}

function worker (mode: 'tsipfs' | 'helia', dir: string, path: string): Result {
  const store = join(dir, `${mode}-${Math.random().toString(36).slice(2)}`)
  if (mode === 'tsipfs') execFileSync(process.execPath, [BIN, 'init', '--profile=test', '--empty-repo'], { env: { ...process.env, IPFS_PATH: store }, stdio: 'ignore' })
  const r = spawnSync(process.execPath, [WORKER, mode, store, path], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${mode} worker failed: ${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Result
}

async function sha256Rate (path: string): Promise<number> {
  const start = performance.now()
  const h = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    h.update(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  h.digest()
  return bytes / 1e6 / ((performance.now() - start) / 1000)
}

/**
 * The same bytes written to a new file and synced (fdatasync) every 8 MiB, each piece written while the one
 * before it syncs, as LMDB's overlapping sync commits an add's writes: about the time a store that syncs its
 * commits cannot beat on this disk. Helia's store and Kubo's flatfs (`"sync": false`) leave the writing to the
 * kernel, so for them the disk is no bound.
 */
async function diskSync (dir: string, path: string): Promise<Result> {
  const PIECE = 8 * 1024 * 1024
  const pieces = [Buffer.allocUnsafe(PIECE), Buffer.allocUnsafe(PIECE)]
  const src = await open(path, 'r')
  const out = join(dir, 'disk-ceiling')
  const start = performance.now()
  const dst = await open(out, 'w')
  try {
    let syncing: Promise<void> = Promise.resolve()
    for (let i = 0; ; i++) {
      const piece = pieces[i % 2] as Buffer
      const { bytesRead } = await src.read(piece, 0, PIECE, null)
      if (bytesRead === 0) break
      // the previous sync may still be running (a sync covers whatever the file holds when it starts)
      await dst.write(piece, 0, bytesRead)
      await syncing
      syncing = dst.datasync()
    }
    await syncing
  } finally {
    await dst.close()
    await src.close()
  }
  const ms = performance.now() - start
  await rm(out)
  return { ms, cid: '', maxRssMB: 0 }
}

/** The run with the median time; peak memory is the highest of all runs */
function median (results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.ms - b.ms)
  const mid = sorted[Math.floor(sorted.length / 2)] as Result
  return { ...mid, maxRssMB: Math.max(...results.map(r => r.maxRssMB)) }
}

function row (name: string, r: Result, amount: number, unit: string, base?: Result, ref?: Result): string {
  const rate = amount / (r.ms / 1000)
  const ratio = (b?: Result): string => b === undefined || b === r ? '' : `${(b.ms / r.ms).toFixed(2)}x`
  return `${name.padEnd(26)} ${(r.ms / 1000).toFixed(2).padStart(8)} s ${rate.toFixed(1).padStart(10)} ${unit} ${r.maxRssMB.toFixed(0).padStart(6)} MB  ${ratio(base).padStart(7)}  ${ratio(ref).padStart(7)}`
}

export async function main (args: string[]): Promise<void> {
  const sizeMiB = option(args, 'size', 256)
  const files = option(args, 'files', 10000)
  const repeat = option(args, 'runs', 3)
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-add-'))
  try {
    const big = join(dir, 'big.bin')
    await randomFile(big, sizeMiB * 1024 * 1024)
    const tree = join(dir, 'tree')
    const treeBytes = await smallTree(tree, files)
    const mb = sizeMiB * 1024 * 1024 / 1e6
    console.log(`bench/add: ${sizeMiB} MiB file, ${files} small files (${(treeBytes / 1e6).toFixed(1)} MB); Kubo defaults (CIDv0, size-262144, balanced 174, pinned)`)
    console.log(`ceiling: sha2-256 of the file on one core: ${(await sha256Rate(big)).toFixed(0)} MB/s`)
    const withKubo = existsSync(KUBO)
    console.log(withKubo ? `Kubo from ${KUBO}` : `Kubo not installed (${KUBO}): no Kubo column (bash scripts/setup-go-tools.sh installs it)`)
    console.log(`${''.padEnd(26)} ${'time'.padStart(10)} ${'rate'.padStart(15)} ${'peak RSS'.padStart(9)} ${'vs Helia'.padStart(8)} ${'vs Kubo'.padStart(8)}`)
    for (const [label, path, amount, unit] of [['file', big, mb, 'MB/s   '], ['tree', tree, files, 'files/s']] as const) {
      // interleaved runs, median of each: the disk here is noisy
      const runs: Record<'helia' | 'core' | 'cli' | 'kubo' | 'disk', Result[]> = { helia: [], core: [], cli: [], kubo: [], disk: [] }
      // each run starts with the page cache written back (`sync`), so no run pays for the previous one's writes
      const settle = (): void => { execFileSync('sync') }
      for (let i = 0; i < repeat; i++) {
        if (label === 'file') {
          settle()
          runs.disk.push(await diskSync(dir, path))
        }
        settle()
        runs.helia.push(worker('helia', dir, path))
        settle()
        runs.core.push(worker('tsipfs', dir, path))
        settle()
        runs.cli.push(cli(dir, path))
        if (withKubo) {
          settle()
          runs.kubo.push(kubo(dir, path))
        }
      }
      const helia = median(runs.helia)
      const core = median(runs.core)
      const viaCli = median(runs.cli)
      const ref = withKubo ? median(runs.kubo) : undefined
      if (helia.cid !== core.cid || core.cid !== viaCli.cid || (ref !== undefined && ref.cid !== core.cid)) {
        throw new Error(`CIDs differ: helia ${helia.cid}, tsipfs ${core.cid}, cli ${viaCli.cid}, kubo ${ref?.cid ?? '-'}`)
      }
      console.log(`-- ${label}: ${core.cid}`)
      console.log(row('helia (importer+fs)', helia, amount, unit, undefined, ref))
      console.log(row('tsipfs core API', core, amount, unit, helia, ref))
      console.log(row('tsipfs CLI (whole command)', viaCli, amount, unit, helia, ref))
      if (ref !== undefined) console.log(row('Kubo CLI (whole command)', ref, amount, unit, helia))
      if (label === 'file') {
        const disk = median(runs.disk)
        console.log(`${row('disk: write+sync, 8 MiB', disk, amount, unit, helia).slice(0, 48)}${''.padStart(10)}${`${(helia.ms / disk.ms).toFixed(2)}x`.padStart(7)}  (tsipfs core API: ${(100 * disk.ms / core.ms).toFixed(0)}% of it)`)
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
