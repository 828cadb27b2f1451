/**
 * `add` behaviours checked against Kubo itself: stdin with -w and --stdin-name, --empty-dirs,
 * --dereference-symlinks, --to-files, --fast-provide-*, --nocopy/--fscache (same output, errors and exit
 * codes); and every command whose stdout is closed early (`tsipfs cat <cid> | head`) exits quietly, with or
 * without a daemon.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, BIN, type Harness, type RunResult } from '../helpers/cli.ts'
import { kuboRepo, type Kubo } from '../helpers/kubo.ts'
import { startDaemon } from '../helpers/daemon.ts'

/** What a user sees: stdout, the first line of stderr, the exit code */
function seen (r: RunResult): string {
  return `${r.stdout}${r.stderr.split('\n')[0] ?? ''}\nexit ${r.code}`
}

async function tree (dir: string): Promise<void> {
  await mkdir(join(dir, 'e', 'full', 'sub'), { recursive: true })
  await mkdir(join(dir, 'e', 'empty'))
  await mkdir(join(dir, 'e', 'nested', 'a', 'b'), { recursive: true })
  await writeFile(join(dir, 'e', 'full', 'f'), 'x\n')
  await writeFile(join(dir, 'e', 'full', 'sub', 'g'), 'y\n')
  await symlink('full/f', join(dir, 'e', 'link-f'))
  await symlink('full', join(dir, 'e', 'link-dir'))
  await mkdir(join(dir, 'broken'))
  await symlink('nowhere', join(dir, 'broken', 'dangling'))
}

test('add: stdin, -E, --dereference-symlinks, --to-files and --nocopy as Kubo, with and without a daemon', async (t) => {
  const kubo = await kuboRepo(t)
  if (kubo === undefined) return
  const h = await harness(t)
  await tree(h.dir)
  const cases: Array<{ args: string[], input?: string }> = [
    { args: ['-w'], input: 'hi\n' },
    { args: ['-w', '-'], input: 'hi\n' },
    { args: ['-w', '--cid-version=1'], input: 'hi\n' },
    { args: ['-w', '--inline'], input: 'hi\n' },
    { args: ['-w', '--hash=blake3'], input: 'hi\n' },
    { args: ['-w', '-Q'], input: 'hi\n' },
    { args: ['-w', '--stdin-name=foo.txt'], input: 'hi\n' },
    { args: ['--stdin-name=foo.txt'], input: 'hi\n' },
    { args: ['-r', '--empty-dirs=false', 'e'] },
    { args: ['-r', '-E=false', 'e/empty'] },
    { args: ['-r', 'e'] },
    { args: ['-r', '--dereference-symlinks', 'e'] },
    { args: ['--dereference-symlinks', 'e/link-f'] },
    { args: ['-r', '--dereference-symlinks', 'e/link-dir'] },
    { args: ['--dereference-args', 'e/link-f'] },
    { args: ['-r', '--dereference-symlinks', 'broken'] },
    // with the daemon, tsipfs announces the root (or the DAG) at once; Kubo here, offline, skips it
    { args: ['--fast-provide-root=false', 'e/full/f'] },
    { args: ['--fast-provide-dag', '--fast-provide-wait', '-r', 'e/full'] },
    { args: ['--nocopy', 'e/full/f'] },
    { args: ['--fscache', 'e/full/f'] },
    { args: ['-w', '--to-files', '/myfs/w', 'e/full/f'] },
    { args: ['--to-files', 'relative', 'e/full/f'] },
    { args: ['--to-files', '/nonexist/dir/', 'e/full/f'] },
    { args: ['--to-files', '/myfs/dir/', 'e/full/f'] },
    { args: ['-r', '--to-files', '/myfs/dir/', 'e/full'] },
    { args: ['--to-files', '/myfs/x', 'e/full/f'] },
    { args: ['--to-files', '/myfs/x', 'e/full/f'] },
    { args: ['--to-files', '/myfs/y', 'e/full/f', 'e/full/sub/g'] },
    { args: ['--to-files', '/myfs/dir/'], input: 'hi\n' },
    { args: ['--to-files', '/nonexist/x', 'e/full/f'] },
    { args: ['--max-hamt-fanout=3', '-r', 'e/full'] },
    { args: ['e/full'] },
    { args: ['e/none'] },
    { args: ['--cid-base=nope', 'e/full/f'] },
    { args: ['--cid-base=base32', 'e/full/f'] },
    { args: ['--hash=nope', 'e/full/f'] },
    { args: ['-Qn', 'e/full/f'] }
  ]
  const kuboSeen: string[] = []
  const kuboFiles = new Map<string, string>()
  const check = async (run: (args: string[], input?: string) => Promise<RunResult>, label: string): Promise<void> => {
    // a fresh /myfs/dir on both sides (Kubo's is set up once: its answers are asked once)
    for (const args of [['files', 'mkdir', '-p', '/myfs'], ['files', 'rm', '-r', '/myfs'], ['files', 'mkdir', '-p', '/myfs/dir']]) {
      if (kuboSeen.length === 0) await kubo.ok(args)
      assert.equal((await run(args)).code, 0)
    }
    for (const [i, c] of cases.entries()) {
      // Kubo is asked in the first round only: tsipfs must answer the same in both
      kuboSeen[i] ??= seen(await kubo.run(['add', ...c.args], { cwd: h.dir, input: c.input }))
      assert.equal(seen(await run(['add', ...c.args], c.input)), kuboSeen[i], `${label}: add ${c.args.join(' ')}`)
    }
    for (const dir of ['/myfs', '/myfs/dir']) {
      if (!kuboFiles.has(dir)) kuboFiles.set(dir, await kubo.ok(['files', 'ls', '-l', dir]))
      assert.equal((await run(['files', 'ls', '-l', dir])).stdout, kuboFiles.get(dir), `${label}: files ls ${dir}`)
    }
  }
  const local = async (args: string[], input?: string): Promise<RunResult> => await h.run(args, { cwd: h.dir, input })
  await check(local, 'no daemon')
  await startDaemon(t, h)
  await check(local, 'daemon')
})

