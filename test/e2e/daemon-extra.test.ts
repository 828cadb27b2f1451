import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { BIN, harness } from '../helpers/cli.ts'
import { until } from '../helpers/swarm.ts'
import { startDaemon } from '../helpers/daemon.ts'

test('metrics, stats and diag on the daemon', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  await h.ok(['add', '-Q'], { input: 'metrics\n' })
  const metrics = await (await fetch(`${d.url}/debug/metrics/prometheus`)).text()
  assert.match(metrics, /^process_resident_memory_bytes \d+$/m)
  assert.match(metrics, /^tsipfs_rpc_requests_total\{command="add"\} 1$/m)
  assert.match(metrics, /^tsipfs_repo_objects 1$/m)
  assert.deepEqual(JSON.parse(await h.ok(['stats', 'bw', '--enc=json'])), { TotalIn: 0, TotalOut: 0, RateIn: 0, RateOut: 0 })
  assert.match(await h.ok(['stats', 'repo']), /NumObjects: 1\n/)
  assert.match(await h.ok(['stats', 'bw']), /^Bandwidth\nTotalIn: 0 B\nTotalOut: 0 B\nRateIn: 0 B\/s\nRateOut: 0 B\/s\n$/)

  // stats bw --poll: over the RPC API, a JSON object per interval until the client goes away
  const polling = new AbortController()
  const res = await fetch(`${d.url}/api/v0/stats/bw?poll=true&interval=20ms`, { method: 'POST', signal: polling.signal })
  assert.equal(res.status, 200)
  let body = ''
  const decoder = new TextDecoder()
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    body += decoder.decode(chunk, { stream: true })
    if (body.split('\n').length > 3) break
  }
  polling.abort()
  for (const line of body.split('\n').slice(0, 3)) assert.deepEqual(Object.keys(JSON.parse(line) as object), ['TotalIn', 'TotalOut', 'RateIn', 'RateOut'])
  // and from the CLI, Kubo's header and a line each time, until interrupted
  const cli = spawn(process.execPath, [BIN, 'stats', 'bw', '--poll', '-i', '20ms'], { env: { ...process.env, IPFS_PATH: h.repo } })
  let out = ''
  cli.stdout.on('data', (c: Buffer) => { out += c.toString() })
  await until(() => out.split('\n').length > 4, 'three lines of stats bw --poll')
  cli.kill('SIGINT')
  await once(cli, 'close')
  const [header, ...rows] = out.split('\n')
  assert.equal(header, 'Total Up    Total Down  Rate Up     Rate Down')
  for (const row of rows.slice(0, 3)) assert.match(row, /^ {0,7}\d+(\.\d)? k?B {4} {0,7}\d+(\.\d)? k?B {4} {0,7}\d+(\.\d)? k?B\/s  {0,7}\d+(\.\d)? k?B\/s$/)
  const bad = await h.run(['stats', 'bw', '--poll', '--interval', 'soon'])
  assert.equal(bad.code, 1)
  assert.equal(bad.stderr, 'Error: invalid interval "soon": use a duration such as "1s" or "500ms"\n')
  const diag = JSON.parse(await h.ok(['diag', 'sys'])) as { net: { online: boolean }, ipfs_version: string }
  assert.equal(diag.net.online, true)
  assert.equal(diag.ipfs_version, '0.1.0')
})

test('API.Authorizations: secrets and allowed paths are enforced', async (t) => {
  const h = await harness(t)
  await h.ok(['config', '--json', 'API.Authorizations', JSON.stringify({
    reader: { AuthSecret: 'bearer:s3cret', AllowedPaths: ['/api/v0/version', '/api/v0/id'] },
    admin: { AuthSecret: 'basic:alice:pw', AllowedPaths: ['/api/v0'] }
  })])
  const d = await startDaemon(t, h)
  const post = async (path: string, auth?: string): Promise<number> =>
    (await fetch(`${d.url}/api/v0/${path}`, { method: 'POST', headers: auth === undefined ? {} : { Authorization: auth } })).status
  assert.equal(await post('version'), 403)
  assert.equal(await post('version', 'Bearer wrong'), 403)
  assert.equal(await post('version', 'Bearer s3cret'), 200)
  assert.equal(await post('config/show', 'Bearer s3cret'), 403)
  assert.equal(await post('config/show', `Basic ${Buffer.from('alice:pw').toString('base64')}`), 200)
})

