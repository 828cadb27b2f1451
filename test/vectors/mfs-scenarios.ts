/**
 * MFS scenarios: sequences of `files` (and a few other) commands, run in a fresh repo in a folder made by
 * makeInputs (plus a `many` folder of 6,000 small files, enough for a sharded directory). The outputs Kubo
 * gave for them are in mfs.json; test/e2e/files-vectors.test.ts replays them against tsipfs.
 *
 * In args, `$LAST` stands for the previous step's output, trimmed (a CID printed by `add -Q`).
 * Regenerate mfs.json with `node test/vectors/mfs-record.ts <ipfs binary>`.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface Step {
  args: string[]
  /** compare stderr too (exact); otherwise only the exit code for failing steps */
  stderr?: boolean
}

export interface Scenario {
  name: string
  steps: Step[]
}

const s = (...args: string[]): Step => ({ args })
const hashRoot = s('files', 'stat', '--hash', '/')

export const scenarios: Scenario[] = [
  {
    name: 'directories and small writes',
    steps: [
      s('files', 'mkdir', '/a'),
      s('files', 'mkdir', '-p', '/a/b/c'),
      s('files', 'write', '--create', '/a/small', 'small'),
      s('files', 'write', '--create', '/a/empty', 'empty'),
      hashRoot,
      s('files', 'ls', '/'),
      s('files', 'ls', '-l', '/a'),
      s('files', 'ls', '-l', '/a/small'),
      s('files', 'ls', '--enc=json', '/a'),
      s('files', 'ls', '--enc=json', '/a/b/c'),
      s('files', 'stat', '/a/small'),
      s('files', 'stat', '--enc=json', '/a'),
      s('files', 'stat', '--format=<type> <childs> <size> <cumulsize>', '/a/b'),
      s('files', 'stat', '--with-local', '/a'),
      s('files', 'read', '/a/small'),
      s('files', 'read', '--offset', '6', '/a/small'),
      s('files', 'read', '-o', '2', '-n', '3', '/a/small'),
      s('files', 'write', '--create', '--parents', '/x/y/z', 'small'),
      hashRoot,
      s('files', 'flush', '/'),
      s('files', 'flush', '/a')
    ]
  },
  {
    name: 'large writes, offsets, truncate, count',
    steps: [
      s('files', 'write', '--create', '/r1m', 'r1m'),
      s('files', 'stat', '--hash', '/r1m'),
      s('files', 'write', '--create', '/r5m', 'r5m'),
      s('files', 'stat', '/r5m'),
      s('files', 'write', '--offset', '100', '/r1m', 'small'),
      s('files', 'stat', '--hash', '/r1m'),
      s('files', 'write', '--offset', '262140', '/r5m', 'r300k'),
      s('files', 'stat', '--hash', '/r5m'),
      s('files', 'write', '--offset', '1500000', '/r1m', 'small'),
      s('files', 'stat', '/r1m'),
      s('files', 'read', '--offset', '1499990', '/r1m'),
      s('files', 'write', '--offset', '4999990', '/r5m', 'r1m'),
      s('files', 'stat', '/r5m'),
      s('files', 'write', '--truncate', '/r1m', 'small'),
      s('files', 'stat', '/r1m'),
      s('files', 'write', '--create', '--count', '1000', '/cnt', 'r300k'),
      s('files', 'stat', '/cnt'),
      s('files', 'write', '--offset', '1000', '/cnt', 'r1m'),
      s('files', 'stat', '/cnt'),
      s('files', 'write', '/cnt', 'small'),
      s('files', 'stat', '--hash', '/cnt'),
      s('files', 'write', '--create', '--truncate', '/t', 'r256k1'),
      s('files', 'write', '--truncate', '/t', 'r256k'),
      s('files', 'stat', '/t'),
      hashRoot
    ]
  },
  {
    name: 'CID versions, raw leaves, hashes',
    steps: [
      s('files', 'write', '--create', '--cid-version', '1', '/v1', 'r1m'),
      s('files', 'write', '--create', '--cid-version', '1', '/v1small', 'small'),
      s('files', 'write', '--create', '--raw-leaves', '/rl', 'r300k'),
      s('files', 'write', '--create', '--raw-leaves', '/rlsmall', 'small'),
      s('files', 'write', '--create', '--hash', 'blake3', '/b3', 'r300k'),
      s('files', 'write', '--create', '--cid-version', '1', '--raw-leaves=false', '/v1pb', 'r300k'),
      s('files', 'mkdir', '--cid-version', '1', '/d1'),
      s('files', 'mkdir', '--hash', 'sha2-512', '/d512'),
      s('files', 'write', '--create', '/d1/f', 'small'),
      s('files', 'write', '--create', '/d512/f', 'small'),
      s('files', 'ls', '-l', '/'),
      hashRoot,
      s('files', 'write', '--truncate', '/v1', 'small'),
      s('files', 'stat', '/v1'),
      s('files', 'write', '--offset', '11', '/v1small', 'r300k'),
      s('files', 'stat', '/v1small'),
      s('files', 'write', '/rlsmall', 'r1m'),
      s('files', 'stat', '/rlsmall'),
      s('files', 'stat', '--hash', '--cid-base=base36', '/d1'),
      hashRoot
    ]
  },
  {
    name: 'mode and mtime',
    steps: [
      s('files', 'mkdir', '-p', '/m/d'),
      s('files', 'write', '--create', '/m/f', 'small'),
      s('files', 'write', '--create', '--cid-version', '1', '/m/raw', 'small'),
      s('files', 'chmod', '755', '/m/d'),
      s('files', 'chmod', '0600', '/m/f'),
      s('files', 'chmod', '644', '/m/raw'),
      s('files', 'touch', '--mtime', '1630937926', '/m/d'),
      s('files', 'touch', '--mtime', '1630937926', '--mtime-nsecs', '5000', '/m/f'),
      s('files', 'stat', '/m/d'),
      s('files', 'stat', '/m/f'),
      s('files', 'stat', '--enc=json', '/m/d'),
      s('files', 'stat', '--enc=json', '/m/f'),
      s('files', 'stat', '/m/raw'),
      s('files', 'stat', '--format=<mode> <mode-octal> <mtime-secs> <mtime-nsecs>', '/m/f'),
      s('files', 'write', '--create', '/m/d/inside', 'small'),
      s('files', 'stat', '--hash', '/m/d'),
      s('files', 'chmod', '0', '/m/f'),
      s('files', 'stat', '--hash', '/m/f'),
      hashRoot
    ]
  },
  {
    name: 'cp, mv, rm, chcid',
    steps: [
      s('add', '-Q', '--pin=false', 'r5m'),
      s('files', 'cp', '/ipfs/$LAST', '/added'),
      s('add', '-Q', '--pin=false', '-r', 'tree'),
      s('files', 'cp', '/ipfs/$LAST', '/tree'),
      s('files', 'cp', '/added', '/copy'),
      s('files', 'cp', '-p', '/tree/a.txt', '/deep/er/a.txt'),
      s('files', 'cp', '/tree/sub', '/deep/'),
      s('files', 'ls', '-l', '/deep'),
      s('files', 'write', '--create', '/tree/sub/new', 'small'),
      hashRoot,
      s('files', 'cp', '--force', '/tree/a.txt', '/copy'),
      s('files', 'stat', '--hash', '/copy'),
      s('files', 'mv', '/copy', '/moved'),
      s('files', 'mv', '/moved', '/tree'),
      s('files', 'mv', '/tree/sub', '/renamed'),
      s('files', 'mv', '/deep/er/a.txt', '/deep/'),
      s('files', 'mv', '/added', '/deep/a.txt'),
      s('files', 'ls', '/'),
      s('files', 'ls', '-l', '/deep'),
      hashRoot,
      s('files', 'rm', '/deep/a.txt'),
      s('files', 'rm', '-r', '/renamed'),
      s('files', 'rm', '--force', '/deep/er'),
      s('files', 'rm', '--force', '/not/there'),
      s('files', 'rm', '/tree/b.txt', '/tree/moved'),
      hashRoot,
      s('files', 'chcid', '--cid-version', '1', '/tree'),
      s('files', 'chcid', '--hash', 'blake3', '/deep'),
      s('files', 'ls', '-l', '/'),
      s('files', 'chcid', '--cid-version', '0', '/tree'),
      hashRoot
    ]
  },
  {
    name: 'errors',
    steps: [
      s('files', 'mkdir', '/a'),
      { args: ['files', 'mkdir', '/a'], stderr: true },
      { args: ['files', 'mkdir', '/'], stderr: true },
      s('files', 'mkdir', '-p', '/a'),
      { args: ['files', 'mkdir', '/no/parent'], stderr: true },
      { args: ['files', 'write', '/nope', 'small'], stderr: true },
      { args: ['files', 'write', '/a', 'small'], stderr: true },
      { args: ['files', 'write', '--create', '/no/parent', 'small'], stderr: true },
      { args: ['files', 'write', '--offset', '-1', '--create', '/f', 'small'], stderr: true },
      s('files', 'write', '--create', '/f', 'small'),
      { args: ['files', 'rm', '/a'], stderr: true },
      { args: ['files', 'rm', '/'], stderr: true },
      { args: ['files', 'read', '/a'], stderr: true },
      { args: ['files', 'read', '/missing'], stderr: true },
      { args: ['files', 'read', '--offset', '100', '/f'], stderr: true },
      { args: ['files', 'ls', '/missing'], stderr: true },
      { args: ['files', 'stat', '/missing'], stderr: true },
      { args: ['files', 'stat', 'relative'], stderr: true },
      { args: ['files', 'stat', '--hash', '--size', '/'], stderr: true },
      { args: ['files', 'cp', '/f', '/a'], stderr: true },
      s('files', 'chcid', '/'),
      { args: ['files', 'chcid', '--cid-version', '1', '/f'], stderr: true },
      { args: ['files', 'rm', '--flush=false', '/f'], stderr: true },
      { args: ['files', 'mv', '/missing', '/x'], stderr: true },
      { args: ['files', 'ls', '/f/x'], stderr: true },
      hashRoot
    ]
  },
  {
    name: 'Import config: CIDv1 and another chunker',
    steps: [
      s('config', '--json', 'Import.CidVersion', '1'),
      s('config', 'Import.UnixFSChunker', 'size-65536'),
      s('files', 'mkdir', '/d'),
      s('files', 'write', '--create', '/d/f', 'r300k'),
      s('files', 'stat', '/d/f'),
      s('files', 'ls', '-l', '/'),
      hashRoot
    ]
  },
  {
    name: 'a sharded directory',
    steps: [
      s('add', '-Q', '--pin=false', '-r', 'many'),
      s('files', 'cp', '/ipfs/$LAST', '/many'),
      s('files', 'stat', '/many'),
      s('files', 'write', '--create', '/many/zz-new', 'small'),
      s('files', 'stat', '--hash', '/many'),
      s('files', 'rm', '/many/f0001', '/many/f0002'),
      s('files', 'stat', '--hash', '/many'),
      s('files', 'stat', '--hash', '/many/f0100'),
      s('files', 'read', '/many/f4321'),
      hashRoot
    ]
  },
  {
    name: 'a deep trickle DAG',
    steps: [
      s('files', 'write', '--create', '/big', 'r175c'),
      s('files', 'stat', '/big'),
      s('files', 'write', '--offset', '45000000', '/big', 'r5m'),
      s('files', 'stat', '/big'),
      s('files', 'write', '/big', 'r300k'),
      s('files', 'stat', '--hash', '/big')
    ]
  }
]

/** The `many` folder: 6,000 small files, enough for Kubo to shard the directory */
export async function makeMany (dir: string): Promise<void> {
  const many = join(dir, 'many')
  await mkdir(many, { recursive: true })
  for (let i = 0; i < 6000; i++) {
    const name = `f${String(i).padStart(4, '0')}`
    await writeFile(join(many, name), `${name}\n`)
  }
}

export interface StepResult {
  args: string[]
  code: number
  stdout: string
  stderr?: string
}

/** Run a scenario with `run` (one command → its exit code and output), substituting $LAST */
export async function playScenario (scenario: Scenario, run: (args: string[]) => Promise<{ code: number, stdout: string, stderr: string }>): Promise<StepResult[]> {
  const out: StepResult[] = []
  let last = ''
  for (const step of scenario.steps) {
    const args = step.args.map(a => a.replace('$LAST', last))
    const r = await run(args)
    out.push({ args: step.args, code: r.code === 0 ? 0 : 1, stdout: r.stdout, ...(step.stderr === true ? { stderr: r.stderr.split('\n')[0] } : {}) })
    last = r.stdout.trim()
  }
  return out
}
