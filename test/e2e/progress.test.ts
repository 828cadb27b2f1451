import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
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

/** Bytes that vary along the file, so that its chunks differ */
function pattern (size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + seed + (i >> 12)) % 251
  return bytes
}

/** A frame of Kubo's bar for cat and get (ProgressBarFullTemplate), 100 columns wide, out of `total` */
function checkFrames (drawn: string[], total: string): void {
  assert.ok(drawn.length > 0)
  for (const f of drawn) {
    assert.equal(f.length, 100, f)
    assert.match(f, new RegExp(`^\\d+(\\.\\d\\d)? (B|KiB|MiB) / ${total.replace('.', '\\.')} \\[[->_]+\\] (\\?|\\d+\\.\\d\\d (B|KiB|MiB|GiB))/s \\d+\\.\\d\\d% (ETA (\\?|[\\dhms]+)|[\\d.]+m?s)$`), f)
  }
}

/** The bars `cat` and `get` draw, run locally or through the daemon: the same either way */
async function checkCatGet (h: Harness): Promise<void> {
  const big = pattern(9 * 1024 * 1024, 1)
  const small = pattern(1024 * 1024, 2)
  await mkdir(join(h.dir, 'dir'))
  await writeFile(join(h.dir, 'big'), big)
  await writeFile(join(h.dir, 'dir', 'small'), small)
  await writeFile(join(h.dir, 'dir', 'big'), big)
  const bigCid = (await h.ok(['add', '-Q', join(h.dir, 'big')])).trim()
  const dirCid = (await h.ok(['add', '-Q', '-r', join(h.dir, 'dir')])).trim()
  const smallCid = (await h.ok(['add', '-Q', join(h.dir, 'dir', 'small')])).trim()
  const out = (name: string): string => join(h.dir, name)

  // cat: the bytes on stdout unchanged, the bar on the terminal; the line cleared at the end, the last frame stays
  const cat = onTerminal(h, `cat ${bigCid} > "${out('cat1')}"`)
  assert.equal(cat.status, 0, cat.out)
  assert.deepEqual(new Uint8Array(await readFile(out('cat1'))), big)
  checkFrames(frames(cat.out), '9.00 MiB')
  assert.match(frames(cat.out).at(-1) as string, /^9\.00 MiB \/ 9\.00 MiB \[-+\] .*\/s 100\.00% \S+$/)
  assert.ok(cat.out.includes('\x1b[2K\r'), cat.out)
  assert.ok(cat.out.endsWith('\n'))
  // the total is what is read after --offset and --length
  const part = onTerminal(h, `cat -o 262144 -l 8912896 ${bigCid} > "${out('cat2')}"`)
  assert.equal(part.status, 0, part.out)
  assert.deepEqual(new Uint8Array(await readFile(out('cat2'))), big.subarray(262144, 262144 + 8912896))
  checkFrames(frames(part.out), '8.50 MiB')
  assert.match(frames(part.out).at(-1) as string, /^8\.50 MiB \/ 8\.50 MiB .* 100\.00% /)
  // as Kubo: no bar for an output known to be under 8 MiB, nor with --progress=false
  for (const args of [`cat ${smallCid}`, `cat -l 1000 ${bigCid}`, `cat --progress=false ${bigCid}`]) {
    const r = onTerminal(h, `${args} > "${out('cat3')}"`)
    assert.equal(r.status, 0, r.out)
    assert.equal(r.out, '', args)
  }
  // nothing to read: Kubo's bar of an unknown total
  const none = onTerminal(h, `cat -l 0 ${bigCid}`)
  assert.equal(none.status, 0, none.out)
  assert.match(frames(none.out).at(-1) as string, /^0 B \[_+\] \?\/s \?% \S+$/)
  assert.equal((frames(none.out).at(-1) as string).length, 100)

  // get: where it saves on stdout, the bar on stderr; the files' bytes counted, the whole size at the end
  const get = onTerminal(h, `get ${bigCid} -o "${out('get1')}"`)
  assert.equal(get.status, 0, get.out)
  assert.deepEqual(new Uint8Array(await readFile(out('get1'))), big)
  assert.ok(get.out.startsWith(`Saving file(s) to ${out('get1')}\r\n`), get.out)
  const drawn = frames(get.out).slice(1)
  checkFrames(drawn, '9.00 MiB')
  assert.match(drawn.at(-1) as string, /^9\.00 MiB \/ 9\.00 MiB \[-+\] .* 100\.00% \S+$/)
  // a directory: its whole DAG's size (10 MiB of files and the blocks' overhead)
  const dir = onTerminal(h, `get ${dirCid} -o "${out('get2')}"`)
  assert.equal(dir.status, 0, dir.out)
  assert.deepEqual(new Uint8Array(await readFile(join(out('get2'), 'small'))), small)
  assert.match(frames(dir.out).at(-1) as string, /^10\.00 MiB \/ 10\.00 MiB \[-+\] .* 100\.00% \S+$/)
  // an archive: its bytes counted, which are not quite the size (tar headers in, the blocks' overhead out)
  const tar = onTerminal(h, `get -a ${dirCid} -o "${out('get3')}"`)
  assert.equal(tar.status, 0, tar.out)
  assert.ok(tar.out.startsWith(`Saving archive to ${out('get3')}.tar\r\n`), tar.out)
  assert.match(frames(tar.out).at(-1) as string, /^10\.00 MiB \/ 10\.00 MiB \[-+>?\] .* (99\.9\d|100\.\d\d)% \S+$/)
  const gz = onTerminal(h, `get -C ${bigCid} -o "${out('get4')}"`)
  assert.equal(gz.status, 0, gz.out)
  assert.match(frames(gz.out).at(-1) as string, /^\d+(\.\d\d)? (B|KiB|MiB) \/ 9\.00 MiB \[[->_]+\] .* \d+\.\d\d% \S+$/)
  const quiet = onTerminal(h, `get --progress=false ${bigCid} -o "${out('get5')}"`)
  assert.equal(quiet.status, 0, quiet.out)
  assert.equal(quiet.out, `Saving file(s) to ${out('get5')}\r\n`)

  // stderr not a terminal: no bar, the same bytes
  const piped = await h.run(['cat', bigCid])
  assert.equal(piped.code, 0, piped.stderr)
  assert.equal(piped.stderr, '')
  assert.deepEqual(new Uint8Array(piped.stdoutBytes), big)
  const saved = await h.run(['get', bigCid, '-o', out('get6')])
  assert.equal(saved.code, 0, saved.stderr)
  assert.equal(saved.stderr, '')
  assert.equal(saved.stdout, `Saving file(s) to ${out('get6')}\n`)
}

