/**
 * bench/store: the block stores tsipfs can use, measured side by side in this run:
 *   - lmdb: ours (one LMDB environment; each commit synced) — the default
 *   - flatfs: ours (a file per block; written to a temp file, fsynced, renamed)
 *   - blockstore-fs: Helia's file-per-block store (no fsync)
 * Workloads: put/get/has/delete of many small blocks and of 256 KiB blocks, 32 operations in flight.
 * Options: --small <n> (default 10000), --large <n> (default 1000).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { FsBlockstore } from 'blockstore-fs'
import { openLmdb, LmdbBlockStore } from '../src/core/blocks/lmdb-store.ts'
import { FlatfsBlockStore } from '../src/core/blocks/flatfs-store.ts'
import type { BlockStore } from '../src/core/blocks/store.ts'
import { keystream } from './lib/data.ts'
import { option } from './lib/options.ts'

interface Store {
  put(cid: CID, bytes: Uint8Array): Promise<unknown>
  get(cid: CID): Promise<Uint8Array>
  has(cid: CID): Promise<boolean>
  delete(cid: CID): Promise<void>
  close(): Promise<void>
}

async function blocksOf (count: number, size: (i: number) => number, seed: string): Promise<Array<{ cid: CID, bytes: Uint8Array }>> {
  const out = []
  for (let i = 0; i < count; i++) {
    const bytes = keystream(`${seed}-${i}`, size(i))
    out.push({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })
  }
  return out
}

async function inFlight<T> (items: T[], fn: (item: T) => Promise<unknown>, width = 32): Promise<number> {
  const start = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++] as T)
  }))
  return performance.now() - start
}

function fromOurs (store: BlockStore, close: () => Promise<void>): Store {
  return { put: async (c, b) => { await store.put(c, b) }, get: async (c) => await store.get(c), has: async (c) => await store.has(c), delete: async (c) => { await store.delete(c) }, close }
}

async function open (kind: string, dir: string): Promise<Store> {
  if (kind === 'lmdb') {
    const env = await openLmdb(join(dir, 'lmdb'))
    return fromOurs(new LmdbBlockStore(env), async () => { await env.root.close() })
  }
  if (kind === 'flatfs') return fromOurs(await FlatfsBlockStore.open(join(dir, 'flatfs')), async () => {})
  const fs = new FsBlockstore(join(dir, 'blockstore-fs'))
  await fs.open()
  return {
    put: async (c, b) => await fs.put(c, b),
    get: async (c) => { const parts: Uint8Array[] = []; for await (const p of fs.get(c)) parts.push(p); return Buffer.concat(parts) },
    has: async (c) => await fs.has(c),
    delete: async (c) => { await fs.delete(c) },
    close: async () => { await fs.close() }
  }
}

export async function main (args: string[]): Promise<void> {
  const small = await blocksOf(option(args, 'small', 10000), i => 1024 + (i * 7919) % 3072, 'small')
  const large = await blocksOf(option(args, 'large', 1000), () => 262144, 'large')
  const kinds = ['lmdb', 'flatfs', 'blockstore-fs']
  const results: Record<string, Record<string, number>> = {}
  for (const kind of kinds) {
    const dir = await mkdtemp(join(tmpdir(), `tsipfs-bench-store-${kind}-`))
    try {
      const s = await open(kind, dir)
      const r: Record<string, number> = {}
      r['put small (ops/s)'] = small.length / (await inFlight(small, async b => await s.put(b.cid, b.bytes)) / 1000)
      r['put 256KiB (MB/s)'] = large.length * 0.262144 / (await inFlight(large, async b => await s.put(b.cid, b.bytes)) / 1000)
      r['get small (ops/s)'] = small.length / (await inFlight(small, async b => await s.get(b.cid)) / 1000)
      r['get 256KiB (MB/s)'] = large.length * 0.262144 / (await inFlight(large, async b => await s.get(b.cid)) / 1000)
      r['has (ops/s)'] = small.length / (await inFlight(small, async b => await s.has(b.cid)) / 1000)
      r['delete (ops/s)'] = small.length / (await inFlight(small, async b => { await s.delete(b.cid) }) / 1000)
      await s.close()
      results[kind] = r
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  console.log(`bench/store: ${small.length} small blocks (1-4 KiB), ${large.length} blocks of 256 KiB, 32 operations in flight`)
  console.log(`${'operation'.padEnd(20)}${kinds.map(k => k.padStart(16)).join('')}${'lmdb/flatfs'.padStart(14)}${'lmdb/bs-fs'.padStart(12)}`)
  for (const op of Object.keys(results.lmdb ?? {})) {
    const v = kinds.map(k => results[k]?.[op] ?? 0)
    console.log(`${op.padEnd(20)}${v.map(x => x.toFixed(0).padStart(16)).join('')}${((v[0] ?? 0) / (v[1] ?? 1)).toFixed(2).padStart(13)}x${((v[0] ?? 0) / (v[2] ?? 1)).toFixed(2).padStart(11)}x`)
  }
  console.log('crash safety: lmdb commits are atomic and synced; flatfs (ours) syncs each file before rename; blockstore-fs does not sync.')
}
