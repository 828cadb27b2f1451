/** `block` part of the core API: raw blocks in and out. */
import { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import { hasherByName } from './hashers.ts'
import { codecCode } from './codecs.ts'
import { BlockPinnedError, InvalidArgumentError, TooLargeError, UnsupportedError } from '../errors.ts'
import { HARD_MAX_BLOCK_SIZE, MAX_BLOCK_SIZE } from './limits.ts'

export interface BlockPutOptions extends AbortOptions {
  /** multicodec name, default raw */
  codec?: string
  mhtype?: string
  mhlen?: number
  cidVersion?: number
  pin?: boolean
  allowBigBlock?: boolean
}

export function createBlockApi ({ blocks, gcLock }: Pick<Components, 'blocks' | 'gcLock'>, { pins }: { pins: PinsApi }) {
  return {
    async get (cid: CID, options?: AbortOptions & { offline?: boolean }): Promise<Uint8Array> {
      return await blocks.get(cid, options)
    },
    async has (cid: CID, options?: AbortOptions): Promise<boolean> {
      return await blocks.has(cid, options)
    },
    async stat (cid: CID, options?: AbortOptions & { offline?: boolean }): Promise<{ Key: CID, Size: number }> {
      const bytes = await blocks.get(cid, options)
      return { Key: cid, Size: bytes.byteLength }
    },
    async put (bytes: Uint8Array, options: BlockPutOptions = {}): Promise<{ Key: CID, Size: number }> {
      options.signal?.throwIfAborted()
      const limit = options.allowBigBlock === true ? HARD_MAX_BLOCK_SIZE : MAX_BLOCK_SIZE
      if (bytes.byteLength > limit) {
        throw new TooLargeError(`produced block is over ${options.allowBigBlock === true ? '4MiB' : '1MiB'}: big blocks can't be exchanged with other peers. consider using UnixFS for automatic chunking of bigger files, or pass --allow-big-block to override`)
      }
      const codec = codecCode(options.codec ?? 'raw')
      const hasher = hasherByName(options.mhtype ?? 'sha2-256')
      const digest = await hasher.digest(bytes)
      if (options.mhlen !== undefined && options.mhlen !== -1 && options.mhlen !== digest.digest.byteLength) {
        throw new UnsupportedError(`${hasher.name} does not support a digest length of ${options.mhlen}`)
      }
      let version = options.cidVersion ?? 1
      if (version === 0 && (codec !== 0x70 || hasher.code !== 0x12)) {
        throw new InvalidArgumentError('cid version 0 only supports dag-pb codec and sha2-256 hash')
      }
      const cid = version === 0 ? CID.createV0(digest as never) : CID.createV1(codec, digest)
      version = cid.version
      return await gcLock.shared(async () => {
        await blocks.put(cid, bytes, options)
        // pinned recursively, as Kubo's block put --pin does; unlike Kubo the DAG below is checked first (a
        // pinned root never has missing children here), which for a raw block is the block itself
        if (options.pin === true) await pins.add(cid, { recursive: true, signal: options.signal })
        return { Key: cid, Size: bytes.byteLength }
      })
    },
    /** Remove blocks; yields one result per CID (an error text for those that could not be removed) */
    async * rm (cids: CID[], options: AbortOptions & { force?: boolean } = {}): AsyncGenerator<{ Hash: CID, Error?: string }> {
      yield * gcLock.exclusiveStream(async function * () {
        for (const cid of cids) {
          options.signal?.throwIfAborted()
          const [pin] = await pins.check([cid], options)
          if (pin !== undefined) {
            // boxo's Pin.String(): "pinned: recursive", "pinned: direct", "pinned via <root>"
            const why = pin.via !== undefined ? `pinned via ${pin.via.toString()}` : `pinned: ${pin.type}`
            yield { Hash: cid, Error: new BlockPinnedError(why).message }
            continue
          }
          if (!await blocks.has(cid, options)) {
            // with --force a missing block counts as removed, as Kubo reports it
            yield options.force === true ? { Hash: cid } : { Hash: cid, Error: 'ipld: could not find ' + cid.toString() }
            continue
          }
          await blocks.delete(cid, options)
          yield { Hash: cid }
        }
      })
    }
  }
}

export type BlockApi = ReturnType<typeof createBlockApi>
