/**
 * A one-file-per-block store in the style of Kubo's flatfs (`blocks/<shard>/<key>.data`), kept as the
 * alternative to LMDB that bench/store measures against. Writes go to a temp file, are synced when `sync`
 * is set, and renamed into place, so a block file is either whole or absent.
 */
import { mkdir, open, readFile, rename, rm, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { CID } from 'multiformats/cid'
import { base32upper } from 'multiformats/bases/base32'
import type { AbortOptions } from '@libp2p/interface'
import { BlockNotFoundError } from '../errors.ts'
import { blockKey, keyToCid, type BlockStore } from './store.ts'

/** Kubo's flatfs key: the multihash in upper-case base32 without padding or prefix */
function keyName (mh: Uint8Array): string {
  return base32upper.baseEncode(mh)
}

/** next-to-last/2 sharding, as Kubo's default flatfs spec */
function shard (name: string): string {
  return name.slice(-3, -1)
}

export class FlatfsBlockStore implements BlockStore {
  readonly path: string
  private readonly syncFiles: boolean

  private constructor (path: string, sync: boolean) {
    this.path = path
    this.syncFiles = sync
  }

  static async open (path: string, options: { sync?: boolean } = {}): Promise<FlatfsBlockStore> {
    await mkdir(path, { recursive: true, mode: 0o700 })
    return new FlatfsBlockStore(path, options.sync !== false)
  }

  private file (cid: CID): string {
    const name = keyName(blockKey(cid))
    return join(this.path, shard(name), name + '.data')
  }

  async has (cid: CID): Promise<boolean> {
    try {
      await stat(this.file(cid))
      return true
    } catch {
      return false
    }
  }

  async get (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    try {
      return await readFile(this.file(cid))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlockNotFoundError(`block was not found locally (offline): ipld: could not find ${cid.toString()}`)
      throw err
    }
  }

  async put (cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const file = this.file(cid)
    const dir = join(file, '..')
    await mkdir(dir, { recursive: true })
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`
    const fh = await open(tmp, 'w', 0o600)
    try {
      await fh.writeFile(bytes)
      if (this.syncFiles) await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, file)
  }

  /** Each block file is synced before it is renamed into place (when `sync` is on) */
  async sync (): Promise<void> {}

  async delete (cid: CID): Promise<void> {
    await rm(this.file(cid), { force: true })
  }

  async * keys (options?: AbortOptions): AsyncIterable<CID> {
    for (const dir of await readdir(this.path)) {
      let names: string[]
      try {
        names = await readdir(join(this.path, dir))
      } catch {
        continue
      }
      for (const name of names) {
        options?.signal?.throwIfAborted()
        if (!name.endsWith('.data')) continue
        try {
          yield keyToCid(base32upper.baseDecode(name.slice(0, -5)))
        } catch {
          // not a block file
        }
      }
    }
  }

  async stat (options?: AbortOptions): Promise<{ numObjects: number, size: number }> {
    let numObjects = 0
    let size = 0
    for await (const cid of this.keys(options)) {
      numObjects++
      size += (await stat(this.file(cid))).size
    }
    return { numObjects, size }
  }
}
