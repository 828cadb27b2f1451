/**
 * Randomized inputs for the CID oracle (test/e2e/kubo-cid-oracle.test.ts): from a fixed seed, groups of
 * add options and, per group, a folder of cases (files with sizes around chunk and link boundaries,
 * directories with hidden files and symlinks, directories around the HAMT threshold), with chosen modes
 * and mtimes. Each group is added with one `add -r` per implementation.
 */
import { createCipheriv, createHash } from 'node:crypto'
import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** mulberry32: a small seeded PRNG for the choices (the bytes come from AES-CTR below) */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `length` pseudo-random bytes: AES-128-CTR over zeros, keyed by sha256(seed) */
export function streamBytes (seed: string, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16)
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(length))
}

export interface Group {
  /** add options (besides -r, -n and the folder) */
  args: string[]
  /** folder name under the oracle's work dir */
  name: string
}

type Pick = <T>(items: readonly T[]) => T

function picker (r: () => number): { pick: Pick, int: (lo: number, hi: number) => number, chance: (p: number) => boolean } {
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1))
  return { pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T, int, chance: (p: number) => r() < p }
}

/** A random set of add options, each a combination Kubo accepts */
export function randomOptions (r: () => number): string[] {
  const { pick, int, chance } = picker(r)
  const args: string[] = []
  const chunker = pick(['', 'size-256', 'size-1000', 'size-4096', 'size-65536', 'size-262144', 'size-1048576', 'rabin', 'rabin-1024-4096-16384', 'rabin-16-32-64', 'buzhash'])
  if (chunker !== '') args.push(`--chunker=${chunker}`)
  if (chance(0.35)) args.push('--trickle')
  const cid = pick(['', '0', '1'])
  if (cid !== '') args.push(`--cid-version=${cid}`)
  const hash = cid === '0' ? pick(['', 'sha2-256']) : pick(['', '', 'sha2-256', 'sha2-512', 'blake2b-256', 'blake3'])
  if (hash !== '') args.push(`--hash=${hash}`)
  const raw = pick(['', 'true', 'false'])
  if (raw !== '') args.push(`--raw-leaves=${raw}`)
  if (chance(0.25)) {
    args.push('--inline')
    if (chance(0.6)) args.push(`--inline-limit=${pick([16, 32, 36, 64, 100, 128])}`)
  }
  if (chance(0.25)) args.push(`--max-file-links=${int(2, 174)}`)
  if (chance(0.15)) args.push(`--max-hamt-fanout=${pick([8, 16, 64, 128, 1024])}`)
  if (chance(0.12)) args.push(`--max-directory-links=${pick([1, 2, 3, 5, 8, 50])}`)
  if (chance(0.5)) args.push('--hidden')
  // UnixFS metadata needs dag-pb leaves: Kubo refuses it with --raw-leaves=true
  const meta = raw !== 'true'
  if (meta && chance(0.2)) args.push('--preserve-mode')
  if (meta && chance(0.2)) args.push('--preserve-mtime')
  if (meta && chance(0.12)) args.push(`--mode=${pick(['0644', '0755', '0600', '0444', '1777', '0'])}`)
  if (meta && chance(0.12)) {
    args.push(`--mtime=${pick([0, 1, -1, 1600000000, 4102444800, -86400 * 365])}`)
    if (chance(0.5)) args.push(`--mtime-nsecs=${pick([0, 1, 999999999, 500000000])}`)
  }
  return args
}

function chunkOf (args: string[]): { size: number, content: boolean } {
  const c = args.find(a => a.startsWith('--chunker='))?.slice('--chunker='.length) ?? 'size-262144'
  if (c.startsWith('size-')) return { size: Number(c.slice(5)), content: false }
  if (c === 'buzhash') return { size: 8192 * 2, content: true }
  if (c === 'rabin') return { size: 262144, content: true }
  const avg = Number(c.split('-')[2] ?? 262144)
  return { size: avg, content: true }
}

function linksOf (args: string[]): number {
  const l = args.find(a => a.startsWith('--max-file-links='))
  return l === undefined ? 174 : Number(l.slice('--max-file-links='.length))
}

const NAMES = ['a', 'B', 'z', '_x', 'é-accent', 'space name', '0', 'Z9', 'ü', 'a.log', 'long-' + 'n'.repeat(60)]
const BUDGET = 6_000_000

/**
 * Writes `count` cases for a group into `dir` and returns how many it wrote. Sizes follow the group's
 * chunker (k·N±1) and link limit (links·N±1), kept under a byte budget per group.
 */
