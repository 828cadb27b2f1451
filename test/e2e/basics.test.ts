import { test } from 'node:test'
import assert from 'node:assert/strict'
import { harness, runBin } from '../helpers/cli.ts'

test('init creates a repo, and a second init refuses', async (t) => {
  const h = await harness(t)
  const again = await h.run(['init'])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /^Error: .*already exists/)
})

test('add then cat returns the bytes with the CID Kubo prints', async (t) => {
  const h = await harness(t)
  const out = await h.ok(['add', '-q'], { input: 'hello\n' })
  // `echo hello | ipfs add -q` prints this (Kubo docs, "ipfs add" examples)
  assert.equal(out.trim(), 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN')
  assert.equal(await h.ok(['cat', out.trim()]), 'hello\n')
})

test('errors are one line on stderr with exit status 1', async (t) => {
  const h = await harness(t)
  const r = await h.run(['cat', 'not-a-cid'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^Error: [^\n]+\n$/)
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/)
})

test('a command without a repo says to run init', async (t) => {
  const h = await harness(t, { init: false })
  const r = await h.run(['cat', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /tsipfs init/)
  // a command that needs the daemon says so only where there is a repo, as Kubo does
  const s = await h.run(['shutdown'])
  assert.equal(s.code, 1)
  assert.match(s.stderr, /^Error: no tsipfs repo found in .*\nplease run: 'tsipfs init'\n$/)
})

test('every command group has --help text through the binary (test/unit/docs.test.ts renders every command\'s)', async () => {
  const r = await runBin(['commands'])
  assert.equal(r.code, 0)
  const paths = r.stdout.trim().split('\n').slice(1).map(l => l.split(' ').slice(1))
  assert.ok(paths.length > 3)
  // one process per top-level command, and the deepest command of each group: the same help renderer
  // serves every path, and spawning ~150 processes cost two minutes of CI
  const picked = new Map<string, string[]>()
  for (const p of paths) {
    const top = p[0] as string
    const seen = picked.get(top)
    if (seen === undefined || p.length > seen.length) picked.set(top, p)
    if (!picked.has(`${top}/`)) picked.set(`${top}/`, [top])
  }
  for (const p of picked.values()) {
    const help = await runBin([...p, '--help'])
    assert.equal(help.code, 0, `${p.join(' ')} --help`)
    assert.match(help.stdout, /USAGE/)
  }
})
