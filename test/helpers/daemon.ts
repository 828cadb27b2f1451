/**
 * Starts the real `tsipfs daemon` on a harness repo (test profile: port 0), waits for "Daemon is ready",
 * and always stops it when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { BIN, type Harness } from './cli.ts'

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
  const child = spawn(process.execPath, [BIN, 'daemon', ...args], { env: { ...process.env, ...env, IPFS_PATH: h.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
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
  const deadline = Date.now() + 30_000
  while (!out.includes('Daemon is ready')) {
    if (child.exitCode !== null) throw new Error(`daemon exited early: ${out}`)
    if (Date.now() > deadline) throw new Error(`daemon not ready: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const api = (await readFile(join(h.repo, 'api'), 'utf8')).trim()
  const m = /\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(api)
  if (m === null) throw new Error(`bad api file: ${api}`)
  return { process: child, api, url: `http://${m[1] as string}:${m[2] as string}`, output: () => out, exited }
}