/** Runs tsipfs with stdout on a pipe that is closed after the first bytes arrive */
async function closeEarly (h: Harness, args: string[]): Promise<{ code: number | null, stderr: string, got: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, IPFS_PATH: h.repo }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  let got = 0
  child.stdout.once('data', (d: Buffer) => {
    got = d.byteLength
    child.stdout.destroy()
  })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return { code, stderr, got }
}

test('a command whose stdout is closed early exits quietly (cat, refs, ls, add), with and without a daemon', async (t) => {
  const h = await harness(t)
  // 8 MiB of varied bytes: more than a pipe holds, and many blocks for refs
  const big = Buffer.alloc(8 * 1024 * 1024)
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((i * 2654435761) >>> 0, i)
  await writeFile(join(h.dir, 'big'), big)
  const many = join(h.dir, 'many')
  await mkdir(many)
  // long names: `ls` prints ~750 KB, more than the socket under the child's stdout holds (~208 KiB), so it
  // cannot finish writing before the reader hangs up (with names of a few bytes, it sometimes did: exit 0)
  const long = 'n'.repeat(200)
  for (let i = 0; i < 3000; i++) await writeFile(join(many, `${long}${i}`), `${i}\n`)
  const cid = (await h.ok(['add', '-Q', join(h.dir, 'big')])).trim()
  const dir = (await h.ok(['add', '-Q', '-r', many])).trim()
  const commands = [['cat', cid], ['refs', '-r', dir], ['ls', dir], ['add', '-r', '-n', many]]
  const check = async (label: string): Promise<void> => {
    for (const args of commands) {
      const r = await closeEarly(h, args)
      assert.ok(r.got > 0, `${label}: ${args[0]} wrote something`)
      assert.equal(r.stderr, '', `${label}: ${args.join(' ')} is quiet`)
      // Kubo's status: killed by SIGPIPE
      assert.equal(r.code, 141, `${label}: ${args.join(' ')}`)
    }
  }
  await check('no daemon')
  await startDaemon(t, h)
  await check('daemon')
})
