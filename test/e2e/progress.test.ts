import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, BIN } from '../helpers/cli.ts'

test('add draws a progress line on a terminal, and not when stderr is not one', async (t) => {
  const h = await harness(t)
  const file = join(h.dir, 'big')
  await writeFile(file, new Uint8Array(8 * 1024 * 1024).fill(1))
  // script(1) gives the command a pseudo-terminal
  const tty = spawnSync('script', ['-qec', `"${process.execPath}" "${BIN}" add "${file}"`, '/dev/null'], { env: { ...process.env, IPFS_PATH: h.repo }, encoding: 'utf8' })
  assert.equal(tty.status, 0, tty.stderr)
  assert.match(tty.stdout, /\r\x1b\[Kbig \d+\.\d\d MiB/)
  assert.match(tty.stdout, /added Qm\w+ big/)
  const piped = await h.run(['add', file])
  assert.doesNotMatch(piped.stderr + piped.stdout, /MiB/)
})
