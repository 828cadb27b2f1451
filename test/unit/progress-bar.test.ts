import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FileBytes, ProgressBar, formatBytes, formatElapsed, formatSeconds } from '../../src/cli/progress-bar.ts'

test('sizes and times are written as cheggaaa/pb and Go write them', () => {
  assert.equal(formatBytes(0), '0 B')
  assert.equal(formatBytes(1023), '1023 B')
  assert.equal(formatBytes(262144), '256.00 KiB')
  assert.equal(formatBytes(50000000), '47.68 MiB')
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GiB')
  assert.equal(formatElapsed(0), '0s')
  assert.equal(formatElapsed(204), '200ms')
  assert.equal(formatElapsed(1234), '1.2s')
  assert.equal(formatElapsed(2000), '2.0s')
  assert.equal(formatElapsed(65_400), '1m5s')
  assert.equal(formatSeconds(0), '0s')
  assert.equal(formatSeconds(3723), '1h2m3s')
})

test('a frame fills the terminal width: counters, bar, speed, percent, ETA; the last frame stays', () => {
  let now = 0
  const written: string[] = []
  const bar = new ProgressBar({ write: (t) => written.push(t), columns: 100 }, () => now)
  // no total yet: the bytes and an unknown speed
  bar.set(262144)
  assert.equal(bar.frame(), '256.00 KiB ?/s')
  // the frame Kubo 0.42 draws for the same figures in a 100-column terminal
  bar.setTotal(50000000)
  assert.equal(bar.frame(), '256.00 KiB / 47.68 MiB [>__________________________________________________________] ?/s 0.52% ETA ?')
  // half a second later: a speed (sampled from the first frame on, as pb samples it) and an ETA
  now = 1000
  bar.set(25000000)
  const mid = bar.frame()
  assert.equal(mid.length, 100)
  assert.match(mid, /^23\.84 MiB \/ 47\.68 MiB \[-+>_+\] 23\.59 MiB\/s 50\.00% ETA 1s$/)
  now = 2000
  bar.set(50000000)
  bar.finish()
  const last = written.at(-1) as string
  assert.match(last, /^\r47\.68 MiB \/ 47\.68 MiB \[-+\] 23\.84 MiB\/s 100\.00% 2\.0s\n$/)
  assert.equal(last.length, 102)
})

test('cat and get: a total of 0 given is Kubo\'s unknown one; a last frame that is the first has no speed', () => {
  let now = 0
  const written: string[] = []
  const none = new ProgressBar({ write: (t) => written.push(t), columns: 100 }, () => now)
  none.setTotal(0)
  assert.equal(none.frame(), `0 B [${'_'.repeat(81)}] ?/s ?% ETA ?`)
  none.finish()
  assert.equal(written.at(-1), `\r0 B [${'_'.repeat(84)}] ?/s ?% 0s\n`)
  // counted as the bytes pass; finished before any frame was drawn: no speed, as pb shows none
  const fast = new ProgressBar({ write: (t) => written.push(t), columns: 100 }, () => now)
  fast.setTotal(3 * 1024 * 1024)
  fast.add(1024 * 1024)
  fast.add(2 * 1024 * 1024)
  now = 150
  fast.finish()
  assert.match(written.at(-1) as string, /^\r3\.00 MiB \/ 3\.00 MiB \[-+\] \?\/s 100\.00% 200ms\n$/)
  assert.equal((written.at(-1) as string).length, 102)
})

test('a frame too narrow for the bar leaves it out', () => {
  const bar = new ProgressBar({ write: () => {}, columns: 36 }, () => 0)
  bar.setTotal(2048)
  bar.set(1024)
  assert.equal(bar.frame(), '1.00 KiB / 2.00 KiB ?/s 50.00% ETA ?')
})

test('files added side by side are counted once each, a second file of the same name again', () => {
  const count = new FileBytes()
  assert.equal(count.add('d/a', 100), 100)
  assert.equal(count.add('d/b', 50), 150)
  assert.equal(count.add('d/a', 300), 350)
  assert.equal(count.add('d/b', 80), 380)
  // `add a a`: the same name from the start again
  assert.equal(count.add('d/a', 10), 390)
})