test('--enable-gc collects garbage once the repo passes its watermark', async (t) => {
  const h = await harness(t)
  await h.ok(['config', 'Datastore.GCPeriod', '200ms'])
  await h.ok(['config', 'Datastore.StorageMax', '1'])
  const loose = (await h.ok(['add', '-Q', '--pin=false'], { input: 'garbage\n' })).trim()
  const kept = (await h.ok(['add', '-Q'], { input: 'kept\n' })).trim()
  await startDaemon(t, h, ['--enable-gc'])
  const deadline = Date.now() + 20_000
  while ((await h.run(['block', 'stat', '--offline', loose])).code === 0) {
    assert.ok(Date.now() < deadline, 'periodic GC removed the unpinned block')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  assert.equal(await h.ok(['cat', kept]), 'kept\n')
})

test('log ls, log level and log tail on the daemon', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const subsystems = (await h.ok(['log', 'ls'])).trim().split('\n')
  assert.ok(subsystems.includes('tsipfs:rpc') && subsystems.includes('tsipfs:gc'))
  assert.equal(await h.ok(['log', 'level', 'tsipfs:rpc', 'debug']), "Changed log level of 'tsipfs:rpc' to 'debug'\n")
  const bad = await h.run(['log', 'level', 'tsipfs:rpc', 'loud'])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /invalid log level/)
  // tail streams entries as they happen (the response starts with the first entry)
  const controller = new AbortController()
  const response = fetch(`${d.url}/api/v0/log/tail`, { method: 'POST', signal: controller.signal })
  await new Promise(resolve => setTimeout(resolve, 300))
  await h.ok(['version'])
  const reader = ((await response).body as ReadableStream<Uint8Array>).getReader()
  const { value } = await reader.read()
  const entry = JSON.parse(new TextDecoder().decode(value).split('\n')[0] as string) as { logger: string, level: string }
  assert.equal(entry.logger, 'tsipfs:rpc')
  controller.abort()
  const offline = await harness(t)
  const needsDaemon = await offline.run(['log', 'tail'])
  assert.equal(needsDaemon.code, 1)
  assert.match(needsDaemon.stderr, /online mode/)
})

test('CLI routing: a stale api file falls back to the repo; --api names a daemon; progress and stream errors over RPC', async (t) => {
  const { writeFile, mkdir } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const h = await harness(t)
  await writeFile(join(h.repo, 'api'), '/ip4/127.0.0.1/tcp/1')
  const local = (await h.ok(['add', '-Q'], { input: 'local\n' })).trim()
  assert.equal(await h.ok(['cat', local]), 'local\n', 'with no daemon answering, the CLI used the repo itself')
  const d = await startDaemon(t, h, ['--offline'])
  const elsewhere = await harness(t, { init: false })
  assert.match(await elsewhere.ok(['--api', d.api, 'version']), /^tsipfs version /)
  const refused = await elsewhere.run(['--api', '/ip4/127.0.0.1/tcp/1', 'version'])
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /cannot connect to the api/)
  // progress events come in the same NDJSON stream as the results
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(3 * 1024 * 1024)]), 'zeros')
  const res = await fetch(`${d.url}/api/v0/add?progress=true`, { method: 'POST', body: form })
  const lines = (await res.text()).trim().split('\n').map(l => JSON.parse(l) as { Name: string, Bytes?: number, Hash?: string })
  assert.ok(lines.some(l => l.Bytes !== undefined && l.Bytes > 0 && l.Hash === undefined))
  assert.ok(lines.at(-1)?.Hash !== undefined)
  // an error after output has started goes in the X-Stream-Error trailer
  const src = join(h.dir, 'src')
  await mkdir(join(src, 'sub'), { recursive: true })
  await writeFile(join(src, 'a'), 'a')
  await writeFile(join(src, 'sub', 'b'), 'b')
  const root = (await h.ok(['add', '-r', '-Q', '--pin=false', src])).trim()
  const leaf = (await h.ok(['resolve', `/ipfs/${root}/sub/b`])).trim().slice('/ipfs/'.length)
  await h.ok(['block', 'rm', leaf])
  const broken = await h.run(['refs', '-r', root])
  assert.equal(broken.code, 1)
  assert.ok(broken.stdout.split('\n').length >= 2, 'some refs were printed before the error')
  assert.match(broken.stderr, /not found locally/)
})
