/** The dag part of the core API: IPLD nodes of any codec, paths inside them, and CAR import/export. */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { PBNode } from '@ipld/dag-pb'
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import { codecByCode, codecCode } from '../blocks/codecs.ts'
import { hasherByName } from '../blocks/hashers.ts'
import { verifyBlock } from '../blocks/verify.ts'
import { HARD_MAX_BLOCK_SIZE, MAX_BLOCK_SIZE } from '../blocks/limits.ts'
import { linksOf } from './links.ts'
import { mhKey } from './walk.ts'
import { breathe } from '../breathe.ts'
import { parsePath } from '../path.ts'
import { InvalidArgumentError, InvalidCarError, PathNotFoundError, TooLargeError, toTsipfsError } from '../errors.ts'

export interface DagPutOptions extends AbortOptions {
  storeCodec?: string
  inputCodec?: string
  hash?: string
  pin?: boolean
  allowBigBlock?: boolean
}

export interface ImportResult {
  roots: Array<{ cid: CID, pinError: string }>
  blockCount: number
  blockBytes: number
}

/** dag-pb nodes seen as Kubo shows them in paths: `Links/0/Hash`, or a link by name */
function step (value: unknown, segment: string, cidCode: number): unknown {
  if (cidCode === 0x70) {
    const node = value as PBNode
    if (segment === 'Links') return node.Links
    if (segment === 'Data') return node.Data
    const link = node.Links.find(l => l.Name === segment)
    if (link !== undefined) return link.Hash
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  if (Array.isArray(value)) return /^\d+$/.test(segment) ? value[Number(segment)] : undefined
  return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined
}

export function createDagApi ({ blocks, gcLock }: Components, { pins }: { pins: PinsApi }) {
  async function load (cid: CID, options: AbortOptions): Promise<unknown> {
    const bytes = await blocks.get(cid, options)
    return codecByCode(cid.code).decode(bytes)
  }

  const api = {
    /** Follow a path through nodes of any codec: the last CID reached, and the value (and path) inside it */
    async resolve (path: string, options: AbortOptions = {}): Promise<{ cid: CID, value: unknown, remainder: string[] }> {
      const p = parsePath(path)
      let cid = p.root
      let value = await load(cid, options)
      let remainder: string[] = []
      let code = cid.code
      for (const segment of p.segments) {
        const next = step(value, segment, code)
        if (next === undefined) throw new PathNotFoundError(`no link named "${segment}" under ${cid.toString()}`)
        const link = CID.asCID(next)
        if (link !== null) {
          cid = link
          value = await load(cid, options)
          code = cid.code
          remainder = []
        } else {
          value = next
          code = -1
          remainder.push(segment)
        }
      }
      return { cid, value, remainder }
    },

    async put (bytes: Uint8Array, options: DagPutOptions = {}): Promise<CID> {
      const input = codecByCode(codecCode(options.inputCodec ?? 'dag-json'))
      const store = codecByCode(codecCode(options.storeCodec ?? 'dag-cbor'))
      let value: unknown
      try {
        value = input.decode(bytes)
      } catch (err) {
        throw new InvalidArgumentError(`failed to decode input as ${input.name}: ${(err as Error).message}`)
      }
      const block = store.encode(value)
      const limit = options.allowBigBlock === true ? HARD_MAX_BLOCK_SIZE : MAX_BLOCK_SIZE
      if (block.byteLength > limit) throw new TooLargeError(`produced block is over ${options.allowBigBlock === true ? '4MiB' : '1MiB'}: big blocks can't be exchanged with other peers. consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override`)
      const hasher = hasherByName(options.hash ?? 'sha2-256')
      const cid = CID.createV1(store.code, await hasher.digest(block))
      await gcLock.shared(async () => {
        await blocks.put(cid, block, options)
        if (options.pin === true) await pins.add(cid, { recursive: true, signal: options.signal })
      })
      return cid
    },

    /** Blocks of a DAG depth-first in link order, each once (the order Kubo's dag export writes) */
    async * blocksOf (root: CID, options: AbortOptions = {}): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
      const seen = new Set<string>()
      const stack: CID[] = [root]
      while (stack.length > 0) {
        await breathe()
        options.signal?.throwIfAborted()
        const cid = stack.pop() as CID
        const key = mhKey(cid)
        if (seen.has(key)) continue
        seen.add(key)
        if (cid.multihash.code === 0x00) continue
        const bytes = await blocks.get(cid, options)
        yield { cid, bytes }
        const links = cid.code === 0x55 ? [] : linksOf(codecByCode(cid.code), bytes)
        for (let i = links.length - 1; i >= 0; i--) stack.push((links[i] as { cid: CID }).cid)
      }
    },

    async stat (root: CID, options: AbortOptions = {}): Promise<{ size: number, numBlocks: number }> {
      let size = 0
      let numBlocks = 0
      for await (const b of api.blocksOf(root, options)) {
        size += b.bytes.byteLength
        numBlocks++
      }
      return { size, numBlocks }
    },

    /** CARv1 bytes of the DAG under `root` */
    async * export (root: CID, options: AbortOptions = {}): AsyncGenerator<Uint8Array> {
      // @ipld/car is loaded by the commands that read or write a CAR only
      const { CarWriter } = await import('@ipld/car')
      const { writer, out } = CarWriter.create([root])
      const filling = (async () => {
        try {
          for await (const b of api.blocksOf(root, options)) await writer.put(b)
        } finally {
          await writer.close()
        }
      })()
      filling.catch(() => {})
      yield * out
      await filling
    },

    /** Import CAR streams (v1 or v2): every block verified, roots pinned once all blocks are committed */
    async import (sources: AsyncIterable<AsyncIterable<Uint8Array>>, options: AbortOptions & { pinRoots?: boolean, allowBigBlock?: boolean } = {}): Promise<ImportResult> {
      return await gcLock.shared(async () => {
        const roots: CID[] = []
        let blockCount = 0
        let blockBytes = 0
        const limit = options.allowBigBlock === true ? HARD_MAX_BLOCK_SIZE : MAX_BLOCK_SIZE
        const { CarBlockIterator } = await import('@ipld/car')
        for await (const source of sources) {
          let reader
          try {
            reader = await CarBlockIterator.fromIterable(source)
          } catch (err) {
            throw new InvalidCarError(`invalid CAR: ${(err as Error).message}`)
          }
          roots.push(...await reader.getRoots())
          try {
            for await (const { cid, bytes } of reader) {
              options.signal?.throwIfAborted()
              if (bytes.byteLength > limit) throw new TooLargeError(`block ${cid.toString()} is over ${limit} bytes (--allow-big-block raises the limit to 4MiB)`)
              await verifyBlock(cid, bytes)
              await blocks.put(cid, bytes, options)
              blockCount++
              blockBytes += bytes.byteLength
            }
          } catch (err) {
            const e = toTsipfsError(err)
            if (e.name === 'TsipfsError') throw new InvalidCarError(`invalid CAR: ${e.message}`)
            throw e
          }
        }
        const results: ImportResult['roots'] = []
        // a root named by several CARs (or twice by one) is pinned and reported once, as Kubo's set of roots
        const unique = new Map(roots.map(c => [c.toString(), c]))
        for (const cid of unique.values()) {
          let pinError = ''
          if (options.pinRoots !== false) {
            try {
              await pins.add(cid, { recursive: true, signal: options.signal })
            } catch (err) {
              pinError = toTsipfsError(err).message
            }
          }
          results.push({ cid, pinError })
        }
        return { roots: results, blockCount, blockBytes }
      })
    }
  }
  return api
}

export type DagApi = ReturnType<typeof createDagApi>
