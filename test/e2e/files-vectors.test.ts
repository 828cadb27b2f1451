/**
 * MFS against Kubo: every scenario of test/vectors/mfs-scenarios.ts must print what Kubo v0.42.0 printed
 * (test/vectors/mfs.json): the same CIDs, listings, stat lines, bytes read, exit codes and, where a step
 * says so, the same error line. Each runs offline in a fresh repo; some run again through a daemon.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { makeInputs } from '../vectors/inputs.ts'
import { makeMany, playScenario, scenarios, type StepResult } from '../vectors/mfs-scenarios.ts'

const recorded = JSON.parse(await readFile(new URL('../vectors/mfs.json', import.meta.url), 'utf8')) as { scenarios: Record<string, StepResult[]> }

function differences (want: StepResult[], got: StepResult[]): string[] {
  const out: string[] = []
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as StepResult
    const g = got[i] as StepResult
    const label = `${w.args.join(' ')}`
    if (g.code !== w.code) out.push(`${label}: exit ${g.code}, Kubo ${w.code} (${g.stderr ?? ''})`)
    else if (g.stdout !== w.stdout) out.push(`${label}: printed ${JSON.stringify(g.stdout).slice(0, 300)}, Kubo ${JSON.stringify(w.stdout).slice(0, 300)}`)
    else if (w.stderr !== undefined && g.stderr !== w.stderr) out.push(`${label}: error ${JSON.stringify(g.stderr)}, Kubo ${JSON.stringify(w.stderr)}`)
  }
  return out
}

// the inputs are made once (the largest is 46 MB) and shared, read-only, by every scenario
const inputs = await mkdtemp(join(tmpdir(), 'tsipfs-mfs-inputs-'))
after(async () => { await rm(inputs, { recursive: true, force: true }) })
await makeInputs(inputs)
await makeMany(inputs)

const THROUGH_DAEMON = new Set(['cp, mv, rm, chcid', 'errors'])
const only = process.env.MFS_SCENARIO

for (const sc of scenarios) {
  if (only !== undefined && !sc.name.includes(only)) continue
  const modes = THROUGH_DAEMON.has(sc.name) ? ['offline', 'daemon'] : ['offline']
  for (const mode of modes) {
    test(`files (${mode}): ${sc.name}`, async (t) => {
      const h = await harness(t)
      if (mode === 'daemon') await startDaemon(t, h)
      const got = await playScenario(sc, async (args) => {
        const r = await h.run(args, { cwd: inputs })
        return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }
      })
      assert.deepEqual(differences(recorded.scenarios[sc.name] ?? [], got), [])
    })
  }
}
