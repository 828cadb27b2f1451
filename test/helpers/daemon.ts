/**
 * Starts the real `tsipfs daemon` on a harness repo (test profile: port 0), waits for "Daemon is ready",
 * and always stops it when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { BIN, type Harness } from './cli.ts'
import { tcpAddress } from '../../src/daemon/address.ts'

export interface Daemon {
  process: ChildProcess
  /** the API multiaddr written to $IPFS_PATH/api */
  api: string
  /** http://127.0.0.1:<port> */
  url: string
  output: () => string
  exited: Promise<number | null>
}

export async function startDaemon (t: TestContext, h: Harness, args: string[] = [], env: Record<string, string> = {}): Promise<Daemon> {
  return await startReady(t, { command: process.execPath, argv: [BIN, 'daemon', ...args], repo: h.repo, env, name: 'daemon', timeoutMs: 30_000 })
}

export interface ReadyOptions {
  command: string
  argv: string[]
  /** $IPFS_PATH: where the api file appears */
  repo: string
  env?: Record<string, string>
  /** in errors: what did not start */
  name: string
  timeoutMs: number
}

/**
 * Spawns a daemon (tsipfs's, or Kubo's in kubo.ts), waits for "Daemon is ready", reads its api file, and
 * stops it (SIGTERM, SIGKILL after 10 s) when the test ends
 */
export async function startReady (t: TestContext, o: ReadyOptions): Promise<Daemon> {
  const child = spawn(o.command, o.argv, { env: { ...process.env, ...o.env, IPFS_PATH: o.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>(resolve => child.on('close', resolve))
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  })
  const deadline = Date.now() + o.timeoutMs
  while (!out.includes('Daemon is ready')) {
    if (child.exitCode !== null) throw new Error(`${o.name} exited early: ${out}`)
    if (Date.now() > deadline) throw new Error(`${o.name} not ready: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const api = (await readFile(join(o.repo, 'api'), 'utf8')).trim()
  const { host, port } = tcpAddress(api)
  return { process: child, api, url: `http://${host}:${port}`, output: () => out, exited }
}

const LISTENING = 'Swarm listening on '

/** The swarm addresses a started daemon printed (`Swarm listening on …`), each ending in /p2p/<id> */
export function swarmAddrs (d: Pick<Daemon, 'output'>): string[] {
  return d.output().split('\n').filter(l => l.startsWith(LISTENING)).map(l => l.slice(LISTENING.length).trim())
}

/** The first swarm address a started daemon printed; fails the test when it printed none */
export function swarmAddr (d: Pick<Daemon, 'output'>): string {
  const addr = swarmAddrs(d)[0]
  if (addr === undefined) throw new Error(`the daemon printed no swarm address: ${d.output()}`)
  return addr
}
