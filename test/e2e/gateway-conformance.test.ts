/**
 * The gateway measured against Kubo v0.42.0, both offline with the gateway conformance fixtures loaded the
 * way Kubo's CI loads them (test/helpers/conformance.ts):
 * - the official gateway-conformance suite (ipfs/gateway-conformance v0.13.2, installed by
 *   scripts/setup-go-tools.sh) runs against both; every test that passes against Kubo must pass against
 *   tsipfs, except the expected failures listed with their reasons in gateway-conformance.expected.ts;
 * - a differential test sends the same ~540 requests (every fixture in every format, IPNS and DNSLink names,
 *   subdomain and DNSLink hosts, ranges, conditional requests, CAR parameters, _redirects) to both and
 *   compares status, the spec-defined headers and the body; a difference fails unless it is listed there.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { conformanceBin, startKuboConformance, startTsipfsConformance } from '../helpers/conformance.ts'
import { corpus } from '../helpers/gateway-corpus.ts'
import { describe, differences, send } from '../helpers/gateway-diff.ts'
import { EXPECTED_DIFFERENCES, EXPECTED_FAILURES } from './gateway-conformance.expected.ts'

/** Kubo's CI skips this one test (a chunked CAR has no Content-Length); so do we */
const SKIP = 'TestGatewayCar/GET_response_for_application/vnd.ipld.car/Header_Content-Length'

interface Outcome { pass: Set<string>, fail: Set<string> }

/** Run `gateway-conformance test` against a gateway; the final outcome of every test from its JSON report */
async function runSuite (bin: string, gateway: string, dir: string, label: string): Promise<Outcome> {
  const json = join(dir, `${label}.json`)
  const port = new URL(gateway).port
  const args = ['test', '--gateway-url', gateway, '--subdomain-url', `http://localhost:${port}`, '--json-output', json, '--', '-skip', SKIP]
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000) })
  await new Promise<void>(resolve => child.on('close', () => resolve()))
  let text: string
  try {
    text = await readFile(json, 'utf8')
  } catch {
    throw new Error(`gateway-conformance wrote no report for ${label}: ${stderr}`)
  }
  const outcome: Outcome = { pass: new Set(), fail: new Set() }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue
    const e = JSON.parse(line) as { Action?: string, Test?: string }
    if (e.Test === undefined) continue
    if (e.Action === 'pass') outcome.pass.add(e.Test)
    else if (e.Action === 'fail') outcome.fail.add(e.Test)
  }
  return outcome
}

async function officialSuite (t: TestContext, kubo: string, tsipfs: string): Promise<void> {
  const bin = conformanceBin(t)
  if (bin === undefined) return
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-conformance-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const k = await runSuite(bin, kubo, dir, 'kubo')
  const ts = await runSuite(bin, tsipfs, dir, 'tsipfs')
  t.diagnostic(`Kubo: ${k.pass.size} passed, ${k.fail.size} failed; tsipfs: ${ts.pass.size} passed, ${ts.fail.size} failed`)
  assert.ok(k.pass.size > 0, 'the suite ran tests against Kubo')
  const expected = (name: string): boolean => EXPECTED_FAILURES.some(e => name === e.test || name.startsWith(`${e.test}/`))
  const regressions = [...k.pass].filter(name => !ts.pass.has(name) && !expected(name)).sort()
  assert.deepEqual(regressions, [], `tests that pass against Kubo and fail against tsipfs:\n${regressions.join('\n')}`)
}

async function differential (t: TestContext, kubo: string, tsipfs: string): Promise<void> {
  const probes = await corpus()
  const unexpected: string[] = []
  const used = new Set<number>()
  let same = 0
  for (const probe of probes) {
    const a = await send(kubo, probe)
    const b = await send(tsipfs, probe)
    const fields = await differences(probe, a, b)
    if (fields.length === 0) {
      same++
      continue
    }
    const rules = EXPECTED_DIFFERENCES.map((e, i) => [e, i] as const).filter(([e]) => e.match.test(probe.id))
    for (const [, i] of rules) used.add(i)
    const allowed = (f: string): boolean => rules.some(([e]) => e.fields === '*' || e.fields.includes(f))
    const left = fields.filter(f => !allowed(f))
    if (left.length > 0) unexpected.push(`${probe.id}\n    Kubo vs tsipfs: ${describe(left, a, b)}`)
  }
  t.diagnostic(`${probes.length} requests: ${same} answered alike, ${probes.length - same - unexpected.length} differ as listed, ${unexpected.length} differ unexpectedly`)
  assert.deepEqual(unexpected, [], `answers that differ from Kubo's:\n${unexpected.join('\n')}`)
  const stale = EXPECTED_DIFFERENCES.filter((_, i) => !used.has(i)).map(e => e.match.source)
  assert.deepEqual(stale, [], 'expected differences that no longer occur (remove them from gateway-conformance.expected.ts)')
}

test('gateway conformance: tsipfs against Kubo, both offline with the conformance fixtures', async (t) => {
  // the two are loaded side by side (each `ipfs`/`tsipfs` call is a process of its own)
  const [kubo, tsipfs] = await Promise.all([startKuboConformance(t), startTsipfsConformance(t)])
  if (kubo === undefined) return
  await t.test('the official gateway-conformance suite: every test Kubo passes, tsipfs passes', async (t) => { await officialSuite(t, kubo, tsipfs) })
  await t.test('every request of the corpus is answered as Kubo answers it', async (t) => { await differential(t, kubo, tsipfs) })
})
