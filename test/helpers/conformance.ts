/**
 * Kubo and tsipfs set up alike for the gateway conformance suite, as Kubo's own CI sets Kubo up for it
 * (kubo .github/workflows/gateway-conformance.yml): every fixture CAR imported without pinning, every IPNS
 * record stored with `routing put --allow-offline`, the DNSLink names in IPFS_NS_MAP, `localhost` and
 * `example.com` as subdomain gateways with inlined DNSLink names, and the daemon offline.
 * Also finds the official `gateway-conformance` binary that scripts/setup-go-tools.sh installs.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { harness } from './cli.ts'
import { startDaemon } from './daemon.ts'
import { FIXTURES, nsMap } from './gateway.ts'
import { kuboRepo, startKuboDaemon } from './kubo.ts'

const TOOLS = process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go')
export const CONFORMANCE_BIN = join(TOOLS, 'bin', 'gateway-conformance')
/** Written by scripts/setup-go-tools.sh when the Go module proxy does not serve the suite */
const UNAVAILABLE = join(TOOLS, 'gateway-conformance.unavailable')

/** Gateway.PublicGateways of Kubo's conformance CI */
export const PUBLIC_GATEWAYS = {
  'example.com': { UseSubdomains: true, InlineDNSLink: true, Paths: ['/ipfs', '/ipns'] },
  localhost: { UseSubdomains: true, InlineDNSLink: true, Paths: ['/ipfs', '/ipns'] }
}

/**
 * The official suite's binary; undefined after marking the test skipped: outside CI when it is not installed,
 * and in CI too when the module proxy refused it (the reason is in the skip message). In CI a binary that
 * is missing for any other reason (setup not run) fails the test.
 */
export function conformanceBin (t: TestContext): string | undefined {
  if (existsSync(CONFORMANCE_BIN)) return CONFORMANCE_BIN
  if (existsSync(UNAVAILABLE)) {
    t.skip(`gateway-conformance is not installed: ${readFileSyncTrim(UNAVAILABLE)} (the differential test against Kubo covers the gateway meanwhile)`)
    return undefined
  }
  const message = `gateway-conformance is not installed at ${CONFORMANCE_BIN}; \`bash scripts/setup-go-tools.sh\` installs it`
  if (process.env.CI === 'true') throw new Error(message)
  t.skip(message)
  return undefined
}

function readFileSyncTrim (path: string): string {
  return readFileSync(path, 'utf8').trim().replace(/\s+/g, ' ')
}

async function files (dir: string, ext: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await files(join(dir, e.name), ext))
    else if (e.name.endsWith(ext)) out.push(join(dir, e.name))
  }
  return out.sort()
}

/** The IPNS records of the fixtures: [name, file] (the name is the file name up to the first `_`) */
async function records (): Promise<Array<[string, string]>> {
  return (await files(FIXTURES, '.ipns-record')).map(f => [(f.split('/').pop() as string).split(/[_.]/)[0] as string, f])
}

/** tsipfs: an offline daemon with the fixtures; returns its gateway URL */
export async function startTsipfsConformance (t: TestContext): Promise<string> {
  const h = await harness(t)
  await h.ok(['config', '--json', 'Gateway.PublicGateways', JSON.stringify(PUBLIC_GATEWAYS)])
  await h.ok(['dag', 'import', '--pin-roots=false', ...await files(FIXTURES, '.car')])
  // records that are not valid (V1-only, broken signatures) are refused, as Kubo's `routing put` refuses some
  for (const [name, file] of await records()) await h.run(['routing', 'put', '--allow-offline', `/ipns/${name}`, file])
  await startDaemon(t, h, ['--offline'], { IPFS_NS_MAP: await nsMap() })
  return (await readFile(join(h.repo, 'gateway'), 'utf8')).trim()
}

/** Kubo: the same; undefined when Kubo is not installed (outside CI: the test is skipped) */
export async function startKuboConformance (t: TestContext): Promise<string | undefined> {
  const k = await kuboRepo(t)
  if (k === undefined) return undefined
  await k.ok(['config', '--json', 'Gateway.PublicGateways', JSON.stringify(PUBLIC_GATEWAYS)])
  // one CAR per call: Kubo refuses two files of the same name in one `dag import`
  for (const car of await files(FIXTURES, '.car')) await k.ok(['dag', 'import', '--pin-roots=false', car])
  for (const [name, file] of await records()) await k.run(['routing', 'put', '--allow-offline', `/ipns/${name}`, file])
  // startKuboDaemon passes this process's environment on: the DNSLink map is the same for both daemons
  process.env.IPFS_NS_MAP = await nsMap()
  await startKuboDaemon(t, k, ['--offline'])
  return (await readFile(join(k.repo, 'gateway'), 'utf8')).trim()
}
