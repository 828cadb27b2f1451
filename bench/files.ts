/**
 * bench/files: MFS writes and reads of large files, in one run, with the CLI offline on fresh repos:
 *   - `files write --create` and `files read` of a small and a large file: speed, and the peak memory of
 *     the process (should stay flat as the file grows: writes work in 2 MiB segments, reads a few leaves
 *     ahead). Peak RSS also counts the pages of LMDB's memory map a read touches (file pages, not held
 *     memory); peak anonymous memory is what the process holds.
 *   - next to `tsipfs add` of the same file (our own importer: the bare baseline)
 *   - next to Kubo's `ipfs files write`/`files read` (the reference, if scripts/setup-go-tools.sh installed it)
 * Each figure is the median of 3 runs, with `sync` before each. Options: --size <MiB> (default 256).
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomFile } from './lib/data.ts'
import { option } from './lib/options.ts'

const BIN = fileURLToPath(new URL('../bin/tsipfs.js', import.meta.url))
const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')

interface Run { ms: number, rssMB: number, anonMB: number }

/**
 * Run a command, sampling /proc/<pid>/status: peak RSS (VmHWM, which counts the LMDB store's memory map,
 * file pages the kernel can drop) and peak anonymous memory (RssAnon: what the process itself holds).
 */
async function measure (cmd: string[], repo: string): Promise<Run> {
  execFileSync('sync')
  const start = performance.now()
  const child = spawn(cmd[0] as string, cmd.slice(1), { env: { ...process.env, IPFS_PATH: repo }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr.on('data', (c: Buffer) => { err += c.toString() })
  let anonKB = 0
  let hwmKB = 0
  const sample = (): void => {
    try {
      const status = readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8')
      anonKB = Math.max(anonKB, Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0))
      hwmKB = Math.max(hwmKB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0))
    } catch { /* exited */ }
  }
  const timer = setInterval(sample, 10)
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  clearInterval(timer)
  const ms = performance.now() - start
  if (code !== 0) throw new Error(`${cmd.join(' ')}: ${err}`)
  return { ms, rssMB: hwmKB / 1024, anonMB: anonKB / 1024 }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

async function series (dir: string, label: string, bin: string[], initArgs: string[], steps: Array<{ name: string, args: string[] }>): Promise<Record<string, Run>> {
  const runs: Record<string, Run[]> = {}
  for (let i = 0; i < 3; i++) {
    const repo = join(dir, `${label}-${i}`)
    execFileSync(bin[0] as string, [...bin.slice(1), 'init', ...initArgs], { env: { ...process.env, IPFS_PATH: repo }, stdio: 'ignore' })
    for (const s of steps) (runs[s.name] ??= []).push(await measure([...bin, ...s.args], repo))
    await rm(repo, { recursive: true, force: true })
  }
  const out: Record<string, Run> = {}
  for (const [k, v] of Object.entries(runs)) out[k] = { ms: median(v.map(r => r.ms)), rssMB: median(v.map(r => r.rssMB)), anonMB: median(v.map(r => r.anonMB)) }
  return out
}

export async function main (args: string[]): Promise<void> {
  const big = option(args, 'size', 256)
  const small = Math.max(1, Math.floor(big / 4))
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-files-'))
  try {
    const rows: string[] = []
    for (const mib of [small, big]) {
      const file = join(dir, `data-${mib}.bin`)
      await randomFile(file, mib * 1024 * 1024)
      const mb = mib * 1024 * 1024 / 1e6
      const steps = [
        { name: 'write', args: ['files', 'write', '--create', '/f', file] },
        { name: 'read', args: ['files', 'read', '/f'] },
        { name: 'add', args: ['add', '-Q', '--pin=false', file] }
      ]
      const ours = await series(dir, `ts-${mib}`, [process.execPath, BIN], ['--profile=test'], steps)
      const kubo = existsSync(KUBO) ? await series(dir, `kubo-${mib}`, [KUBO], ['--profile=test'], steps.slice(0, 2)) : undefined
      const fmt = (r: Run | undefined): string => r === undefined ? 'n/a' : `${(mb / (r.ms / 1000)).toFixed(0)} MB/s, peak ${r.anonMB.toFixed(0)} MB anon / ${r.rssMB.toFixed(0)} MB RSS`
      rows.push(`${mib} MiB  files write: tsipfs ${fmt(ours.write)} | Kubo ${fmt(kubo?.write)}${kubo === undefined ? '' : ` | speed ratio ${((kubo.write as Run).ms / (ours.write as Run).ms).toFixed(2)}x`}`)
      rows.push(`${mib} MiB  files read:  tsipfs ${fmt(ours.read)} | Kubo ${fmt(kubo?.read)}${kubo === undefined ? '' : ` | speed ratio ${((kubo.read as Run).ms / (ours.read as Run).ms).toFixed(2)}x`}`)
      rows.push(`${mib} MiB  tsipfs add (baseline): ${fmt(ours.add)}; files write / add = ${((ours.add as Run).ms / (ours.write as Run).ms).toFixed(2)}x`)
    }
    console.log(`bench/files (median of 3; whole CLI processes, offline; ${existsSync(KUBO) ? 'Kubo from ' + KUBO : 'Kubo not installed'})`)
    for (const r of rows) console.log(r)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
