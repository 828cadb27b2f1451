/**
 * The libp2p datastore over the repo's LMDB environment (src/core/network/datastore.ts): the
 * interface-datastore operations, queries by prefix with filters, orders, offset and limit, atomic
 * batches, peer store writes that do not wait for their commit, and what is written is there after the
 * environment is closed and opened again. It lives in its own database: blocks and metadata are not
 * touched. The hourly sweep (src/core/routing/dht-store.ts) deletes expired DHT records from it.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Key } from 'interface-datastore'
import { openLmdb, LmdbBlockStore, type LmdbEnv } from '../../src/core/blocks/lmdb-store.ts'
import { LmdbDatastore } from '../../src/core/network/datastore.ts'
import { RECORD_VALIDITY, sweepDhtRecords } from '../../src/core/routing/dht-store.ts'
import { Record } from '@libp2p/kad-dht'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

async function tempEnv (t: TestContext): Promise<{ dir: string, open: () => Promise<LmdbEnv> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-ds-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const opened: LmdbEnv[] = []
  t.after(async () => { for (const env of opened) await env.root.close() })
  return { dir, open: async () => { const env = await openLmdb(dir); opened.push(env); return env } }
}

async function collect<T> (it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

test('put, get, has, delete', async (t) => {
  const ds = new LmdbDatastore((await (await tempEnv(t)).open()).root)
  const key = new Key('/dht/record/AFKREI')
  assert.equal(await ds.has(key), false)
  await assert.rejects(async () => await ds.get(key), { name: 'NotFoundError' })
  assert.equal((await ds.put(key, bytes('one'))).toString(), '/dht/record/AFKREI')
  assert.equal(await ds.has(key), true)
  assert.equal(text(await ds.get(key)), 'one')
  await ds.put(key, bytes('two'))
  assert.equal(text(await ds.get(key)), 'two')
  await ds.delete(key)
  assert.equal(await ds.has(key), false)
  await ds.delete(key) // deleting what is not there is no error
  // a key longer than LMDB allows is refused on put and never found
  const long = new Key(`/dht/record/${'x'.repeat(3000)}`)
  await assert.rejects(async () => await ds.put(long, bytes('x')), /key too long/)
  assert.equal(await ds.has(long), false)
  await assert.rejects(async () => await ds.get(long), { name: 'NotFoundError' })
  const aborted = AbortSignal.abort()
  await assert.rejects(async () => await ds.get(key, { signal: aborted }), { name: 'AbortError' })
  // once closed (before the environment is), every operation is refused without touching LMDB
  ds.close()
  await assert.rejects(async () => await ds.put(key, bytes('late')), /the repo is closed/)
  await assert.rejects(async () => await ds.get(key), /the repo is closed/)
  await assert.rejects(async () => await collect(ds.query({})), /the repo is closed/)
})

test('peer store writes resolve before their commit and are read at once; other writes wait for theirs', async (t) => {
  const { open } = await tempEnv(t)
  const env = await open()
  const ds = new LmdbDatastore(env.root)
  // a commit needs a turn of the event loop (LMDB's write thread calls back): a few microtasks are not one
  const settledWithinMicrotasks = async (p: Promise<unknown>): Promise<boolean> => {
    let settled = false
    void p.then(() => { settled = true })
    for (let i = 0; i < 5; i++) await Promise.resolve()
    return settled
  }
  const peer = new Key('/peers/PEER1')
  assert.equal(await settledWithinMicrotasks(ds.put(peer, bytes('one'))), true)
  assert.equal(await ds.has(peer), true)
  assert.equal(text(await ds.get(peer)), 'one')
  const record = new Key('/dht/record/R1')
  const put = ds.put(record, bytes('r'))
  assert.equal(await settledWithinMicrotasks(put), false)
  await put

  // the latest write wins, before and after the commits
  void ds.put(peer, bytes('two'))
  void ds.put(peer, bytes('three'))
  assert.equal(text(await ds.get(peer)), 'three')
  // what a reader does with a value does not change it
  const got = await ds.get(peer)
  got.fill(0)
  assert.equal(text(await ds.get(peer)), 'three')
  // a query sees the writes made before it
  assert.deepEqual((await collect(ds.query({ prefix: '/peers/' }))).map(p => `${p.key.toString()}=${text(p.value)}`), ['/peers/PEER1=three'])
  assert.equal(text(await ds.get(peer)), 'three')

  // a delete is seen at once too, and a put after it
  assert.equal(await settledWithinMicrotasks(ds.delete(peer)), true)
  assert.equal(await ds.has(peer), false)
  await assert.rejects(async () => await ds.get(peer), { name: 'NotFoundError' })
  void ds.put(peer, bytes('four'))
  assert.equal(text(await ds.get(peer)), 'four')
  void ds.delete(peer)
  assert.deepEqual(await collect(ds.queryKeys({ prefix: '/peers/' })), [])

  // a batch after an uncommitted write: the batch's value is the one kept
  void ds.put(new Key('/peers/PEER2'), bytes('before'))
  const b = ds.batch()
  b.put(new Key('/peers/PEER2'), bytes('batch'))
  await b.commit()
  assert.equal(text(await ds.get(new Key('/peers/PEER2'))), 'batch')

  // a peer store write is held (for the next ones to share its commit): a commit made after it does not
  // include it, and another view of the database sees it once a query has had it written
  const other = new LmdbDatastore(env.root)
  void ds.put(new Key('/peers/PEER4'), bytes('held'))
  void ds.put(new Key('/peers/PEER4'), bytes('held again'))
  await ds.put(new Key('/dht/record/R2'), bytes('r'))
  assert.equal(await other.has(new Key('/peers/PEER4')), false)
  await collect(ds.queryKeys({ prefix: '/peers/' }))
  assert.equal(text(await other.get(new Key('/peers/PEER4'))), 'held again')

  // a key too long is still refused at once
  await assert.rejects(async () => await ds.put(new Key(`/peers/${'x'.repeat(3000)}`), bytes('x')), /key too long/)

  // closing the datastore writes what it held, and closing the environment waits for those writes' commit
  void ds.put(new Key('/peers/PEER3'), bytes('last'))
  ds.close()
  await env.root.close()
  const reopened = new LmdbDatastore((await open()).root)
  assert.equal(text(await reopened.get(new Key('/peers/PEER3'))), 'last')
  assert.equal(text(await reopened.get(new Key('/peers/PEER2'))), 'batch')
  assert.equal(await reopened.has(peer), false)
})

test('queries by prefix, with filters, orders, offset and limit', async (t) => {
  const ds = new LmdbDatastore((await (await tempEnv(t)).open()).root)
  const entries: Array<[string, string]> = [
    ['/dht/provider/CIDA/PEER1', 'a1'],
    ['/dht/provider/CIDA/PEER2', 'a2'],
    ['/dht/provider/CIDA/PEER3', 'a3'],
    ['/dht/provider/CIDAB/PEER1', 'ab1'],
    ['/dht/provider/CIDB/PEER1', 'b1'],
    ['/dht/record/R1', 'r1'],
    ['/peers/PEER1', 'p1'],
    ['/dhtx/provider/CIDA/PEER1', 'x']
  ]
  for (const [k, v] of entries) await ds.put(new Key(k), bytes(v))

  const pairs = await collect(ds.query({ prefix: '/dht/provider/CIDA/' }))
  assert.deepEqual(pairs.map(p => [p.key.toString(), text(p.value)]), entries.slice(0, 3))
  // the prefix is a string prefix, as interface-datastore's MemoryDatastore reads it
  assert.deepEqual((await collect(ds.queryKeys({ prefix: '/dht/provider/CIDA' }))).map(String), entries.slice(0, 4).map(e => e[0]))
  assert.deepEqual((await collect(ds.queryKeys({ prefix: '/dht/record' }))).map(String), ['/dht/record/R1'])
  assert.equal((await collect(ds.query({}))).length, entries.length)
  assert.deepEqual(await collect(ds.query({ prefix: '/nothing' })), [])

  const provider = { prefix: '/dht/provider/' }
  assert.deepEqual((await collect(ds.query({ ...provider, filters: [p => text(p.value).endsWith('1')] }))).map(p => text(p.value)), ['a1', 'ab1', 'b1'])
  assert.deepEqual((await collect(ds.queryKeys({ ...provider, filters: [k => k.baseNamespace() === 'PEER2'] }))).map(String), ['/dht/provider/CIDA/PEER2'])
  assert.deepEqual((await collect(ds.query({ ...provider, offset: 1, limit: 2 }))).map(p => text(p.value)), ['a2', 'a3'])
  assert.deepEqual((await collect(ds.queryKeys({ ...provider, offset: 4 }))).map(String), ['/dht/provider/CIDB/PEER1'])
  assert.deepEqual((await collect(ds.query({ ...provider, limit: 0 }))), [])
  const desc = (a: { key: Key }, b: { key: Key }): -1 | 0 | 1 => a.key.toString() < b.key.toString() ? 1 : a.key.toString() > b.key.toString() ? -1 : 0
  assert.deepEqual((await collect(ds.query({ ...provider, orders: [desc], limit: 2 }))).map(p => text(p.value)), ['b1', 'ab1'])

  // the values a query yields stay as they were after further reads
  const values = (await collect(ds.query({ prefix: '/dht/' }))).map(p => p.value)
  await collect(ds.query({ prefix: '/peers/' }))
  await ds.get(new Key('/dhtx/provider/CIDA/PEER1'))
  assert.deepEqual(values.map(text), ['a1', 'a2', 'a3', 'ab1', 'b1', 'r1'])

  // deleting while a query runs (kad-dht's provider clean-up does) goes on to the end
  const seen: string[] = []
  for await (const { key } of ds.query(provider)) {
    seen.push(key.toString())
    await ds.delete(key)
  }
  assert.equal(seen.length, 5)
  assert.deepEqual(await collect(ds.query(provider)), [])

  // the same over more entries than one read takes (the query reads in pages)
  const many = Array.from({ length: 600 }, (_, i) => new Key(`/dht/provider/MANY/PEER${String(i).padStart(4, '0')}`))
  const batch = ds.batch()
  for (const key of many) batch.put(key, bytes(key.baseNamespace()))
  await batch.commit()
  assert.deepEqual((await collect(ds.query({ prefix: '/dht/provider/MANY/', offset: 300, limit: 500 }))).map(p => text(p.value)), many.slice(300).map(k => k.baseNamespace()))
  let n = 0
  for await (const key of ds.queryKeys({ prefix: '/dht/provider/MANY/' })) {
    if (n++ % 2 === 0) await ds.delete(key)
  }
  assert.equal(n, 600)
  assert.deepEqual((await collect(ds.queryKeys({ prefix: '/dht/provider/MANY/' }))).map(String), many.filter((_, i) => i % 2 === 1).map(String))
  assert.equal(text(await ds.get(new Key('/peers/PEER1'))), 'p1')
})

test('putMany, getMany, deleteMany and an atomic batch', async (t) => {
  const ds = new LmdbDatastore((await (await tempEnv(t)).open()).root)
  const keys = ['/a/1', '/a/2', '/a/3'].map(k => new Key(k))
  assert.deepEqual((await collect(ds.putMany(keys.map((key, i) => ({ key, value: bytes(`v${i}`) }))))).map(String), ['/a/1', '/a/2', '/a/3'])
  assert.deepEqual((await collect(ds.getMany(keys))).map(p => text(p.value)), ['v0', 'v1', 'v2'])
  await collect(ds.deleteMany([keys[0] as Key]))
  assert.equal(await ds.has(keys[0] as Key), false)

  const b = ds.batch()
  b.put(new Key('/b/1'), bytes('x'))
  b.put(new Key('/b/2'), bytes('y'))
  b.delete(keys[1] as Key)
  b.delete(new Key('/b/none'))
  await b.commit()
  assert.deepEqual((await collect(ds.query({}))).map(p => `${p.key.toString()}=${text(p.value)}`), ['/a/3=v2', '/b/1=x', '/b/2=y'])

  // a batch with a bad entry is refused when the entry is added, and nothing of it is written
  const bad = ds.batch()
  bad.put(new Key('/c/1'), bytes('z'))
  assert.throws(() => { bad.put(new Key(`/c/${'x'.repeat(3000)}`), bytes('z')) }, /key too long/)
  assert.equal(await ds.has(new Key('/c/1')), false)
})

test('what was written is there after the environment is closed and opened again; blocks are not touched', async (t) => {
  const { open } = await tempEnv(t)
  const env = await open()
  const ds = new LmdbDatastore(env.root)
  await ds.put(new Key('/dht/provider/CIDA/PEER1'), bytes('kept'))
  await ds.put(new Key('/peers/PEER1'), bytes('peer'))
  await ds.put(new Key('/dht/record/GONE'), bytes('gone'))
  await ds.delete(new Key('/dht/record/GONE'))
  // no flush asked: a put resolves once committed (a peer's before: closing the datastore writes it, and
  // closing the environment waits for its commit)
  ds.close()
  await env.root.close()

  const again = await open()
  const reopened = new LmdbDatastore(again.root)
  assert.equal(text(await reopened.get(new Key('/dht/provider/CIDA/PEER1'))), 'kept')
  assert.deepEqual((await collect(reopened.queryKeys({}))).map(String), ['/dht/provider/CIDA/PEER1', '/peers/PEER1'])
  const blocks = new LmdbBlockStore(again)
  assert.deepEqual(await blocks.stat(), { numObjects: 0, size: 0 })
  assert.deepEqual(await collect(again.meta.getKeys()), [])
})

test('the sweep deletes provider and value records older than 48 hours, and nothing else', async (t) => {
  const ds = new LmdbDatastore((await (await tempEnv(t)).open()).root)
  const now = Date.now()
  const old = now - RECORD_VALIDITY - 1000
  const fresh = now - RECORD_VALIDITY + 60_000
  const record = (at: number): Uint8Array => new Record(bytes('/ipns/x'), bytes('value'), new Date(at)).serialize()
  const entries: Array<[string, Uint8Array]> = [
    ['/lanDHT/provider/CIDA/OLDPEER', varint(old)],
    ['/lanDHT/provider/CIDA/NEWPEER', varint(fresh)],
    ['/aminoDHT/provider/CIDB/OLDPEER', varint(old)],
    ['/lanDHT/record/OLD', record(old)],
    ['/lanDHT/record/NEW', record(fresh)],
    ['/lanDHT/record/GARBLED', bytes('not a record')],
    ['/peers/OLDPEER', varint(old)],
    ['/other/thing', varint(old)]
  ]
  for (const [k, v] of entries) await ds.put(new Key(k), v)
  assert.equal(await sweepDhtRecords(ds, now), 3)
  assert.deepEqual((await collect(ds.queryKeys({}))).map(String).sort(),
    ['/lanDHT/provider/CIDA/NEWPEER', '/lanDHT/record/NEW', '/lanDHT/record/GARBLED', '/peers/OLDPEER', '/other/thing'].sort())
})

/** kad-dht's provider record value: the time as an unsigned varint */
function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 128) { out.push((n % 128) | 128); n = Math.floor(n / 128) }
  out.push(n)
  return Uint8Array.from(out)
}