test('cat and get draw Kubo\'s progress bar on a terminal\'s stderr; not with --progress=false, nor off a terminal', async (t) => {
  const h = await harness(t)
  await checkCatGet(h)
})

test('cat and get through the daemon draw the same bars, sized by its X-Content-Length', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  await checkCatGet(h)
  // the header, as Kubo sends it: the bytes cat reads after --offset and --length, over its paths end to end
  const big = (await h.ok(['add', '-Q', join(h.dir, 'big')])).trim()
  const small = (await h.ok(['add', '-Q', join(h.dir, 'dir', 'small')])).trim()
  const dir = (await h.ok(['add', '-Q', '-r', join(h.dir, 'dir')])).trim()
  const length = async (query: string): Promise<{ header: string | null, body: number }> => {
    const res = await fetch(`${d.url}/api/v0/${query}`, { method: 'POST' })
    assert.equal(res.status, 200)
    return { header: res.headers.get('x-content-length'), body: (await res.arrayBuffer()).byteLength }
  }
  const MiB = 1024 * 1024
  assert.deepEqual(await length(`cat?arg=${big}`), { header: String(9 * MiB), body: 9 * MiB })
  assert.deepEqual(await length(`cat?arg=${big}&offset=1000&length=5000`), { header: '5000', body: 5000 })
  assert.deepEqual(await length(`cat?arg=${big}&offset=${9 * MiB - 100}&length=5000`), { header: '100', body: 100 })
  // the offset runs past the first file into the second; the length stops in the second
  assert.deepEqual(await length(`cat?arg=${small}&arg=${big}&offset=${MiB + 10}`), { header: String(9 * MiB - 10), body: 9 * MiB - 10 })
  assert.deepEqual(await length(`cat?arg=${small}&arg=${big}&offset=10&length=${MiB}`), { header: String(MiB), body: MiB })
  assert.deepEqual(await length(`cat?arg=${big}&offset=${10 * MiB}`), { header: '0', body: 0 })
  assert.deepEqual(await length(`cat?arg=${big}&length=0`), { header: '0', body: 0 })
  // get: the size of what the path holds, whatever the archive makes of it; a directory's is its DAG's
  assert.equal((await length(`get?arg=${big}`)).header, String(9 * MiB))
  const cumulative = (await h.ok(['files', 'stat', '--format=<cumulsize>', `/ipfs/${dir}`])).trim()
  assert.equal((await length(`get?arg=${dir}&archive=true&compress=true`)).header, cumulative)
})
