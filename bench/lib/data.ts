/** Benchmark inputs: fast deterministic bytes (AES-256-CTR keystream over a fixed key) */
import { createCipheriv, createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export function keystream (seed: string, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return cipher.update(Buffer.alloc(length))
}

/** A file of `size` pseudo-random bytes, written in 4 MiB pieces */
export async function randomFile (path: string, size: number, seed = 'bench'): Promise<void> {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  const out = createWriteStream(path)
  const piece = Buffer.alloc(4 * 1024 * 1024)
  for (let written = 0; written < size; written += piece.length) {
    const chunk = cipher.update(piece.subarray(0, Math.min(piece.length, size - written)))
    if (!out.write(chunk)) await new Promise(resolve => out.once('drain', () => { resolve(undefined) }))
  }
  await new Promise<void>((resolve, reject) => { out.on('error', reject); out.end(() => { resolve() }) })
}

/** `files` small files (1-8 KiB) in folders of 100 */
export async function smallTree (dir: string, files: number): Promise<number> {
  let bytes = 0
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `d${Math.floor(i / 100)}`)
    if (i % 100 === 0) await mkdir(sub, { recursive: true })
    const size = 1024 + ((i * 2654435761) % (7 * 1024))
    bytes += size
    await writeFile(join(sub, `f${i}`), keystream(`f${i}`, size))
  }
  return bytes
}
