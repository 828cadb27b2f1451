/**
 * bench/gateway: the HTTP gateway of `tsipfs daemon` under load (autocannon, keep-alive, 64 connections),
 * in one run, on three URLs: a 1 KiB file, a 1 MiB file (both /ipfs/<cid>) and the HTML listing of a
 * directory of 100 small files without index.html (/ipfs/<cid>/). Next to:
 *   - a bare baseline: node:http in a child process serving the same bytes from memory on the same paths,
 *     with the gateway's Content-Type and a Content-Length (the listing is the HTML the gateway returned)
 *   - Kubo's gateway (`ipfs daemon --offline`, the reference, if scripts/setup-go-tools.sh installed it)
 * Each server is a process of its own; the load comes from this process, after a 2 s warm-up per URL.
 * Prints req/s (mean), MB/s (mean, headers included), p50/p99 latency and the ratio to the baseline.
 * The files are hex text: autocannon decodes each body into a string, which caps random bytes at ~70 MB/s.
 * Targets: 1 KiB gateway req/s >= 50% of the baseline; 1 MiB gateway MB/s >= the baseline's; listing:
 * ratio only; p99 latency < 50 ms on every gateway URL. Any non-2xx, error or timeout fails the run.
 * Options: --duration <s> (10), --connections <n> (64).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
// @ts-expect-error autocannon 9 ships no type declarations; the shape used here is typed below
import untypedAutocannon from 'autocannon'
import { keystream } from './lib/data.ts'
import { option } from './lib/options.ts'

const BIN = fileURLToPath(new URL('../bin/tsipfs.js', import.meta.url))
const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')
const WARMUP_S = 2

interface Histogram { mean: number, p50: number, p99: number }
interface CannonResult { requests: Histogram, throughput: Histogram, latency: Histogram, non2xx: number, errors: number, timeouts: number, statusCodeStats: Record<string, { count: number }> }
const autocannon = untypedAutocannon as (opts: { url: string, connections: number, duration: number }) => Promise<CannonResult>

/** The bare baseline: routes from $ROUTES ([{ path, file, type }]), bodies read into memory once */
const BASELINE = `
const http = require('node:http'), fs = require('node:fs')
const routes = new Map(JSON.parse(process.env.ROUTES).map(r => [r.path, { body: fs.readFileSync(r.file), type: r.type }]))
const server = http.createServer((req, res) => {
  const r = routes.get(req.url)
  if (r === undefined) { res.writeHead(404).end(); return }
  res.writeHead(200, { 'Content-Type': r.type, 'Content-Length': r.body.length }).end(r.body)
})
server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port))
`

const children: Array<{ child: ChildProcess, name: string, log: { tail: string } }> = []

/** Throw if a server process has exited, with the tail of its output */
function checkAlive (): void {
  for (const c of children) {
    if (c.child.exitCode !== null || c.child.signalCode !== null) throw new Error(`${c.name} exited (${c.child.exitCode ?? c.child.signalCode}): ${c.log.tail}`)
  }
}

/** Spawn a server process and wait until its stdout says `ready`; returns all stdout so far */
async function launch (name: string, cmd: string, args: string[], env: Record<string, string>, ready: string): Promise<string> {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const log = { tail: '' }
  children.push({ child, name, log })
  let out = ''
  child.stderr.on('data', (c: Buffer) => { log.tail = (log.tail + c.toString()).slice(-4000) })
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      log.tail = (log.tail + c.toString()).slice(-4000)
      if (out.includes(ready)) resolve()
    })
    child.once('close', (code) => { reject(new Error(`${cmd} ${args.join(' ')} exited (${code}) before "${ready}": ${log.tail}`)) })
  })
  return out
}

async function killAll (): Promise<void> {
  await Promise.all(children.map(async ({ child }) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const closed = new Promise(resolve => child.once('close', resolve))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await closed
    clearTimeout(timer)
  }))
}

async function freePort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise(resolve => srv.close(resolve))
  return port
}

interface Inputs { small: string, large: string, dir: string }
interface Target { name: string, base: string, paths: string[] }

