/**
 * The processes of a benchmark: tsipfs daemons on temporary repos, the CLI and the RPC API run against
 * them, other children (Helia, libp2p scripts), and stopping all of them however the run ends.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tcpAddress } from '../../src/daemon/address.ts'

export const BIN = fileURLToPath(new URL('../../bin/tsipfs.js', import.meta.url))
/** The children's scripts import packages from this repo's node_modules: they run with the repo as cwd */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BITSWAP = '/ipfs/bitswap/1.2.0'
/**
 * Pin `cid` through the RPC API of the daemon on `repo` (tsipfs or Kubo: both write the API's multiaddr to
 * `$repo/api`), as kubo-rpc-client does; resolves with the response body
 */
export async function rpcPin (repo: string, cid: string, timeoutMs: number): Promise<string> {
  const { host, port } = tcpAddress((await readFile(join(repo, 'api'), 'utf8')).trim())
  const res = await fetch(`http://${host}:${port}/api/v0/pin/add?arg=${cid}&progress=false`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) })
  const body = (await res.text()).trim()
  if (!res.ok) throw new Error(`pin/add ${cid}: HTTP ${res.status} ${body}`)
  return body
}

export interface Proc { name: string, child: ChildProcess, out: string, closed: Promise<void>, repo?: string }
export const procs: Proc[] = []

export function launch (name: string, cmd: string, args: string[], env: Record<string, string>, repo?: string): Proc {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const p: Proc = { name, child, out: '', closed: new Promise(resolve => child.once('close', () => { resolve() })), repo }
  const append = (c: Buffer): void => { p.out = (p.out + c.toString()).slice(-20_000) }
  child.stdout?.on('data', append)
  child.stderr?.on('data', append)
  procs.push(p)
  return p
}

export const alive = (p: Proc): boolean => p.child.exitCode === null && p.child.signalCode === null
export const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Wait until the output of `p` matches `re`; throws if it exits first or `ms` pass */
export async function waitFor (p: Proc, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const m = re.exec(p.out)
    if (m !== null) return m
    if (!alive(p)) throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) before ${String(re)}: ${p.out.slice(-2000)}`)
    if (Date.now() > deadline) throw new Error(`${p.name}: no ${String(re)} within ${(ms / 1000).toFixed(0)} s: ${p.out.slice(-2000)}`)
    await sleep(20)
  }
}

/** Run the tsipfs CLI on `repo`; its stdout, trimmed */
export async function tsipfs (repo: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) { resolve(stdout.trim()); return }
      const timedOut = (err as { killed?: boolean }).killed === true
      reject(new Error(`tsipfs ${args.join(' ')}: ${timedOut ? `did not finish within ${(timeoutMs / 1000).toFixed(0)} s` : err.message} ${stderr.trim()}`.trim()))
    })
  })
}

export async function stop (p: Proc): Promise<void> {
  if (!alive(p)) return
  if (p.repo !== undefined) {
    // a daemon: ask it to shut down cleanly first
    await tsipfs(p.repo, ['shutdown'], 10_000).catch(() => {})
    await Promise.race([p.closed, sleep(10_000)])
  } else {
    p.child.kill('SIGTERM')
    await Promise.race([p.closed, sleep(5_000)])
  }
  if (alive(p)) {
    p.child.kill('SIGKILL')
    await p.closed
  }
}

export async function stopAll (): Promise<void> {
  await Promise.all(procs.map(stop))
}

export interface Daemon { name: string, repo: string, proc: Proc, addr: string }

/**
 * init a test-profile repo, add the file offline, start the daemon; returns it with its swarm address.
 * `swarm` replaces the profile's listen address (/ip4/127.0.0.1/tcp/0).
 */
export async function provider (name: string, repo: string, file: string | undefined, swarm?: string): Promise<{ daemon: Daemon, cid?: string }> {
  await tsipfs(repo, ['init', '--profile=test'])
  if (swarm !== undefined) await tsipfs(repo, ['config', '--json', 'Addresses.Swarm', JSON.stringify([swarm])])
  const cid = file === undefined ? undefined : await tsipfs(repo, ['add', '-Q', '--cid-version=1', file], 600_000)
  const proc = launch(name, process.execPath, [BIN, 'daemon'], { IPFS_PATH: repo }, repo)
  await waitFor(proc, /Daemon is ready/, 60_000)
  const m = /^Swarm listening on (\S+)/m.exec(proc.out)
  if (m === null) throw new Error(`${name}: no "Swarm listening on" line: ${proc.out}`)
  return { daemon: { name, repo, proc, addr: m[1] as string }, cid }
}

export async function json<T> (d: Daemon, args: string[]): Promise<T> {
  return JSON.parse(await tsipfs(d.repo, [...args, '--enc=json'])) as T
}

export interface BitswapStat { BlocksReceived: number, DataReceived: number, DupBlksReceived: number | null, DupDataReceived: number | null, BlocksSent: number, DataSent: number, Peers: string[] }
export interface Fetch { ms: number, blocks?: number, data?: number, dupBlocks?: number, dupData?: number, wireIn?: number, sent?: number[], connected?: number }

/** `fetcher` connects to every provider and pins `cid`: the pin add is timed; then the counters */
export async function pinFetch (fetcher: Daemon, providers: Daemon[], cid: string, timeoutMs: number): Promise<Fetch> {
  for (const p of providers) await tsipfs(fetcher.repo, ['swarm', 'connect', p.addr])
  const start = performance.now()
  const out = await rpcPin(fetcher.repo, cid, timeoutMs).catch(async (err: unknown) => {
    // what Bitswap was doing when it failed: the fetcher's wantlist and counters, what each provider sent
    const got = await json<BitswapStat & { Wantlist: unknown[] }>(fetcher, ['bitswap', 'stat']).catch(() => undefined)
    const sent = await Promise.all(providers.map(async p => (await json<BitswapStat>(p, ['bitswap', 'stat']).catch(() => undefined))?.BlocksSent))
    const state = got === undefined ? '' : `; the fetcher had received ${got.BlocksReceived} blocks, wanted ${got.Wantlist.length}, was connected to ${got.Peers.length} peers; blocks sent by each provider: ${sent.join(' / ')}`
    throw new Error(`${(err as Error).message}${state}`)
  })
  const ms = performance.now() - start
  if (out !== JSON.stringify({ Pins: [cid] })) throw new Error(`pin/add answered ${JSON.stringify(out)}`)
  const stat = await json<BitswapStat>(fetcher, ['bitswap', 'stat'])
  const bw = await json<{ TotalIn: number }>(fetcher, ['stats', 'bw', '--proto', BITSWAP])
  const sent: number[] = []
  for (const p of providers) sent.push((await json<BitswapStat>(p, ['bitswap', 'stat'])).BlocksSent)
  const connected = providers.filter(p => stat.Peers.some(id => p.addr.endsWith(`/p2p/${id}`))).length
  return { ms, blocks: stat.BlocksReceived, data: stat.DataReceived, dupBlocks: stat.DupBlksReceived ?? undefined, dupData: stat.DupDataReceived ?? undefined, wireIn: bw.TotalIn, sent, connected }
}
