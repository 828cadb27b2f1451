/**
 * MFS beyond the Kubo vectors: persistence across restarts and GC, kill -9 in the middle of writes,
 * concurrent writers, and the calls the IPFS Web UI makes, through kubo-rpc-client.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { create } from 'kubo-rpc-client'
import { harness, BIN } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { prngBytes } from '../vectors/inputs.ts'

async function collect (source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const p of source) parts.push(p)
  return Buffer.concat(parts)
}

test('MFS survives restarts and GC keeps it; removed content is collected', async (t) => {
  const h = await harness(t)
  await writeFile(join(h.dir, 'data'), prngBytes('mfs-gc', 700000))
  await h.ok(['files', 'write', '--create', '--parents', '/keep/data', join(h.dir, 'data')])
  await writeFile(join(h.dir, 'other'), prngBytes('mfs-gc-other', 500000))
  await h.ok(['files', 'write', '--create', '/drop', join(h.dir, 'data')])
  await h.ok(['files', 'write', '--offset', '0', '/drop', join(h.dir, 'other')])
  const dropCid = (await h.ok(['files', 'stat', '--hash', '/drop'])).trim()
  await h.ok(['files', 'rm', '/drop'])
  const removed = await h.ok(['repo', 'gc'])
  assert.match(removed, /^removed /m, 'the old versions of /drop are garbage')
  assert.equal((await h.run(['block', 'stat', '--offline', dropCid])).code, 1, 'the removed file is gone')
  // every block the tree uses is still there
  const read = await h.run(['files', 'read', '/keep/data'])
  assert.ok(read.stdoutBytes.equals(Buffer.from(prngBytes('mfs-gc', 700000))))
  assert.equal((await h.run(['repo', 'verify'])).code, 0)

  // through a daemon, then offline again: the same root
  const d = await startDaemon(t, h)
  const viaDaemon = (await h.ok(['files', 'stat', '--hash', '/'])).trim()
  await h.ok(['files', 'mkdir', '/made-by-daemon'])
  const after = (await h.ok(['files', 'stat', '--hash', '/'])).trim()
  assert.notEqual(after, viaDaemon)
  d.process.kill('SIGTERM')
  assert.equal(await d.exited, 0)
  assert.equal((await h.ok(['files', 'stat', '--hash', '/'])).trim(), after)
  assert.equal(await h.ok(['files', 'ls', '/']), 'keep\nmade-by-daemon\n')
})

test('a lazy copy of a DAG that is not all local is kept as far as it is local, and GC still runs', async (t) => {
  const h = await harness(t)
  await writeFile(join(h.dir, 'big'), prngBytes('mfs-lazy', 600000))
  const cid = (await h.ok(['add', '-Q', '--pin=false', join(h.dir, 'big')])).trim()
  await h.ok(['files', 'cp', `/ipfs/${cid}`, '/lazy'])
  // drop one leaf, as if only part of the DAG had been fetched
  const leaf = (await h.ok(['refs', cid])).split('\n')[0] as string
  await h.ok(['block', 'rm', leaf])
  const gc = await h.run(['repo', 'gc'])
  assert.equal(gc.code, 0, gc.stderr)
  assert.equal((await h.run(['block', 'stat', '--offline', cid])).code, 0, 'the root stays')
  assert.match(await h.ok(['files', 'stat', '--with-local', '/lazy']), /Local: .* of .*\(\d+\.\d\d%\)/)
})

test('kill -9 in the middle of writes leaves the previous tree readable', async (t) => {
  const h = await harness(t)
  const first = prngBytes('mfs-crash-first', 3_000_000)
  await writeFile(join(h.dir, 'first'), first)
  await writeFile(join(h.dir, 'big'), prngBytes('mfs-crash-big', 40 * 1024 * 1024))
  await h.ok(['files', 'write', '--create', '/f', join(h.dir, 'first')])
  const before = (await h.ok(['files', 'stat', '--hash', '/'])).trim()
  let changed = 0
  for (const delay of [200, 450, 700, 1000, 1500]) {
    const child = spawn(process.execPath, [BIN, 'files', 'write', '--truncate', '/f', join(h.dir, 'big')], {
      env: { ...process.env, IPFS_PATH: h.repo },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const closed = new Promise(resolve => child.on('close', resolve))
    await Promise.race([closed, new Promise(resolve => setTimeout(resolve, delay))])
    child.kill('SIGKILL')
    await closed
    const root = (await h.ok(['files', 'stat', '--hash', '/'])).trim()
    const size = Number((await h.ok(['files', 'stat', '--format=<size>', '/f'])).trim())
    if (root === before) {
      // the write did not finish: the old file, whole
      assert.ok((await h.run(['files', 'read', '/f'])).stdoutBytes.equals(Buffer.from(first)))
    } else {
      changed++
      assert.equal(size, 40 * 1024 * 1024, 'a finished write is whole')
    }
    assert.equal((await h.run(['repo', 'verify'])).code, 0)
  }
  assert.ok(changed < 5, 'at least one write was cut short')
})

test('concurrent writers through the RPC API: different files all land; one file takes writes in turn', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })
  await client.files.mkdir('/c')
  const chunk = (i: number): Uint8Array => prngBytes(`mfs-conc-${i}`, 100_000)
  await Promise.all(Array.from({ length: 12 }, async (_, i) => { await client.files.write(`/c/f${i}`, chunk(i), { create: true }) }))
  const names = []
  for await (const e of client.files.ls('/c')) names.push(e.name)
  assert.deepEqual(names.sort(), Array.from({ length: 12 }, (_, i) => `f${i}`).sort())
  for (let i = 0; i < 12; i++) assert.ok((await collect(client.files.read(`/c/f${i}`))).equals(Buffer.from(chunk(i))))

  // eight writers into one file at disjoint offsets: none is lost
  await client.files.write('/c/shared', new Uint8Array(0), { create: true })
  await Promise.all(Array.from({ length: 8 }, async (_, i) => { await client.files.write('/c/shared', chunk(100 + i), { offset: i * 100_000 }) }))
  const shared = await collect(client.files.read('/c/shared'))
  assert.equal(shared.byteLength, 800_000)
  for (let i = 0; i < 8; i++) assert.ok(shared.subarray(i * 100_000, (i + 1) * 100_000).equals(Buffer.from(chunk(100 + i))), `part ${i}`)
})

test('kubo-rpc-client files API: the calls the IPFS Web UI makes', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })

  const root = await client.files.stat('/')
  assert.equal(root.cid.toString(), 'QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn')
  assert.equal(root.type, 'directory')

  await client.files.mkdir('/photos/2024', { parents: true })
  // an upload: the Web UI writes each file with create and parents
  await client.files.write('/photos/2024/cat.jpg', prngBytes('mfs-webui', 300_000), { create: true, parents: true })
  const added = await client.add('from add\n', { pin: false })
  await client.files.cp(`/ipfs/${added.cid.toString()}`, '/photos/note.txt')
  await client.files.mv('/photos/note.txt', '/note.txt')

  const listing = []
  for await (const e of client.files.ls('/photos/2024')) listing.push(e)
  assert.equal(listing.length, 1)
  assert.equal(listing[0]?.name, 'cat.jpg')
  assert.equal(listing[0]?.type, 'file')
  assert.equal(listing[0]?.size, 300_000)

  const top = []
  for await (const e of client.files.ls('/')) top.push({ name: e.name, type: e.type })
  assert.deepEqual(top, [{ name: 'note.txt', type: 'file' }, { name: 'photos', type: 'directory' }])

  const st = await client.files.stat('/photos/2024/cat.jpg')
  assert.equal(st.size, 300_000)
  assert.equal(st.type, 'file')
  assert.equal((await collect(client.files.read('/note.txt'))).toString(), 'from add\n')
  assert.equal((await collect(client.files.read('/photos/2024/cat.jpg', { offset: 10, length: 5 }))).byteLength, 5)

  // kubo-rpc-client has no chmod/touch: the Web UI's own calls, by hand
  for (const q of ['files/chmod?arg=600&arg=/note.txt', 'files/touch?arg=/note.txt&mtime=1630937926']) {
    const res = await fetch(`${d.url}/api/v0/${q}`, { method: 'POST' })
    assert.equal(res.status, 200, await res.text())
  }
  const meta = await client.files.stat('/note.txt')
  assert.equal(meta.mode, 0o600)
  assert.equal(meta.mtime?.secs, 1630937926)

  const flushed = await client.files.flush('/')
  assert.equal(flushed.toString(), (await client.files.stat('/')).cid.toString())

  await client.files.rm('/photos', { recursive: true })
  const rest = []
  for await (const e of client.files.ls('/')) rest.push(e.name)
  assert.deepEqual(rest, ['note.txt'])
  await assert.rejects(client.files.stat('/photos'), /file does not exist/)
})

test('a write at an offset stores only the blocks it touches', async (t) => {
  const h = await harness(t)
  await writeFile(join(h.dir, 'five'), prngBytes('mfs-offset', 5_000_000))
  await writeFile(join(h.dir, 'patch'), 'patched!')
  await h.ok(['files', 'write', '--create', '/f', join(h.dir, 'five')])
  const count = async (): Promise<number> => (await h.ok(['refs', 'local'])).split('\n').filter(Boolean).length
  const before = await count()
  await h.ok(['files', 'write', '--offset', '3000000', '/f', join(h.dir, 'patch')])
  // one leaf, the file's root, and the MFS root: nothing else is rewritten
  assert.equal(await count() - before, 3)
  const read = await h.run(['files', 'read', '--offset', '2999996', '--count', '16', '/f'])
  assert.equal(read.stdoutBytes.subarray(4, 12).toString(), 'patched!')
})

test('GC while MFS writes stream in: no deadlock, nothing lost', { timeout: 60_000 }, async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const client = create({ url: `${d.url}/api/v0` })
  const big = prngBytes('mfs-gc-race', 24 * 1024 * 1024)
  const writes = Promise.all([
    client.files.write('/big', big, { create: true }),
    client.files.write('/big2', big.subarray(0, 8 * 1024 * 1024), { create: true })
  ])
  const gcs = (async () => {
    for (let i = 0; i < 3; i++) for await (const _ of client.repo.gc()) { /* drain */ }
  })()
  const dirs = Promise.all(Array.from({ length: 5 }, async (_, i) => { await client.files.mkdir(`/d${i}`) }))
  await Promise.all([writes, gcs, dirs])
  for await (const _ of client.repo.gc()) { /* drain */ }
  assert.ok((await collect(client.files.read('/big'))).equals(Buffer.from(big)))
  assert.equal((await client.files.stat('/big2')).size, 8 * 1024 * 1024)
  const names = []
  for await (const e of client.files.ls('/')) names.push(e.name)
  assert.deepEqual(names, ['big', 'big2', 'd0', 'd1', 'd2', 'd3', 'd4'])
})

test('on a new repo, `files rm --force` of a missing path leaves an MFS root that later commands can read', async (t) => {
  const h = await harness(t)
  await h.ok(['files', 'rm', '-r', '--force', '/nonexistent'])
  await h.ok(['files', 'mkdir', '/a'])
  assert.equal(await h.ok(['files', 'ls', '/']), 'a\n')
})