export async function writeCases (dir: string, args: string[], seed: number, count: number, hamt: boolean): Promise<number> {
  const r = rng(seed)
  const { pick, int, chance } = picker(r)
  const { size: n, content } = chunkOf(args)
  const links = linksOf(args)
  let budget = BUDGET
  await mkdir(dir, { recursive: true })
  const sizeChoice = (): number => {
    const options = [0, 1, int(2, 300), n - 1, n, n + 1, 2 * n - 1, 2 * n + 1, int(3, 9) * n + pick([-1, 0, 1])]
    if (!content) options.push(links * n - 1, links * n, links * n + 1, links * n * 2 + 1, (links + 1) * n)
    else options.push(int(1, 4) * n + int(-100, 100))
    const fits = options.filter(s => s >= 0 && s <= budget)
    return fits.length === 0 ? int(0, 100) : pick(fits)
  }
  const file = async (path: string, tag: string): Promise<void> => {
    const len = sizeChoice()
    budget -= len
    await writeFile(path, streamBytes(`${seed}:${tag}`, len))
    if (chance(0.5)) await chmod(path, pick([0o644, 0o600, 0o755, 0o444, 0o640]))
    if (chance(0.6)) await utimes(path, 1_500_000_000 + int(0, 1e8), 1_500_000_000 + int(0, 1e8) + pick([0, 0.5, 0.25]))
  }
  let written = 0
  // UnixFS metadata on symlinks is left to the other cases: the HAMT directories are of plain entries
  const meta = args.some(a => /^--(preserve-mode|preserve-mtime|mode=|mtime)/.test(a))
  if (hamt && !meta) {
    for (const over of [0, 1]) {
      await nearThreshold(join(dir, `hamt${over}`), args, 'links', over)
      written++
    }
  }
  while (written < count) {
    const name = `c${written}-${pick(NAMES)}`
    const kind = pick(['file', 'file', 'file', 'hidden', 'dir', 'dir', 'symlink', 'empty-dir'])
    const path = join(dir, kind === 'hidden' ? `.${name}` : name)
    if (kind === 'file' || kind === 'hidden') await file(path, name)
    else if (kind === 'symlink') await symlink(pick(['c0-a', '../outside', 'nowhere/at/all', '.', 'x'.repeat(100)]), path)
    else if (kind === 'empty-dir') await mkdir(path)
    else {
      await mkdir(join(path, 'sub', '.hid'), { recursive: true })
      await file(join(path, pick(NAMES)), `${name}/1`)
      await file(join(path, '.dot'), `${name}/2`)
      await file(join(path, 'sub', pick(NAMES)), `${name}/3`)
      await writeFile(join(path, 'sub', '.hid', 'x'), 'x\n')
      await symlink('../' + pick(NAMES), join(path, 'sub', 'link'))
      if (chance(0.3)) await chmod(join(path, 'sub'), 0o700)
      if (chance(0.5)) await utimes(join(path, 'sub'), 1_234_567_890, 1_234_567_890 + int(0, 1000))
    }
    written++
  }
  return written
}

/** The length of the binary CID Kubo gives a symlink node of `block` bytes with these add options */
export function symlinkCidBytes (args: string[], block: number): number {
  const value = (name: string): string | undefined => args.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  const hash = value('hash') ?? 'sha2-256'
  const inlineLimit = args.includes('--inline') ? Number(value('inline-limit') ?? 32) : -1
  // identity multihash: CIDv1 prefix, codec, code 0x00, length, the block itself
  if (block <= inlineLimit) return 4 + block
  if (hash === 'sha2-256' && value('cid-version') !== '1') return 34
  const { code, digest } = ({ 'sha2-256': { code: 1, digest: 32 }, 'sha2-512': { code: 1, digest: 64 }, 'blake2b-256': { code: 3, digest: 32 }, blake3: { code: 1, digest: 32 } } as Record<string, { code: number, digest: number }>)[hash] ?? { code: 1, digest: 32 }
  return 2 + code + 1 + digest
}

const varintBytes = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3)
export const HAMT_THRESHOLD = 256 * 1024

/**
 * A directory whose size, as Kubo estimates it from the final CIDs (Import.UnixFSHAMTDirectorySizeEstimation
 * "links": name + binary CID per entry; "block": the encoded dag-pb node), is exactly the 256 KiB threshold
 * (`over` 0, stays flat) or one byte more (`over` 1, becomes a HAMT). Its entries are symlinks (small
 * nodes, inlined with --inline) or subdirectories holding one file (nodes too big to inline).
 */
export async function nearThreshold (dir: string, args: string[], estimation: 'links' | 'block', over: number, kind: 'symlink' | 'subdir' = 'symlink'): Promise<void> {
  const target = (i: number): string => `t${String(i).padStart(9, '0')}`
  // symlink node: PBNode{Data: Data{Type: Symlink, Data: target}}; a subdirectory's node is over 128 bytes
  const block = kind === 'symlink' ? 2 + 2 + 2 + target(0).length : 1000
  const cid = symlinkCidBytes(args, block)
  // Tsize: the symlink's block; a subdirectory's DAG is between 128 bytes and 16 KiB (a 2-byte varint)
  const tsizeBytes = kind === 'symlink' ? varintBytes(block) : 2
  const link = (name: number): number => {
    if (estimation === 'links') return name + cid
    const inner = 1 + varintBytes(cid) + cid + 1 + varintBytes(name) + name + 1 + tsizeBytes
    return 1 + varintBytes(inner) + inner
  }
  // the directory node's Data (Type: Directory) in the "block" estimation
  const fixed = estimation === 'block' ? 4 : 0
  let name = 200
  while (link(name) < 250) name++
  const count = Math.floor((HAMT_THRESHOLD - fixed) / link(name))
  // the rest spread as one more name byte on the first entries
  const rest = HAMT_THRESHOLD - fixed - count * link(name) + over
  await mkdir(dir, { recursive: true })
  for (let i = 0; i < count; i++) {
    const base = `${i}-`
    const path = join(dir, base + 'h'.repeat(name + (i < rest ? 1 : 0) - base.length))
    if (kind === 'symlink') await symlink(target(i), path)
    else {
      await mkdir(path)
      await writeFile(join(path, 'f'.repeat(120)), `${i}\n`)
    }
  }
}
