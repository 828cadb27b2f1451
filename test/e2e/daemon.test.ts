import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile, access } from 'node:fs/promises'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

test('daemon: ready lines, api file, the CLI goes through it, shutdown removes the api file', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  assert.match(d.output(), /RPC API server listening on \/ip4\/127\.0\.0\.1\/tcp\/\d+\n/)
  assert.doesNotMatch(d.api, /tcp\/0$/, 'the real port is written')
  const src = join(h.dir, 'src')
  await mkdir(join(src, 'sub'), { recursive: true })
  await writeFile(join(src, 'a'), 'a\n')
  await writeFile(join(src, 'sub', 'b'), 'b'.repeat(400000))
  // the same CIDs as the offline add (vectors): through RPC the upload is multipart
  const root = (await h.ok(['add', '-r', '-Q', src])).trim()
  const offline = await harness(t)
  assert.equal(root, (await offline.ok(['add', '-r', '-Q', '--only-hash', src])).trim())
  assert.equal(await h.ok(['cat', `${root}/sub/b`]), 'b'.repeat(400000))
  assert.equal((await h.ok(['add', '-Q'], { input: 'hello\n' })).trim(), 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN')
  assert.match(await h.ok(['pin', 'ls', '--type=recursive']), new RegExp(root))
  const err = await h.run(['cat', 'not-a-cid'])
  assert.equal(err.code, 1)
  assert.match(err.stderr, /^Error: invalid path/)
  await h.ok(['shutdown'])
  assert.equal(await d.exited, 0)
  await assert.rejects(access(join(h.repo, 'api')))
  // without the daemon the CLI works on the repo again
  assert.equal(await h.ok(['cat', `${root}/a`]), 'a\n')
})

test('RPC API: Kubo wire shapes, methods, origins and bad requests; the daemon keeps serving', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const post = async (path: string, init: RequestInit = {}): Promise<Response> => await fetch(`${d.url}/api/v0/${path}`, { method: 'POST', ...init })
  const version = await post('version')
  assert.equal(version.status, 200)
  assert.equal((await version.json() as { Version: string }).Version, '0.1.0')
  assert.equal((await fetch(`${d.url}/api/v0/version`)).status, 405)
  const unknown = await post('no/such/command')
  assert.equal(unknown.status, 404)
  const badCid = await post('cat?arg=nope')
  assert.equal(badCid.status, 500)
  assert.deepEqual(Object.keys(await badCid.json() as object), ['Message', 'Code', 'Type'])
  const badOption = await post('cat?arg=QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN&offset=abc')
  assert.equal(badOption.status, 400)
  assert.equal((await post('version', { headers: { Origin: 'http://evil.example' } })).status, 403)
  assert.equal((await post('version', { headers: { Referer: 'http://evil.example/page' } })).status, 403)
  // an over-long request line is refused by the HTTP server itself (431); a long non-CID argument fails in the command (500)
  const huge = await post(`cat?arg=${'Q'.repeat(70000)}`)
  assert.equal(huge.status, 431)
  const long = await post(`cat?arg=${'Q'.repeat(15000)}`)
  assert.equal(long.status, 500)
  const notMultipart = await post('add', { body: 'x', headers: { 'Content-Type': 'text/plain' } })
  assert.equal(notMultipart.status, 500)
  const broken = await post('add', { body: '--xx\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nunterminated', headers: { 'Content-Type': 'multipart/form-data; boundary=xx' } })
  assert.equal(broken.status, 500)
  assert.match((await broken.json() as { Message: string }).Message, /multipart/)
  // streams: NDJSON with X-Chunked-Output
  const form = new FormData()
  form.append('file', new Blob(['hello\n']), 'hello.txt')
  const added = await post('add', { body: form })
  assert.equal(added.headers.get('x-chunked-output'), '1')
  assert.deepEqual(JSON.parse((await added.text()).trim()), { Name: 'hello.txt', Hash: 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN', Size: '14' })
  const cat = await post('cat?arg=QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN')
  assert.equal(cat.headers.get('x-stream-output'), '1')
  assert.equal(await cat.text(), 'hello\n')
  // ?encoding=text is what the CLI prints
  const textAdd = await post('pin/ls?type=recursive&encoding=text')
  assert.equal(textAdd.headers.get('content-type'), 'text/plain')
  assert.match(await textAdd.text(), /^QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN recursive\n$/)
  assert.equal((await post('version?encoding=xml')).status, 400)
  // still serving after all that
  assert.equal((await post('id')).status, 200)
})

test('a client that goes away mid-stream aborts its command; the daemon keeps serving', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const cid = (await h.ok(['add', '-Q', '--chunker=size-65536'], { input: new Uint8Array(32 * 1024 * 1024).fill(7) })).trim()
  for (let i = 0; i < 5; i++) {
    const controller = new AbortController()
    const res = await fetch(`${d.url}/api/v0/cat?arg=${cid}`, { method: 'POST', signal: controller.signal })
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    controller.abort()
  }
  const upload = new AbortController()
  const slowBody = new ReadableStream<Uint8Array>({
    start (c) { c.enqueue(new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\npartial')) }
  })
  const pending = fetch(`${d.url}/api/v0/add`, { method: 'POST', body: slowBody, signal: upload.signal, headers: { 'Content-Type': 'multipart/form-data; boundary=b' }, duplex: 'half' } as RequestInit)
  await new Promise(resolve => setTimeout(resolve, 300))
  upload.abort()
  await pending.catch(() => {})
  assert.equal((await fetch(`${d.url}/api/v0/version`, { method: 'POST' })).status, 200)
  // the aborted add pinned nothing; the store is intact
  assert.equal(await h.ok(['pin', 'ls', '--type=recursive', '-q']), `${cid}\n`)
  assert.match(await h.ok(['repo', 'verify']), /all blocks validated/)
})
