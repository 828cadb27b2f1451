/**
 * Delegated routing with Kubo (v0.42, installed by scripts/setup-go-tools.sh; skipped without it), on
 * 127.0.0.1: a tsipfs daemon whose only router is Kubo's /routing/v1 fetches what Kubo holds, and a Kubo
 * daemon whose only router is our /routing/v1 fetches what tsipfs holds.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { randomBytes, createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')
const run = promisify(execFile)
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

interface Kubo { ipfs: (args: string[]) => Promise<string>, id: string, gateway: string, dir: string }

async function kubo (t: TestContext, config: Record<string, unknown> = {}): Promise<Kubo> {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-kubo-'))
  const env = { ...process.env, IPFS_PATH: dir, IPFS_TELEMETRY: 'off' }
  const ipfs = async (args: string[]): Promise<string> => (await run(KUBO, args, { env, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' })).stdout.toString('latin1')
  await ipfs(['init', '--profile=test'])
  for (const [key, value] of Object.entries(config)) await ipfs(['config', '--json', key, JSON.stringify(value)])
  const child = spawn(KUBO, ['daemon'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise(resolve => child.on('close', resolve))
  t.after(async () => {
    child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  })
  const deadline = Date.now() + 60_000
  while (!out.includes('Daemon is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Kubo did not start: ${out}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const id = (await ipfs(['id', '-f', '<id>'])).trim()
  return { ipfs, id, dir, gateway: (await readFile(join(dir, 'gateway'), 'utf8')).trim() }
}

const skip = existsSync(KUBO) ? false : `Kubo is not installed at ${KUBO} (scripts/setup-go-tools.sh)`

// this was marked todo while identify with Kubo failed (fixed in src/core/network/metrics.ts)
test('tsipfs with Kubo\'s /routing/v1 as its only router fetches what Kubo holds', { skip }, async (t) => {
  const k = await kubo(t)
  const bytes = randomBytes(1024 * 1024 + 3)
  const file = join(k.dir, 'f')
  await writeFile(file, bytes)
  const cid = (await k.ipfs(['add', '-Q', '--cid-version=1', file])).trim()
  // Kubo announces what it adds in the background: wait until its /routing/v1 names itself
  const deadline = Date.now() + 60_000
  while (!(await (await fetch(`${k.gateway}/routing/v1/providers/${cid}`)).text()).includes(k.id)) {
    if (Date.now() > deadline) throw new Error('Kubo never listed itself as a provider')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  const h = await harness(t)
  await h.ok(['config', 'Routing.Type', 'delegated'])
  await h.ok(['config', '--json', 'Routing.DelegatedRouters', JSON.stringify([k.gateway])])
  await startDaemon(t, h)
  const r = await h.run(['cat', '--timeout=30s', cid])
  // found through Kubo's /routing/v1 and dialled
  assert.match(await h.ok(['swarm', 'peers']), new RegExp(`/p2p/${k.id}\n`))
  assert.equal(r.code, 0, r.stderr)
  assert.equal(sha(r.stdoutBytes), sha(bytes))
})

test('Kubo with our /routing/v1 as its only router fetches what tsipfs holds', { skip }, async (t) => {
  const h = await harness(t)
  await startDaemon(t, h)
  const gateway = (await readFile(join(h.repo, 'gateway'), 'utf8')).trim()
  const bytes = randomBytes(1024 * 1024 + 5)
  const file = join(h.dir, 'f')
  await writeFile(file, bytes)
  const cid = (await h.ok(['add', '-Q', '--cid-version=1', file])).trim()
  // Kubo refuses Routing.Type delegated while it would provide (HTTP routers cannot take announcements)
  const k = await kubo(t, { 'Routing.Type': 'delegated', 'Routing.DelegatedRouters': [gateway], 'Provide.Enabled': false })
  const out = await k.ipfs(['cat', '--timeout=120s', cid])
  assert.equal(sha(Buffer.from(out, 'latin1')), sha(bytes))
})
