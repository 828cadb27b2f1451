import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'

test('pins: recursive, direct, indirect, names, update, rm, verify; gc keeps pinned blocks only', async (t) => {
  const h = await harness(t)
  const src = join(h.dir, 'src')
  await mkdir(src)
  await writeFile(join(src, 'a'), 'aaa\n')
  await writeFile(join(src, 'b'), 'bbb\n')
  const root = (await h.ok(['add', '-Q', '-r', '--pin-name=mine', src])).trim()
  const loose = (await h.ok(['add', '-Q', '--pin=false'], { input: 'loose\n' })).trim()
  assert.match(await h.ok(['pin', 'ls', '--type=recursive', '--names']), new RegExp(`^${root} recursive mine\n$`))
  const all = await h.ok(['pin', 'ls'])
  assert.equal(all.split('\n').filter(l => l.endsWith(' indirect')).length, 2)
  // as Kubo 0.42: an indirect pin names the recursive pin it is under; one pinned directly too is not listed
  // as indirect; unpinning it says boxo's words; a bad path has no "pin: " before it
  const a = (await h.ok(['resolve', `/ipfs/${root}/a`])).trim().slice(6)
  assert.equal(await h.ok(['pin', 'ls', `${root}/a`]), `${a} indirect through ${root}\n`)
  assert.equal((await h.run(['pin', 'rm', a])).stderr, 'Error: not pinned or pinned indirectly\n')
  await h.ok(['pin', 'add', '--recursive=false', a])
  assert.doesNotMatch(await h.ok(['pin', 'ls', '--type=indirect']), new RegExp(a))
  // asked for by name with --type=indirect, it is found under its recursive pin (Kubo's IsPinnedWithType)
  assert.equal(await h.ok(['pin', 'ls', '--type=indirect', a]), `${a} indirect through ${root}\n`)
  await h.ok(['pin', 'rm', a])
  assert.equal((await h.run(['pin', 'add', `${root}/nope`])).stderr, `Error: no link named "nope" under ${root}\n`)
  const notPinned = await h.run(['pin', 'ls', loose])
  assert.equal(notPinned.code, 1)
  assert.match(notPinned.stderr, /is not pinned/)

  const gc = await h.ok(['repo', 'gc'])
  assert.equal(gc.trim().split('\n').length, 1, 'only the loose block goes')
  assert.match(gc, /^removed bafk/)
  const cat = await h.run(['cat', loose])
  assert.equal(cat.code, 1)

  const other = (await h.ok(['add', '-Q'], { input: 'other\n' })).trim()
  await h.ok(['pin', 'rm', other])
  await h.ok(['pin', 'add', '--recursive=false', other])
  assert.match(await h.ok(['pin', 'ls', '--type=direct']), new RegExp(`^${other} direct\n$`))
  await h.ok(['pin', 'update', root, other])
  assert.match(await h.ok(['pin', 'ls', '--type=recursive', '--names']), new RegExp(`^${other} recursive mine\n$`))
  const verify = await h.ok(['pin', 'verify', '--verbose'])
  assert.match(verify, new RegExp(`${other} ok`))
  // Kubo's JSON leaves BadNodes out when there are none; boxo refuses to move a pin onto a recursive one
  assert.equal(await h.ok(['pin', 'verify', '--verbose', '--enc=json']), `{"Cid":"${other}","Ok":true}\n`)
  const third = (await h.ok(['add', '-Q'], { input: 'third\n' })).trim()
  assert.equal((await h.run(['pin', 'update', other, third])).stderr, "Error: 'to' cid was already recursively pinned\n")
  await h.ok(['pin', 'rm', third])

  const rm = await h.run(['pin', 'rm', root])
  assert.equal(rm.code, 1)
  assert.match(rm.stderr, /^Error: not pinned or pinned indirectly\n$/)
  const blockRm = await h.run(['block', 'rm', other])
  assert.equal(blockRm.code, 1)
  assert.match(blockRm.stderr + blockRm.stdout, /pinned/)

  // Kubo's text: a count per block redrawn with \r, then the summary; its JSON ends with Progress 0
  assert.match(await h.ok(['repo', 'verify']), /^1 blocks processed\.\r(\d+ blocks processed\.\r)*verify complete, all blocks validated\.\n$/)
  assert.match(await h.ok(['repo', 'verify', '--enc=json']), /\{"Msg":"verify complete, all blocks validated\.","Progress":0\}\n$/)
  const sizeOnly = JSON.parse(await h.ok(['repo', 'stat', '--size-only', '--enc=json'])) as Record<string, unknown>
  assert.deepEqual(Object.keys(sizeOnly), ['RepoSize', 'StorageMax', 'NumObjects', 'RepoPath', 'Version'])
  assert.match(await h.ok(['repo', 'stat', '-s']), /^RepoSize: {3}\d+\nStorageMax: 10000000000\n$/)
  const stat = JSON.parse(await h.ok(['repo', 'stat', '--enc=json'])) as Record<string, unknown>
  assert.deepEqual(Object.keys(stat), ['RepoSize', 'StorageMax', 'NumObjects', 'RepoPath', 'Version'])
  assert.equal(stat.StorageMax, 10e9)
})

test('pin add --progress: Kubo\'s line on stderr and its JSON reports, counting the blocks of every path', async (t) => {
  const h = await harness(t)
  const big = join(h.dir, 'big')
  // 3 chunks of 256 KiB and a root: the root's bytes make the total a little over 768 KiB
  const bytes = new Uint8Array(768 * 1024)
  for (let i = 0; i < 3; i++) bytes.fill(i + 1, i * 256 * 1024, (i + 1) * 256 * 1024)
  await writeFile(big, bytes)
  const file = (await h.ok(['add', '-Q', '--pin=false', big])).trim()
  const small = (await h.ok(['add', '-Q', '--pin=false'], { input: 'small\n' })).trim()
  const r = await h.run(['pin', 'add', '--progress', file, small])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `pinned ${file} recursively\npinned ${small} recursively\n`)
  // the last report covers both paths: 4 blocks of the file and the small one's
  assert.match(r.stderr, /Fetched\/Processed 5 nodes \(787 kB\)\r$/)
  await h.ok(['pin', 'rm', file, small])
  // with --enc=json, as Kubo 0.42's CLI: the reports still make the line on stderr, only the pins are JSON on stdout
  const json = await h.run(['pin', 'add', '--progress', '--enc=json', file])
  assert.equal(json.code, 0, json.stderr)
  assert.equal(json.stdout, `{"Pins":["${file}"]}\n`)
  assert.match(json.stderr, /Fetched\/Processed 4 nodes \(787 kB\)\r$/)
  // without --progress, only the pins
  await h.ok(['pin', 'rm', file])
  assert.equal(await h.ok(['pin', 'add', '--enc=json', file]), `{"Pins":["${file}"]}\n`)
})
