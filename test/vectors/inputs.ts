/**
 * Deterministic inputs for the add test vectors: bytes come from SHA-256 in counter mode over a seed, so
 * anyone can regenerate them exactly (and hash them with Kubo to check the expected CIDs).
 */
import { createHash } from 'node:crypto'
import { mkdir, writeFile, symlink } from 'node:fs/promises'
import { join } from 'node:path'

/** `length` pseudo-random bytes: sha256(seed || counter as 8-byte big-endian) concatenated */
export function prngBytes (seed: string, length: number): Uint8Array {
  const out = new Uint8Array(length)
  const counter = Buffer.alloc(8)
  for (let offset = 0, i = 0n; offset < length; i++) {
    counter.writeBigUInt64BE(i)
    const block = createHash('sha256').update(seed).update(counter).digest()
    out.set(block.subarray(0, Math.min(32, length - offset)), offset)
    offset += 32
  }
  return out
}

/** Lay out every input the vectors name, under `dir` */
export async function makeInputs (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  const files: Record<string, Uint8Array> = {
    empty: new Uint8Array(0),
    small: new TextEncoder().encode('hello world'),
    'r256k': prngBytes('r256k', 262144),
    'r256k1': prngBytes('r256k1', 262145),
    'r300k': prngBytes('r300k', 300000),
    'r1m': prngBytes('r1m', 1000000),
    'r5m': prngBytes('r5m', 5000000),
    // 175 chunks of 256 KiB: one more leaf than fits in a node with 174 links
    'r175c': prngBytes('r175c', 175 * 262144)
  }
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes)
  const tree = join(dir, 'tree')
  await mkdir(join(tree, 'sub', 'deeper'), { recursive: true })
  await mkdir(join(tree, '.hidden'), { recursive: true })
  await writeFile(join(tree, 'a.txt'), 'a\n')
  await writeFile(join(tree, 'b.log'), prngBytes('b.log', 5000))
  await writeFile(join(tree, '.dotfile'), 'dot\n')
  await writeFile(join(tree, '.hidden', 'x'), 'x\n')
  await writeFile(join(tree, 'sub', 'c.txt'), prngBytes('c.txt', 300000))
  await writeFile(join(tree, 'sub', 'deeper', 'd.txt'), 'd\n')
  await symlink('../a.txt', join(tree, 'sub', 'link'))
  await writeFile(join(dir, 'ignore-rules'), '*.log\n')
  // empty directories, nested and not
  const withEmpty = join(dir, 'withempty')
  await mkdir(join(withEmpty, 'a', 'b'), { recursive: true })
  await mkdir(join(withEmpty, 'c'), { recursive: true })
  await writeFile(join(withEmpty, 'a', 'x'), 'x\n')
  // enough entries that the "links" size estimate passes 256 KiB: Kubo shards this directory (HAMT)
  const big = join(dir, 'bigdir')
  await mkdir(big, { recursive: true })
  for (let i = 0; i < 4000; i++) {
    await writeFile(join(big, `entry-with-a-fairly-long-name-${String(i).padStart(6, '0')}.txt`), String(i))
  }
}
