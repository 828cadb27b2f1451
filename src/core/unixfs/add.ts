/**
 * `add`: import files and directories as UnixFS with Kubo's options and defaults, so CIDs equal Kubo's.
 * Defaults come from the Import.* config keys, as in Kubo; the caller's options override them.
 */
import type { ImportCandidate, ImporterOptions, ImportResult } from 'ipfs-unixfs-importer'
import { importTree } from './tree.ts'
import { balanced, trickle } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'
import * as dagPb from '@ipld/dag-pb'
import { sha256 } from 'multiformats/hashes/sha2'
import { identity } from 'multiformats/hashes/identity'
import { UnixFS } from 'ipfs-unixfs'
import type { AbortOptions } from '@libp2p/interface'
import type { Mtime } from 'ipfs-unixfs'
import { withRootMetadata, type FileMetadata } from './metadata.ts'
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import type { InputEntry } from '../../commands/command.ts'
import type { ImportConfig } from '../repo/config.ts'
import { parseSize } from '../repo/config.ts'
import { parseChunker } from './chunkers/index.ts'
import { hasherByName } from '../blocks/hashers.ts'
import { Rehasher, type BlockSink } from './rehash.ts'
import { leafWriter } from './leaves.ts'
import { holdYoungGeneration } from './young-generation.ts'
import { WriteBehind } from '../blocks/write-behind.ts'
import { fastFileBuilder, fixedChunkSize } from './fast-file.ts'
import { InvalidArgumentError } from '../errors.ts'

export interface AddOptions extends AbortOptions {
  pin?: boolean
  pinName?: string
  onlyHash?: boolean
  cidVersion?: number
  rawLeaves?: boolean
  chunker?: string
  trickle?: boolean
  hash?: string
  inline?: boolean
  inlineLimit?: number
  wrapWithDirectory?: boolean
  /** Include directories that have no entries (default true); top-level ones always are (Kubo's -E) */
  emptyDirs?: boolean
  maxFileLinks?: number
  /** a basic directory with more links becomes a HAMT; 0 or less: no limit */
  maxDirectoryLinks?: number
  maxHamtFanout?: number
  /** Mode and mtime stored on every entry (overriding those the entries carry) */
  mode?: number
  mtime?: Mtime
  /** The entries carry their own mode (--preserve-mode): check every node keeps it, even a default one */
  metadata?: boolean
  /** Use the mode / mtime the entries carry (default true; the add command sets them from --preserve-*) */
  entryMode?: boolean
  entryMtime?: boolean
  /**
   * The source can only be read in order (an HTTP upload): import one file at a time, reading each to its
   * end before asking for the next entry, so no file's bytes have to be held in memory.
   */
  inOrder?: boolean
  onProgress?: (event: { name: string, bytes: number }) => void
}

export interface AddResult {
  path: string
  cid: CID
  size: number
  /** the mode and mtime stored on a file, when it was given them */
  mode?: number
  mtime?: Mtime
}

/** Kubo's defaults for unset Import.* keys */
const DEFAULTS = { CidVersion: 0, UnixFSRawLeaves: false, UnixFSChunker: 'size-262144', HashFunction: 'sha2-256', UnixFSFileMaxLinks: 174, UnixFSHAMTDirectoryMaxFanout: 256, UnixFSHAMTDirectorySizeThreshold: '256KiB', UnixFSHAMTDirectorySizeEstimation: 'links' }

export interface ResolvedAddOptions {
  cidVersion: 0 | 1
  rawLeaves: boolean
  chunker: string
  hash: string
  trickle: boolean
  inlineLimit?: number
  maxFileLinks: number
  maxDirectoryLinks: number
  fanout: number
  shardThreshold: number
  shardStrategy: 'links-bytes' | 'block-bytes'
}

