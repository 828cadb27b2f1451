/**
 * A damaged LMDB data file is refused with RepoCorruptError before lmdb-js opens it
 * (src/core/blocks/lmdb-check.ts): lmdb-js would kill the process with SIGSEGV on every case below, so a
 * failure of this test is this test process crashing. An intact file, and a missing one, open as before.
 */
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, readFile, writeFile, truncate } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { openLmdb, LmdbBlockStore } from '../../src/core/blocks/lmdb-store.ts'
import { RepoCorruptError, toTsipfsError } from '../../src/core/errors.ts'

const PAGE = 16384

async function storeWithBlock (t: TestContext): Promise<{ dir: string, file: string, cid: CID, bytes: Uint8Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-lmdb-check-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  const env = await openLmdb(dir)
  const bytes = new TextEncoder().encode('hello')
  const cid = CID.createV1(raw.code, await sha256.digest(bytes))
  await new LmdbBlockStore(env).put(cid, bytes)
  await env.root.close()
  return { dir, file: join(dir, 'data.mdb'), cid, bytes }
}

async function overwrite (file: string, offset: number, bytes: Uint8Array): Promise<void> {
  const data = await readFile(file)
  data.set(bytes, offset)
  await writeFile(file, data)
}

test('an intact data file opens, and a missing one is created', async (t) => {
  const { dir, cid, bytes } = await storeWithBlock(t)
  const env = await openLmdb(dir)
  assert.deepEqual(new Uint8Array(await new LmdbBlockStore(env).get(cid)), bytes)
  await env.root.close()
  const fresh = await mkdtemp(join(tmpdir(), 'tsipfs-lmdb-check-'))
  t.after(async () => { await rm(fresh, { recursive: true, force: true }) })
  const created = await openLmdb(join(fresh, 'datastore'))
  assert.equal(await new LmdbBlockStore(created).has(cid), false)
  await created.root.close()
})

const damages: Array<[string, (file: string) => Promise<void>, RegExp]> = [
  ['cut to 8 KiB', async (f) => { await truncate(f, 8192) }, /8192 bytes: shorter than its two meta pages/],
  ['random bytes over page 0', async (f) => { await overwrite(f, 0, randomBytes(8192)) }, /page 0 is not a valid meta page/],
  ['page 0 zeroed', async (f) => { await overwrite(f, 0, new Uint8Array(PAGE)) }, /page 0 is not a valid meta page/],
  ['random bytes over page 1', async (f) => { await overwrite(f, PAGE, randomBytes(8192)) }, /page 1 is not a valid meta page/],
  ['a page size that is not one', async (f) => { await overwrite(f, 0x30, new Uint8Array([0x34, 0x12, 0, 0])) }, /page size reads 4660/],
  ['cut after the meta pages', async (f) => { await truncate(f, 2 * PAGE) }, /starts at page \d+, beyond the file's end \(2 pages\)/]
]

for (const [what, damage, message] of damages) {
  test(`a data file with ${what} is refused as damaged`, async (t) => {
    const { dir, file } = await storeWithBlock(t)
    await damage(file)
    await assert.rejects(openLmdb(dir), (err: unknown) => {
      assert.ok(err instanceof RepoCorruptError)
      assert.match(err.message, message)
      assert.match(err.message, /restore it from a backup/)
      return true
    })
  })
}

test("LMDB's own findings of a damaged page read as RepoCorruptError", () => {
  const err = toTsipfsError(new Error('MDB_CORRUPTED: Located page was wrong type'))
  assert.ok(err instanceof RepoCorruptError)
  assert.equal(err.message, 'the datastore is damaged (MDB_CORRUPTED: Located page was wrong type)')
  assert.ok(!(toTsipfsError(new Error('MDB_NOTFOUND')) instanceof RepoCorruptError))
})
