import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, BIN, type Harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'

/** `tsipfs <args>` on a pseudo-terminal (script(1)) 100 columns wide; what the terminal received */
function onTerminal (h: Harness, args: string): { status: number | null, out: string } {
  const r = spawnSync('script', ['-qec', `stty cols 100 rows 40; "${process.execPath}" "${BIN}" ${args}`, '/dev/null'], { env: { ...process.env, IPFS_PATH: h.repo }, encoding: 'utf8' })
  return { status: r.status, out: r.stdout }
}

/** The frames drawn: the text between carriage returns, newlines and line clears taken off */
function frames (out: string): string[] {
  return out.split('\r').map(f => f.replaceAll('\x1b[2K', '').replace(/\n$/, '')).filter(f => f !== '' && !f.startsWith('added '))
}

async function checkBar (h: Harness): Promise<void> {
  const dir = join(h.dir, 'tree')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'a'), new Uint8Array(3 * 1024 * 1024).fill(1))
  await writeFile(join(dir, 'b'), new Uint8Array(5 * 1024 * 1024).fill(2))
  const r = onTerminal(h, `add -r "${dir}"`)
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /added Qm\w+ tree\/a\r?\n/)
  assert.match(r.out, /added Qm\w+ tree\r?\n/)
  const drawn = frames(r.out)
  // the bar, as Kubo draws it, once the total (8 MiB, both files) is known; the files' bytes are counted once each
  const full = drawn.slice(0, -1).filter(f => f.includes(' / 8.00 MiB ['))
  assert.ok(full.length > 0, r.out)
  for (const f of full) {
    assert.equal(f.length, 100, f)
    assert.match(f, /^\d+(\.\d\d)? (B|KiB|MiB) \/ 8\.00 MiB \[[->_]+\] (\?|\d+\.\d\d (B|KiB|MiB))\/s \d+\.\d\d% ETA (\?|[\dhms]+)$/)
  }
  // the last frame stays: everything counted, the average speed and the time taken
  assert.match(drawn.at(-1) as string, /^8\.00 MiB \/ 8\.00 MiB \[-+\] \d+\.\d\d (KiB|MiB|GiB)\/s 100\.00% \d/)
  assert.ok(r.out.endsWith('\n'))
}

test('add draws Kubo\'s progress bar on a terminal; not when quiet, nor when stderr is not one', async (t) => {
  const h = await harness(t)
  await checkBar(h)
  const file = join(h.dir, 'one')
  await writeFile(file, new Uint8Array(1024 * 1024).fill(3))
  const quiet = onTerminal(h, `add -q "${file}"`)
  assert.equal(quiet.status, 0)
  assert.doesNotMatch(quiet.out, /MiB/)
  assert.match(quiet.out, /^Qm\w+\r?\n$/)
  // no bar on a pipe, even when asked for
  const piped = await h.run(['add', '--progress', file])
  assert.doesNotMatch(piped.stderr + piped.stdout, /MiB/)
  // stdin: no total is known until the end
  const stdin = onTerminal(h, `add < "${file}"`)
  assert.equal(stdin.status, 0, stdin.out)
  assert.ok(frames(stdin.out).some(f => /^\d+\.\d\d KiB \?\/s$/.test(f)), stdin.out)
  assert.match(frames(stdin.out).at(-1) as string, /^1\.00 MiB \/ 1\.00 MiB \[-+\] .*100\.00% /)
})

test('add through the daemon draws the same bar', async (t) => {
  const h = await harness(t)
  await startDaemon(t, h)
  await checkBar(h)
})
