/**
 * The e2e harness: runs the real `tsipfs` binary (bin/tsipfs.js under this Node) against temporary repos.
 * Every repo made here is removed when the test ends.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestContext } from 'node:test'

export const BIN = fileURLToPath(new URL('../../bin/tsipfs.js', import.meta.url))

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  stdoutBytes: Buffer
}

export interface RunOptions {
  input?: string | Uint8Array
  env?: Record<string, string>
  cwd?: string
}

export class Harness {
  readonly repo: string
  readonly dir: string

  constructor (dir: string) {
    this.dir = dir
    this.repo = join(dir, 'repo')
  }

  /** Run `tsipfs ...args` with IPFS_PATH set to this harness's repo */
  async run (args: string[], options: RunOptions = {}): Promise<RunResult> {
    return await runBin(args, { ...options, env: { IPFS_PATH: this.repo, ...options.env } })
  }

  /** Run and fail the test unless it exits 0 */
  async ok (args: string[], options: RunOptions = {}): Promise<string> {
    const r = await this.run(args, options)
    if (r.code !== 0) throw new Error(`tsipfs ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
    return r.stdout
  }
}

export async function runBin (args: string[], options: RunOptions = {}): Promise<RunResult> {
  return await runProcess(process.execPath, [BIN, ...args], options)
}

/** Runs a program to its end (input on stdin, output collected): the tsipfs binary here, Kubo's in kubo.ts */
export async function runProcess (command: string, argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawn(command, argv, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe']
  })
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

/** A temporary directory with an (optionally initialised) repo, removed after the test */
export async function harness (t: TestContext, options: { init?: boolean, profiles?: string } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-e2e-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const h = new Harness(dir)
  if (options.init !== false) await h.ok(['init', `--profile=${options.profiles ?? 'test'}`])
  return h
}
