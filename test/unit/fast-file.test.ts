import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import type { CID } from 'multiformats/cid'
import { fastFileBuilder, type DirectContent } from '../../src/core/unixfs/fast-file.ts'

/** Deterministic bytes */
function bytes (n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed * 2654435761 >>> 0
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

/** The data cut into pieces of the given sizes, cycling */
async function * pieces (data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let off = 0
  for (let i = 0; off < data.byteLength; i++) {
    const n = sizes[i % sizes.length] as number
    yield data.slice(off, off + n)
    off += n
  }
}

/** A direct reader handing out at most `most` bytes a read, with or without the size */
function direct (data: Uint8Array, most: number, withSize: boolean): DirectContent {
  return {
    async * [Symbol.asyncIterator] () { yield data },
    async openDirect () {
      let off = 0
      return {
        size: withSize ? data.byteLength : undefined,
        read: async (into) => {
          const n = Math.min(most, into.byteLength, data.byteLength - off)
          into.set(data.subarray(off, off + n))
          off += n
          return n
        },
        close: async () => {}
      }
    }
  }
}

async function importOne (content: AsyncIterable<Uint8Array>, o: { chunkSize: number, rawLeaves: boolean, cidVersion: 0 | 1, fast: boolean }): Promise<{ cid: CID, blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const store = { put: async (cid: CID, block: Uint8Array) => { blocks.set(cid.toString(), block.slice()); return cid } }
  const sources = new Map([['f', [content]]])
  const fileBuilder = o.fast
    ? fastFileBuilder({ chunkSize: o.chunkSize, rawLeaves: o.rawLeaves, cidVersion: o.cidVersion, sources, hasMetadata: () => false, write: async (cid, block, release) => { await store.put(cid, block); release() } })
    : undefined
  let cid: CID | undefined
  for await (const r of importer([{ path: 'f', content }], store as never, { cidVersion: o.cidVersion, rawLeaves: o.rawLeaves, chunker: fixedSize({ chunkSize: o.chunkSize }), layout: balanced({ maxChildrenPerNode: 174 }), reduceSingleLeafToSelf: true, fileBuilder })) cid = r.cid
  return { cid: cid as CID, blocks }
}

test('the fast file builder makes the blocks and CIDs of the importer, from streams and direct readers', async () => {
  const chunkSize = 1024
  // empty, one byte, exactly a chunk, a chunk and a byte, 174 and 175 chunks (a second level), 400 chunks and a bit
  const sizes = [0, 1, chunkSize, chunkSize + 1, 174 * chunkSize, 175 * chunkSize, 400 * chunkSize + 7]
  for (const [rawLeaves, cidVersion] of [[false, 0], [true, 0], [true, 1], [false, 1]] as const) {
    for (const [i, size] of sizes.entries()) {
      const data = bytes(size, i + 1)
      const want = await importOne(pieces(data, [chunkSize]), { chunkSize, rawLeaves, cidVersion, fast: false })
      const sources: Array<[string, AsyncIterable<Uint8Array>]> = [
        ['odd pieces', pieces(data, [1, 700, 3000, 1024, 5])],
        ['direct, 300 bytes a read, size known', direct(data, 300, true)],
        ['direct, whole reads, size unknown', direct(data, Number.MAX_SAFE_INTEGER, false)]
      ]
      for (const [name, content] of sources) {
        const got = await importOne(content, { chunkSize, rawLeaves, cidVersion, fast: true })
        const what = `${size} bytes, ${name}, rawLeaves ${String(rawLeaves)}, CIDv${cidVersion}`
        assert.equal(got.cid.toString(), want.cid.toString(), what)
        assert.deepEqual([...got.blocks.keys()].sort(), [...want.blocks.keys()].sort(), what)
        for (const [k, v] of want.blocks) assert.deepEqual(got.blocks.get(k), v, `${what}: block ${k}`)
      }
    }
  }
})
