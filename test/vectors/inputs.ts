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
  const prefix = Buffer.from(seed)
  // one SHA-256 block holds seed, counter, the 0x80 pad byte and the 8-byte length: compress it here, as
  // node:crypto's per-call cost (~6 µs per 32 bytes) made the inputs of the vector tests seconds of CPU;
  // @noble/hashes' sha256 per 32 bytes was 2.8x slower than this too (8 MiB: 690-809 ms against 242-259)
  if (prefix.length + 8 > 55) return prngBytesHashed(prefix, out)
  const block = new Uint8Array(64)
  block.set(prefix)
  block[prefix.length + 8] = 0x80
  const view = new DataView(block.buffer)
  view.setUint32(60, (prefix.length + 8) * 8)
  const digest = new Uint8Array(32)
  const digestView = new DataView(digest.buffer)
  const w = new Int32Array(64)
  for (let offset = 0, i = 0; offset < length; i++, offset += 32) {
    view.setUint32(prefix.length, Math.floor(i / 2 ** 32))
    view.setUint32(prefix.length + 4, i >>> 0)
    for (let j = 0; j < 16; j++) w[j] = view.getInt32(j * 4)
    compress(w)
    for (let j = 0; j < 8; j++) digestView.setInt32(j * 4, w[j] as number)
    out.set(length - offset >= 32 ? digest : digest.subarray(0, length - offset), offset)
  }
  return out
}

/** The same bytes through node:crypto, for seeds too long for one block */
function prngBytesHashed (prefix: Buffer, out: Uint8Array): Uint8Array {
  const counter = Buffer.alloc(8)
  for (let offset = 0, i = 0n; offset < out.length; i++, offset += 32) {
    counter.writeBigUInt64BE(i)
    const block = createHash('sha256').update(prefix).update(counter).digest()
    out.set(block.subarray(0, Math.min(32, out.length - offset)), offset)
  }
  return out
}

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
])
const H = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19])

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n))

/** SHA-256 of one padded block from the initial state (FIPS 180-4): the message words in w[0..15], the digest out in w[0..7] */
function compress (w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15] as number
    const y = w[t - 2] as number
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)
    w[t] = ((w[t - 16] as number) + s0 + (w[t - 7] as number) + s1) | 0
  }
  let a = H[0] as number
  let b = H[1] as number
  let c = H[2] as number
  let d = H[3] as number
  let e = H[4] as number
  let f = H[5] as number
  let g = H[6] as number
  let h = H[7] as number
  for (let t = 0; t < 64; t++) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + (K[t] as number) + (w[t] as number)) | 0
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  w[0] = (a + (H[0] as number)) | 0
  w[1] = (b + (H[1] as number)) | 0
  w[2] = (c + (H[2] as number)) | 0
  w[3] = (d + (H[3] as number)) | 0
  w[4] = (e + (H[4] as number)) | 0
  w[5] = (f + (H[5] as number)) | 0
  w[6] = (g + (H[6] as number)) | 0
  w[7] = (h + (H[7] as number)) | 0
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