/** Apply Kubo's rules: config defaults, non-sha2-256 hashes force CIDv1, CIDv1 implies raw leaves unless set */
export function resolveAddOptions (config: ImportConfig | undefined, o: AddOptions): ResolvedAddOptions {
  const c = config ?? {}
  const hash = o.hash ?? c.HashFunction ?? DEFAULTS.HashFunction
  hasherByName(hash)
  let cidVersion = o.cidVersion ?? c.CidVersion ?? DEFAULTS.CidVersion
  if (cidVersion !== 0 && cidVersion !== 1) throw new InvalidArgumentError(`unknown CID version: ${cidVersion}`)
  if (hash !== 'sha2-256' && cidVersion === 0) {
    if (o.cidVersion === 0) throw new InvalidArgumentError('CIDv0 only supports sha2-256')
    cidVersion = 1
  }
  const rawLeavesSet = o.rawLeaves !== undefined || (c.UnixFSRawLeaves !== undefined && c.UnixFSRawLeaves !== null)
  const metadata = o.mode !== undefined || o.mtime !== undefined || o.metadata === true
  // UnixFS metadata needs dag-pb leaves: with it, CIDv1 no longer implies raw leaves (as in Kubo)
  const rawLeaves = o.rawLeaves ?? c.UnixFSRawLeaves ?? (cidVersion === 1 && !rawLeavesSet && !metadata)
  const maxFileLinks = o.maxFileLinks ?? c.UnixFSFileMaxLinks ?? DEFAULTS.UnixFSFileMaxLinks
  if (!Number.isInteger(maxFileLinks) || maxFileLinks < 2) throw new InvalidArgumentError(`max-file-links must be at least 2, got ${maxFileLinks}`)
  const fanout = o.maxHamtFanout ?? c.UnixFSHAMTDirectoryMaxFanout ?? DEFAULTS.UnixFSHAMTDirectoryMaxFanout
  if (fanout < 8 || fanout > 1024 || (fanout & (fanout - 1)) !== 0 || fanout % 8 !== 0) {
    throw new InvalidArgumentError(`HAMT fanout must be a power of 2, between 8 and 1024 (got ${fanout})`)
  }
  const estimation = c.UnixFSHAMTDirectorySizeEstimation ?? DEFAULTS.UnixFSHAMTDirectorySizeEstimation
  const thresholdText = c.UnixFSHAMTDirectorySizeThreshold ?? DEFAULTS.UnixFSHAMTDirectorySizeThreshold
  let shardThreshold = parseSize(thresholdText)
  if (estimation === 'disabled') shardThreshold = Number.POSITIVE_INFINITY
  else if (estimation !== 'links' && estimation !== 'block') throw new InvalidArgumentError(`invalid Import.UnixFSHAMTDirectorySizeEstimation "${estimation}"`)
  if (o.rawLeaves === true && metadata) {
    throw new InvalidArgumentError("raw-leaves can't be used with UnixFS metadata like mode or modification time")
  }
  let inlineLimit: number | undefined
  if (o.inline === true) {
    inlineLimit = o.inlineLimit ?? 32
    if (inlineLimit > 128) throw new InvalidArgumentError('max inline limit is 128 bytes')
  }
  return {
    cidVersion: cidVersion === 1 ? 1 : 0,
    rawLeaves,
    chunker: o.chunker ?? c.UnixFSChunker ?? DEFAULTS.UnixFSChunker,
    hash,
    trickle: o.trickle === true,
    inlineLimit,
    maxFileLinks,
    maxDirectoryLinks: Math.max(0, o.maxDirectoryLinks ?? c.UnixFSDirectoryMaxLinks ?? 0),
    fanout,
    shardThreshold,
    shardStrategy: estimation === 'block' ? 'block-bytes' : 'links-bytes'
  }
}

