/** The repo part of the core API: garbage collection, stat, verify, version. */
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import { REPO_VERSION } from '../repo/repo.ts'
import { parseSize } from '../repo/config.ts'
import { walkDag, mhKey } from '../dag/walk.ts'
import { verifyBlock } from '../blocks/verify.ts'
import { toTsipfsError, RepoCorruptError } from '../errors.ts'
import { breathe } from '../breathe.ts'

export interface GcResult {
  cid?: CID
  error?: string
}

/** Disk space used by a folder tree, in bytes */
async function du (path: string): Promise<number> {
  let total = 0
  let entries
  try {
    entries = await readdir(path, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const p = join(path, e.name)
    if (e.isDirectory()) total += await du(p)
    else if (e.isFile()) total += (await stat(p)).size
  }
  return total
}

export function createRepoApi ({ repo, blocks, gcLock }: Components, { pins }: { pins: PinsApi }) {
  return {
    /**
     * Remove every block not reachable from a pin or a registered root. Holds the GC lock exclusively, so
     * no add, import or pin runs meanwhile. Refuses (removes nothing) when a pinned DAG has a missing block,
     * since the blocks below it could not be told apart from garbage.
     */
    async * gc (options: AbortOptions = {}): AsyncGenerator<GcResult> {
      yield * gcLock.exclusiveStream(async function * () {
        const keep = new Set<string>()
        for await (const root of pins.roots(options)) {
          if (!root.recursive) {
            keep.add(mhKey(root.cid))
            continue
          }
          try {
            for await (const _ of walkDag(blocks, root.cid, { signal: options.signal, seen: keep, skipMissing: root.bestEffort, offline: true })) { /* marks */ }
          } catch (err) {
            options.signal?.throwIfAborted()
            throw new RepoCorruptError(`could not retrieve links for ${root.cid.toString()}: ${toTsipfsError(err).message}; garbage collection aborted, nothing was removed`)
          }
        }
        const doomed: CID[] = []
        for await (const cid of blocks.keys(options)) {
          await breathe()
          if (!keep.has(mhKey(cid))) doomed.push(cid)
        }
        for (const cid of doomed) {
          options.signal?.throwIfAborted()
          try {
            await blocks.delete(cid, options)
            yield { cid }
          } catch (err) {
            yield { cid, error: toTsipfsError(err).message }
          }
        }
      })
    },

    async stat (options: AbortOptions & { sizeOnly?: boolean } = {}): Promise<{ RepoSize: number, StorageMax: number, NumObjects: number, RepoPath: string, Version: string }> {
      const storageMax = parseSize(repo.config.Datastore?.StorageMax ?? '10GB')
      const numObjects = options.sizeOnly === true ? 0 : (await blocks.stat(options)).numObjects
      return {
        RepoSize: await du(repo.path),
        StorageMax: storageMax,
        NumObjects: numObjects,
        RepoPath: repo.path,
        Version: `fs-repo@${REPO_VERSION}`
      }
    },

    /** Hash-check every block; yields one entry per bad block and progress counts */
    async * verify (options: AbortOptions = {}): AsyncGenerator<{ Msg: string, Progress: number }> {
      let count = 0
      let bad = 0
      for await (const cid of blocks.keys(options)) {
        await breathe()
        options.signal?.throwIfAborted()
        count++
        try {
          await verifyBlock(cid, await blocks.get(cid, { ...options, offline: true }))
        } catch (err) {
          bad++
          yield { Msg: `block ${cid.toString()} was corrupt (${toTsipfsError(err).message})`, Progress: count }
          continue
        }
        yield { Msg: '', Progress: count }
      }
      if (bad > 0) throw new RepoCorruptError(`verify complete, some blocks were corrupt (${bad} of ${count})`)
      yield { Msg: 'verify complete, all blocks validated.', Progress: count }
    },

    async version (): Promise<{ Version: string }> {
      return { Version: String(REPO_VERSION) }
    }
  }
}

export type RepoApi = ReturnType<typeof createRepoApi>