/** init a repo, add the inputs with --cid-version=1, start the daemon; returns the gateway URL and paths */
async function startNode (name: 'tsipfs' | 'Kubo', repo: string, inputs: Inputs): Promise<Target> {
  const bin = name === 'Kubo' ? [KUBO] : [process.execPath, BIN]
  const env = { IPFS_PATH: repo }
  const cli = (...args: string[]): string => execFileSync(bin[0] as string, [...bin.slice(1), ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  cli('init', '--profile=test')
  const port = name === 'Kubo' ? await freePort() : 0
  if (cli('config', 'Addresses.Gateway') !== `/ip4/127.0.0.1/tcp/${port}`) cli('config', 'Addresses.Gateway', `/ip4/127.0.0.1/tcp/${port}`)
  if (name === 'tsipfs') cli('config', '--json', 'Gateway.MaxConcurrentRequestsPerClient', '1024')
  const cids = [cli('add', '-Q', '--cid-version=1', inputs.small), cli('add', '-Q', '--cid-version=1', inputs.large), cli('add', '-Q', '--cid-version=1', '-r', inputs.dir)]
  await launch(`${name} daemon`, bin[0] as string, [...bin.slice(1), 'daemon', ...(name === 'Kubo' ? ['--offline'] : [])], env, 'Daemon is ready')
  const base = name === 'Kubo' ? `http://127.0.0.1:${port}` : (await readFile(join(repo, 'gateway'), 'utf8')).trim()
  return { name, base, paths: cids.map((c, i) => `/ipfs/${c}${i === 2 ? '/' : ''}`) }
}

async function fetchOnce (url: string): Promise<{ body: Buffer, type: string }> {
  const res = await fetch(url, { redirect: 'manual' })
  const body = Buffer.from(await res.arrayBuffer())
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.toString().slice(0, 200)}`)
  return { body, type: res.headers.get('content-type') ?? 'application/octet-stream' }
}

interface Row { rps: number, mbps: number, p50: number, p99: number }

async function load (url: string, seconds: number, connections: number, failures: string[]): Promise<Row> {
  for (const duration of [Math.min(WARMUP_S, seconds), seconds]) {
    const r = await autocannon({ url, connections, duration })
    checkAlive()
    const bad = r.non2xx + r.errors + r.timeouts
    if (bad > 0 || r.requests.mean === 0) {
      const codes = Object.entries(r.statusCodeStats).map(([code, s]) => `${code}: ${s.count}`).join(', ')
      failures.push(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts (status ${codes})`)
    }
    if (duration === seconds) return { rps: r.requests.mean, mbps: r.throughput.mean / 1e6, p50: r.latency.p50, p99: r.latency.p99 }
  }
  throw new Error('unreachable')
}