function importerOptions (r: ResolvedAddOptions, o: AddOptions, dirBuilder: ImporterOptions['dirBuilder']): ImporterOptions {
  return {
    dirBuilder,
    cidVersion: r.cidVersion,
    rawLeaves: r.rawLeaves,
    // Kubo's trickle builder always makes a root over the leaves, even over one (or none: the empty file)
    reduceSingleLeafToSelf: !r.trickle,
    // Kubo's trickle builder makes dag-pb leaves of UnixFS type raw; the balanced one of type file
    leafType: r.trickle ? 'raw' : 'file',
    bufferImporter: leafWriter({ rawLeaves: r.rawLeaves, leafType: r.trickle ? 'raw' : 'file', cidVersion: r.cidVersion }),
    chunker: parseChunker(r.chunker),
    layout: r.trickle ? trickle({ maxChildrenPerNode: r.maxFileLinks }) : balanced({ maxChildrenPerNode: r.maxFileLinks }),
    fileImportConcurrency: o.inOrder === true ? 1 : 50,
    onProgress: o.onProgress === undefined
      ? undefined
      : (evt) => {
          if (evt.type === 'unixfs:importer:progress:file:read') {
            const d = evt.detail as { bytesRead: bigint, path?: string }
            o.onProgress?.({ name: d.path ?? '', bytes: Number(d.bytesRead) })
          }
        }
  }
}

/** Paths in post-order: children before their parent, siblings in name order */
export function postOrder (paths: string[]): string[] {
  const split = (p: string): string[] => (p === '' ? [] : p.split('/'))
  return [...paths].sort((a, b) => {
    const x = split(a)
    const y = split(b)
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i] !== y[i]) return (x[i] as string) < (y[i] as string) ? -1 : 1
    }
    return y.length - x.length
  })
}

/**
 * The entries without the directories that have none (--empty-dirs=false): a directory is held back until
 * an entry inside it arrives. As Kubo: only directories with no entries at all are left out (one holding
 * only such directories stays), and a top-level one is always kept.
 */
export async function * withoutEmptyDirs (source: AsyncIterable<InputEntry>): AsyncGenerator<InputEntry> {
  // entries arrive depth first: a held directory that the next entry is not inside of stays empty
  let held: InputEntry | undefined
  for await (const entry of source) {
    if (held !== undefined && entry.path.startsWith(held.path + '/')) yield held
    held = undefined
    if (entry.type === 'directory' && entry.path.includes('/')) held = entry
    else yield entry
  }
}

