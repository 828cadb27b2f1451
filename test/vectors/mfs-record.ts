/**
 * Record what Kubo prints for the MFS scenarios: `node test/vectors/mfs-record.ts <ipfs binary>` writes
 * test/vectors/mfs.json. Each scenario runs in a fresh repo (`init --profile=test`), offline.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, writeFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeInputs } from './inputs.ts'
import { makeMany, playScenario, scenarios, type StepResult } from './mfs-scenarios.ts'

const bin = process.argv[2]
if (bin === undefined) throw new Error('usage: mfs-record.ts <ipfs binary>')

function run (cwd: string, repo: string, args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin as string, args, { cwd, env: { ...process.env, IPFS_PATH: repo } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

const dir = await mkdtemp(join(tmpdir(), 'mfs-record-'))
await makeInputs(dir)
await makeMany(dir)
const version = (await run(dir, join(dir, 'none'), ['version'])).stdout.trim()
const results: Record<string, StepResult[]> = {}
for (const sc of scenarios) {
  const repo = join(dir, `repo-${Object.keys(results).length}`)
  await run(dir, repo, ['init', '--profile=test'])
  results[sc.name] = await playScenario(sc, async (args) => await run(dir, repo, args))
  process.stderr.write(`${sc.name}: ${results[sc.name]?.length ?? 0} steps\n`)
}
await writeFile(new URL('./mfs.json', import.meta.url), JSON.stringify({ source: `${version}: test/vectors/mfs-record.ts`, scenarios: results }, null, 1) + '\n')
await rm(dir, { recursive: true, force: true })