export async function main (args: string[]): Promise<void> {
  const seconds = option(args, 'duration', 10)
  const connections = option(args, 'connections', 64)
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-gateway-'))
  const onSignal = (): void => { void killAll().finally(() => rm(dir, { recursive: true, force: true })).finally(() => process.exit(130)) }
  process.once('SIGINT', onSignal)
  try {
    const inputs: Inputs = { small: join(dir, 'small.bin'), large: join(dir, 'large.bin'), dir: join(dir, 'listing') }
    // ASCII (hex) content: autocannon appends every response body to a string, ~70 MB/s for random bytes
    const smallBytes = Buffer.from(keystream('gateway-1k', 512).toString('hex'))
    const largeBytes = Buffer.from(keystream('gateway-1m', 512 * 1024).toString('hex'))
    await writeFile(inputs.small, smallBytes)
    await writeFile(inputs.large, largeBytes)
    await mkdir(inputs.dir)
    for (let i = 0; i < 100; i++) await writeFile(join(inputs.dir, `file-${String(i).padStart(3, '0')}.txt`), keystream(`gateway-f${i}`, 64 + i * 8).toString('hex'))

    const ours = await startNode('tsipfs', join(dir, 'repo-tsipfs'), inputs)
    const kubo = existsSync(KUBO) ? await startNode('Kubo', join(dir, 'repo-kubo'), inputs) : undefined
    if (kubo !== undefined && kubo.paths.join() !== ours.paths.join()) console.log(`note: Kubo made other CIDs: ${kubo.paths.join(' ')} vs ${ours.paths.join(' ')}`)

    // what the gateway returns, checked, and served again from memory by the baseline
    const routes: Array<{ path: string, file: string, type: string }> = []
    for (const [i, path] of ours.paths.entries()) {
      const { body, type } = await fetchOnce(ours.base + path)
      const want = [smallBytes, largeBytes][i]
      if (want !== undefined && !body.equals(want)) throw new Error(`${path}: the gateway returned other bytes (${body.length})`)
      if (i === 2 && !body.toString().includes('file-099.txt')) throw new Error(`${path}: not a listing: ${body.toString().slice(0, 200)}`)
      const file = join(dir, `body-${i}`)
      await writeFile(file, body)
      routes.push({ path, file, type })
    }
    if (kubo !== undefined) for (const path of kubo.paths) await fetchOnce(kubo.base + path)
    const out = await launch('baseline', process.execPath, ['-e', BASELINE], { ROUTES: JSON.stringify(routes) }, 'listening on ')
    const baseline: Target = { name: 'baseline', base: `http://127.0.0.1:${(/listening on (\d+)/.exec(out) as RegExpExecArray)[1] as string}`, paths: ours.paths }
    for (const path of baseline.paths) await fetchOnce(baseline.base + path)

    const cases = ['1 KiB file', '1 MiB file', 'dir listing']
    const targets = [baseline, ours, ...(kubo === undefined ? [] : [kubo])]
    const failures: string[] = []
    const rows: Row[][] = cases.map(() => [])
    for (const [i] of cases.entries()) {
      for (const t of targets) (rows[i] as Row[]).push(await load(t.base + (t.paths[i] as string), seconds, connections, failures))
    }

    console.log(`bench/gateway: ${connections} connections, ${seconds} s per URL after ${Math.min(WARMUP_S, seconds)} s warm-up; ${kubo === undefined ? `Kubo not installed (${KUBO}), no reference column` : `Kubo from ${KUBO}`}`)
    console.log(`listing: ${routes[2]?.file === undefined ? '?' : (await readFile(routes[2].file)).length} bytes of HTML from tsipfs`)
    const head = ['case', 'server', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'req/s ratio', 'MB/s ratio']
    const table: string[][] = [head]
    for (const [i, name] of cases.entries()) {
      const rs = rows[i] as Row[]
      const b = rs[0] as Row
      for (const [j, r] of rs.entries()) {
        table.push([j === 0 ? name : '', (targets[j] as Target).name, r.rps.toFixed(0), r.mbps.toFixed(1), String(r.p50), String(r.p99),
          j === 0 ? '' : `${(r.rps / b.rps).toFixed(2)}x`, j === 0 ? '' : `${(r.mbps / b.mbps).toFixed(2)}x`])
      }
    }
    const widths = head.map((_, c) => Math.max(...table.map(row => (row[c] as string).length)))
    for (const row of table) console.log(row.map((cell, c) => c < 2 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)).join('  '))

    const gw = (i: number): Row => (rows[i] as Row[])[1] as Row
    const base = (i: number): Row => (rows[i] as Row[])[0] as Row
    const verdict = (ok: boolean): string => ok ? 'PASS' : 'FAIL'
    console.log('targets (tsipfs gateway vs the baseline):')
    console.log(`  1 KiB req/s >= 50% of the baseline:  ${(gw(0).rps / base(0).rps * 100).toFixed(0)}%  ${verdict(gw(0).rps >= 0.5 * base(0).rps)}`)
    console.log(`  1 MiB MB/s >= the baseline's:        ${(gw(1).mbps / base(1).mbps).toFixed(2)}x  ${verdict(gw(1).mbps >= base(1).mbps)}`)
    console.log(`  listing req/s ratio:                 ${(gw(2).rps / base(2).rps).toFixed(2)}x  (no target)`)
    for (const [i, name] of cases.entries()) console.log(`  p99 < 50 ms, ${name.padEnd(11)}:       ${gw(i).p99} ms  ${verdict(gw(i).p99 < 50)}`)
    if (failures.length > 0) throw new Error(`responses other than 200:\n  ${failures.join('\n  ')}`)
  } finally {
    process.removeListener('SIGINT', onSignal)
    await killAll()
    await rm(dir, { recursive: true, force: true })
  }
}
