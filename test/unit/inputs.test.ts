/**
 * The CLI's reader of local paths (src/cli/inputs.ts): symlinks followed under --dereference-symlinks, and a
 * symlink loop failing with the system's error as Kubo's does, instead of walking forever.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localEntries } from '../../src/cli/inputs.ts'

async function paths (given: string[], options: Parameters<typeof localEntries>[1]): Promise<string[]> {
  const out: string[] = []
  for await (const e of localEntries(given, options)) out.push(`${e.type} ${e.path}`)
  return out
}

test('symlinks: kept as links, followed with --dereference-symlinks, and a loop is an error', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-inputs-'))
  t.after(async () => { await rm(dir, { recursive: true, force: true }) })
  await mkdir(join(dir, 'tree', 'a'), { recursive: true })
  await writeFile(join(dir, 'tree', 'a', 'f'), 'hi')
  await symlink('a', join(dir, 'tree', 'to-a'))

  assert.deepEqual(await paths([join(dir, 'tree')], { recursive: true }),
    ['directory tree', 'directory tree/a', 'file tree/a/f', 'symlink tree/to-a'])
  assert.deepEqual(await paths([join(dir, 'tree')], { recursive: true, dereferenceSymlinks: true }),
    ['directory tree', 'directory tree/a', 'file tree/a/f', 'directory tree/to-a', 'file tree/to-a/f'])

  // a link to an ancestor: the system refuses the path once it goes through 40 links
  await symlink('..', join(dir, 'tree', 'a', 'up'))
  await assert.rejects(paths([join(dir, 'tree')], { recursive: true, dereferenceSymlinks: true }),
    (err: Error) => err.name === 'LocalFileError' && /^stat .*(\/a\/up){8}.*: too many levels of symbolic links$/.test(err.message))
  // without dereferencing, the loop is just a symlink
  assert.ok((await paths([join(dir, 'tree')], { recursive: true })).includes('symlink tree/a/up'))

  // a link to itself, given as the argument
  await symlink('self', join(dir, 'self'))
  await assert.rejects(paths([join(dir, 'self')], { dereferenceSymlinks: true }),
    (err: Error) => err.message === `${join(dir, 'self')}: too many levels of symbolic links`)
})