export function createAdder ({ blocks, gcLock, repo }: Components, { pins }: { pins: PinsApi }) {
  return {
    async * add (source: AsyncIterable<InputEntry>, options: AddOptions = {}): AsyncGenerator<AddResult> {
      const resolved = resolveAddOptions(repo.config.Import, options)
      const candidates = async function * (): AsyncGenerator<ImportCandidate> {
        for await (const entry of options.emptyDirs === false ? withoutEmptyDirs(source) : source) {
          options.signal?.throwIfAborted()
          // Kubo stores no mode on symlinks, even when one is given
          const mtime = options.mtime ?? (options.entryMtime === false ? undefined : entry.mtime)
          const mode = options.mode ?? (options.entryMode === false ? undefined : entry.mode)
          // Kubo leaves out a zero fraction of a second
          const meta = { mode: entry.type === 'symlink' ? undefined : mode, mtime: mtime?.nsecs === 0 ? { secs: mtime.secs } : mtime }
          emptyDirs.delete(entry.path.split('/').slice(0, -1).join('/'))
          if (entry.type === 'directory') emptyDirs.set(entry.path, meta)
          // a file's metadata goes on its root only, after the importer made it (see metadata.ts)
          if (entry.type === 'file' && (meta.mode !== undefined || meta.mtime !== undefined)) fileMeta.set(entry.path, meta)
          else if (meta.mode !== undefined) modes.set(entry.path, meta.mode)
          if (entry.type === 'file') {
            if (sources !== undefined) {
              const queue = sources.get(entry.path)
              if (queue === undefined) sources.set(entry.path, [entry.content ?? []])
              else queue.push(entry.content ?? [])
            }
            yield { path: entry.path, content: entry.content ?? [] }
          }
          else if (entry.type === 'directory') yield { path: entry.path, ...meta }
          else yield { path: entry.path, link: entry.target ?? '', ...meta }
        }
      }
      const writer = new WriteBehind(blocks)
      const sink: BlockSink = options.onlyHash === true ? { put: async () => undefined } : writer
      const patchModes = options.mode !== undefined || options.mtime !== undefined || options.metadata === true
      const rehash = resolved.hash !== 'sha2-256' || resolved.inlineLimit !== undefined || patchModes
        ? new Rehasher(sink, { hasher: hasherByName(resolved.hash), cidVersion: resolved.cidVersion, inlineLimit: resolved.inlineLimit, patchModes })
        : undefined
      const target = rehash ?? sink
      const store = { put: async (cid: CID, bytes: Uint8Array, o?: AbortOptions) => { await target.put(cid, bytes, o); return cid } }
      // the mode each entry was given, by path, for the nodes ipfs-unixfs would write without one
      const modes = new Map<string, number>()
      // the mode and mtime of each file given them, by path
      const fileMeta = new Map<string, FileMetadata>()
      // directories given, for those that stay empty
      const emptyDirs = new Map<string, { mode?: number, mtime?: Mtime }>()
      const emptyDirNode = async (meta: { mode?: number, mtime?: Mtime }): Promise<{ cid: CID, block: Uint8Array, unixfs: UnixFS }> => {
        const unixfs = new UnixFS({ type: 'directory', mode: meta.mode, mtime: meta.mtime })
        const block = dagPb.encode(dagPb.prepare({ Data: unixfs.marshal() }))
        return { cid: CID.create(resolved.cidVersion, dagPb.code, await sha256.digest(block)), block, unixfs }
      }
      // The importer writes an empty node for every directory it is given, before its tree builder writes
      // the real one: a stray block Kubo never stores. This builder writes nothing; the directories that
      // stay empty are written at the end. (With re-hashing, the node goes through the re-hasher now, so
      // that parents link to its final CID.)
      const dirBuilder: ImporterOptions['dirBuilder'] = async (dir) => {
        const { cid, block, unixfs } = await emptyDirNode(dir)
        if (rehash !== undefined) {
          await rehash.put(cid, block)
          // a directory that stays empty is never reported by the importer: give it its mode now
          if (patchModes && dir.mode !== undefined) await rehash.setMode(cid, dir.mode)
        }
        return { cid, path: dir.path, unixfs, size: BigInt(block.length), originalPath: dir.originalPath }
      }
      // the default layout with fixed-size chunks has a faster file builder of our own (fast-file.ts)
      const chunkSize = fixedChunkSize(resolved.chunker)
      const sources = rehash === undefined && !resolved.trickle && chunkSize !== undefined ? new Map<string, Array<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>>() : undefined
      const fileBuilder = sources === undefined || chunkSize === undefined
        ? undefined
        : fastFileBuilder({
          chunkSize,
          rawLeaves: resolved.rawLeaves,
          cidVersion: resolved.cidVersion,
          sources,
          hasMetadata: (path) => fileMeta.has(path),
          onProgress: options.onProgress,
          signal: options.signal,
          write: options.onlyHash === true
            ? async (_cid, _block, release) => { release() }
            : async (cid, block, release) => { await writer.put(cid, block, undefined, release) }
        })
      const run = async function * (): AsyncGenerator<AddResult> {
        const finalCid = async (cid: CID, path: string | undefined): Promise<CID> => {
          if (rehash === undefined) return cid
          const mode = path === undefined ? undefined : modes.get(path)
          return mode !== undefined && patchModes ? await rehash.setMode(cid, mode, options) : rehash.translate(cid)
        }
        // files are reported as they finish; directories at the end, children before parents, siblings by
        // name, empty ones included (the importer does not report those), as Kubo lists them
        const dirs = new Map<string, AddResult>()
        let last: AddResult | undefined
        const opts = importerOptions(resolved, options, dirBuilder)
        opts.fileBuilder = fileBuilder
        if (opts.layout !== undefined) opts.layout = withRootMetadata(opts.layout, fileMeta, store.put, resolved.cidVersion)
        // directories are built over the final CIDs (see tree.ts); a -w wrapper names a nameless file (stdin
        // without --stdin-name) by its CID, as Kubo does
        const toFinal = async (entry: ImportResult): Promise<{ cid: CID, size: bigint, path?: string }> => {
          const cid = await finalCid(entry.cid, entry.path)
          const path = options.wrapWithDirectory === true && entry.path === '' && entry.unixfs?.isDirectory() !== true ? cid.toString() : undefined
          return { cid, size: BigInt(rehash?.cumulativeSize(entry.cid) ?? Number(entry.size)), path }
        }
        // the binary CID length Kubo gives a dag-pb node (for the empty directories its MFS links first)
        const multihashBytes = (await hasherByName(resolved.hash).digest(new Uint8Array(0))).bytes.byteLength
        const cidBytes = (block: Uint8Array): number => resolved.inlineLimit !== undefined && block.byteLength <= resolved.inlineLimit
          ? CID.createV1(dagPb.code, identity.digest(block)).bytes.byteLength
          : (resolved.cidVersion === 0 ? 0 : 2) + multihashBytes
        const entries = importTree(candidates(), store, opts, {
          cidVersion: resolved.cidVersion,
          wrapWithDirectory: options.wrapWithDirectory === true,
          shardThreshold: resolved.shardThreshold,
          shardStrategy: resolved.shardStrategy,
          shardFanoutBits: Math.log2(resolved.fanout),
          maxDirectoryLinks: resolved.maxDirectoryLinks,
          toFinal,
          cidBytes
        })
        for await (const entry of entries) {
          options.signal?.throwIfAborted()
          // The importer keeps every file entry in its directory tree until the directories are written, and
          // a single-block file's entry holds its bytes; directories need only the CID and size, so drop the
          // bytes (measured: 10,000 small files peaked 50 MB lower).
          if (entry.unixfs?.type === 'file' || entry.unixfs?.type === 'raw') entry.unixfs.data = undefined
          // entries come with their final CID and size (re-hashed DAGs have other link sizes)
          const cid = entry.cid
          const result: AddResult = { path: entry.path ?? cid.toString(), cid, size: Number(entry.size) }
          const meta = entry.path === undefined ? undefined : fileMeta.get(entry.path)
          if (meta !== undefined) {
            fileMeta.delete(entry.path as string)
            result.mode = meta.mode
            result.mtime = meta.mtime
          }
          if (entry.unixfs?.isDirectory() === true) {
            dirs.set(result.path, result)
            continue
          }
          last = result
          yield result
        }
        for (const [path, meta] of emptyDirs) {
          const { cid, block } = await emptyDirNode(meta)
          if (rehash === undefined) await sink.put(cid, block, options)
          if (!dirs.has(path)) dirs.set(path, { path, cid: await finalCid(cid, path), size: block.byteLength })
        }
        for (const path of postOrder([...dirs.keys()])) {
          last = dirs.get(path) as AddResult
          yield last
        }
        // every block is committed before anything refers to the DAG
        await writer.flush()
        if (last !== undefined && options.pin !== false && options.onlyHash !== true) {
          await pins.add(last.cid, { recursive: true, name: options.pinName, signal: options.signal, complete: true })
        }
      }
      const release = holdYoungGeneration()
      try {
        yield * (options.onlyHash === true ? run() : gcLock.sharedStream(run))
      } finally {
        release()
      }
    }
  }
}
