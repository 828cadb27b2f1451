/**
 * Kubo, the reference implementation, as a test peer: finds the binary that scripts/setup-go-tools.sh
 * installs, runs `ipfs` on temporary repos (test profile) and starts `ipfs daemon`, always stopping it.
 * A test that needs Kubo calls kubo(t) first: in CI (CI=true) a missing binary fails the test, elsewhere
 * the test is skipped with a note on how to install it.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { runProcess, type RunOptions, type RunResult } from './cli.ts'
import { startReady } from './daemon.ts'

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
    return await runProcess(this.bin, args, { ...options, env: { ...options.env, IPFS_PATH: this.repo } })
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
  /** the exit code, once it has stopped */
  exited: Promise<number | null>
}

/** Starts `ipfs daemon <args>` on the repo, waits until it is ready, and stops it when the test ends */
export async function startKuboDaemon (t: TestContext, k: Kubo, args: string[] = []): Promise<KuboDaemon> {
  const d = await startReady(t, { command: k.bin, argv: ['daemon', ...args], repo: k.repo, name: 'ipfs daemon', timeoutMs: 60_000 })
  return { url: d.url, output: d.output, exited: d.exited }
}
