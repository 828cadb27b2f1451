/**
 * Kubo, the reference implementation, as a test peer: finds the binary that scripts/setup-go-tools.sh
 * installs, runs `ipfs` on temporary repos (test profile) and starts `ipfs daemon`, always stopping it.
 * A test that needs Kubo calls kubo(t) first: in CI (CI=true) a missing binary fails the test, elsewhere
 * the test is skipped with a note on how to install it.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { RunOptions, RunResult } from './cli.ts'

export const KUBO_BIN = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')

/** The Kubo binary, or undefined after marking the test skipped (outside CI) */
export function kuboBin (t: TestContext): string | undefined {
  if (existsSync(KUBO_BIN)) return KUBO_BIN
  const message = `Kubo is not installed at ${KUBO_BIN}; \`bash scripts/setup-go-tools.sh\` installs it`
  if (process.env.CI === 'true') throw new Error(message)
  t.skip(message)
  return undefined
}

export class Kubo {
  readonly bin: string
  readonly repo: string

  constructor (bin: string, repo: string) {
    this.bin = bin
    this.repo = repo
  }

  async run (args: string[], options: RunOptions = {}): Promise<RunResult> {
    const child = spawn(this.bin, args, { env: { ...process.env, ...options.env, IPFS_PATH: this.repo }, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.stdin.on('error', () => {})
    child.stdin.end(options.input)
    const code = await new Promise<number | null>(resolve => child.on('close', resolve))
    const stdoutBytes = Buffer.concat(out)
    return { code, stdout: stdoutBytes.toString(), stderr: Buffer.concat(err).toString(), stdoutBytes }
  }

  async ok (args: string[], options: RunOptions = {}): Promise<string> {
    const r = await this.run(args, options)
    if (r.code !== 0) throw new Error(`ipfs ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return r.stdout
  }
}

/** A Kubo repo (`ipfs init --profile=test`) in a temporary directory removed after the test, or undefined when skipped */
export async function kuboRepo (t: TestContext): Promise<Kubo | undefined> {
  const bin = kuboBin(t)
  if (bin === undefined) return undefined
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-kubo-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const k = new Kubo(bin, join(dir, 'repo'))
  await k.ok(['init', '--profile=test'])
  return k
}

export interface KuboDaemon {
  /** http://127.0.0.1:<port> of the RPC API */
  url: string
  output: () => string
}

/** Starts `ipfs daemon <args>` on the repo, waits until it is ready, and stops it when the test ends */
export async function startKuboDaemon (t: TestContext, k: Kubo, args: string[] = []): Promise<KuboDaemon> {
  const child = spawn(k.bin, ['daemon', ...args], { env: { ...process.env, IPFS_PATH: k.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
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
  const deadline = Date.now() + 60_000
  while (!out.includes('Daemon is ready')) {
    if (child.exitCode !== null) throw new Error(`ipfs daemon exited early: ${out}`)
    if (Date.now() > deadline) throw new Error(`ipfs daemon not ready: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  const api = (await readFile(join(k.repo, 'api'), 'utf8')).trim()
  const m = /\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(api)
  if (m === null) throw new Error(`bad api file: ${api}`)
  return { url: `http://${m[1] as string}:${m[2] as string}`, output: () => out }
}
