import { test } from 'node:test'
import assert from 'node:assert/strict'
import { harness } from '../helpers/cli.ts'
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
  while ((await h.run(['block', 'stat', loose])).code === 0) {
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
