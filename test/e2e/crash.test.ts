/**
 * The store survives kill -9 at any moment: the real CLI is killed mid-add at several (seeded) points;
 * after each kill the repo opens (the stale lock is taken over), every stored block matches its hash, and
 * every acknowledged pin has its whole DAG. A datastore file damaged on disk is an error, not a crash.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, BIN } from '../helpers/cli.ts'
import { prngBytes } from '../vectors/inputs.ts'

test('kill -9 during add leaves a consistent repo', async (t) => {
  const h = await harness(t)
  const src = join(h.dir, 'src')
  await mkdir(src)
  await writeFile(join(src, 'big'), prngBytes('crash-big', 24 * 1024 * 1024))
  for (let i = 0; i < 200; i++) await writeFile(join(src, `small-${i}`), prngBytes(`crash-${i}`, 3000 + i))
  // delays from a fixed seed, so a failure can be replayed
  const delays = [150, 400, 700, 1000, 1400, 2000]
  let acknowledged = 0
  for (const [round, delay] of delays.entries()) {
    const child = spawn(process.execPath, [BIN, 'add', '-r', '-Q', `--pin-name=round-${round}`, `--chunker=size-${65536 + round}`, src], {
      env: { ...process.env, IPFS_PATH: h.repo },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const closed = new Promise(resolve => child.on('close', resolve))
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { err += c.toString() })
    await Promise.race([closed, new Promise(resolve => setTimeout(resolve, delay))])
    child.kill('SIGKILL')
    await closed
    assert.equal(err.replace(/^Error: someone else has the lock.*\n/, ''), '', `round ${round}: the add itself had no error`)
    if (out.trim() !== '') acknowledged++
    const verify = await h.run(['repo', 'verify'])
    assert.equal(verify.code, 0, `round ${round}: repo verify after kill at ${delay} ms: ${verify.stderr}`)
    const pins = await h.run(['pin', 'verify'])
    assert.equal(pins.code, 0, `round ${round}: pin verify: ${pins.stderr}`)
    assert.equal(pins.stdout, '', `round ${round}: every pin is whole`)
  }
  // and the repo still works: a full add completes and its content reads back
  const root = (await h.ok(['add', '-r', '-Q', src])).trim()
  assert.equal((await h.run(['cat', `${root}/big`])).stdoutBytes.byteLength, 24 * 1024 * 1024)
  const names = await h.ok(['pin', 'ls', '--type=recursive', '--names'])
  assert.ok(names.split('\n').filter(l => l.includes('round-')).length >= acknowledged)
})

test('a damaged datastore file is one clear error for the CLI and the daemon, not a crash', async (t) => {
  const h = await harness(t)
  await h.ok(['add', '-Q', '--pin=false', join(h.repo, 'config')])
  // cut short, as a bad copy leaves it: lmdb-js died with SIGSEGV on opening it
  await truncate(join(h.repo, 'datastore', 'data.mdb'), 8192)
  for (const args of [['repo', 'stat'], ['daemon']]) {
    const r = await h.run(args)
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, /^Error: the datastore file .*data\.mdb is damaged \(8192 bytes: shorter than its two meta pages\); tsipfs will not open it: restore it from a backup, or move the datastore directory away to start with an empty store\n$/)
  }
})
