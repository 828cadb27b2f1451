/**
 * The disk filling up in the middle of an add: the repo sits on a 12 MiB tmpfs mounted in a mount
 * namespace of the test's own (`unshare --mount`, with --map-root-user when not root), and a 20 MB file is
 * added. The add fails with one line and exit status 1 (lmdb-js crashed the CLI, printed a stack and
 * hung it), the repo is intact, GC frees the failed add's blocks and the next add works.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness, runProcess, BIN } from '../helpers/cli.ts'
import { prngBytes } from '../vectors/inputs.ts'

test('a full disk fails the add with one error line, and the repo stays whole', async (t) => {
  const h = await harness(t, { init: false })
  const big = join(h.dir, 'big')
  await writeFile(big, prngBytes('disk-full', 20_000_000))
  const mnt = join(h.dir, 'mnt')
  const node = `'${process.execPath}' '${BIN}'`
  // each step prints its exit status and error output on lines of its own
  const script = `
    set -u
    mkdir -p '${mnt}' && mount -t tmpfs -o size=12m tmpfs '${mnt}' || exit 99
    export IPFS_PATH='${mnt}/repo'
    step () { name=$1; shift; "$@" > '${h.dir}/out' 2> '${h.dir}/err'; echo "$name=$?"; sed "s/^/$name:err:/" '${h.dir}/err'; sed "s/^/$name:out:/" '${h.dir}/out'; }
    step init ${node} init --profile=test
    step add ${node} add -Q '${big}'
    step verify ${node} repo verify
    step pins ${node} pin ls --type=recursive
    step gc ${node} repo gc -q
    echo small > '${h.dir}/small'
    step small ${node} add -Q '${h.dir}/small'
  `
  const asRoot = process.getuid?.() === 0 ? [] : ['--map-root-user']
  const r = await runProcess('unshare', ['--mount', ...asRoot, '--', 'bash', '-c', script])
  assert.notEqual(r.code, 99, `could not mount a tmpfs in a mount namespace: ${r.stderr}`)
  const lines = r.stdout.split('\n')
  const of = (step: string, kind: string): string[] => lines.filter(l => l.startsWith(`${step}:${kind}:`)).map(l => l.slice(step.length + kind.length + 2))
  assert.ok(lines.includes('init=0'), r.stdout + r.stderr)
  assert.ok(lines.includes('add=1'), r.stdout)
  assert.deepEqual(of('add', 'err'), ['Error: could not write to the datastore: Input/output error (is the disk full?)'])
  assert.deepEqual(of('add', 'out'), [])
  assert.ok(lines.includes('verify=0'), r.stdout)
  assert.deepEqual(of('pins', 'out'), [], 'the failed add pinned nothing')
  assert.ok(lines.includes('gc=0'), r.stdout)
  assert.ok(of('gc', 'out').length > 0, 'GC removed the blocks the failed add had committed')
  assert.ok(lines.includes('small=0'), r.stdout)
  assert.match(of('small', 'out')[0] ?? '', /^Qm/)
})
