import { pushable } from 'it-pushable'
import { command, type Options } from './command.ts'
import { FileNotFoundError, FilestoreNotEnabledError, InvalidArgumentError, TsipfsError, toTsipfsError } from '../core/errors.ts'
import { checkCidBase, escNonPrint, formatCid } from './util.ts'
import type { AddOptions, AddResult } from '../core/unixfs/add.ts'
import type { ImportConfig } from '../core/repo/config.ts'
import type { TsipfsNode } from '../core/node.ts'
import { isDir } from '../core/files/inspect.ts'
import { logger } from '../core/log.ts'
import type { CID } from 'multiformats/cid'

interface AddOutput { Name: string, Hash?: string, Size?: string, Bytes?: number, Mode?: string, Mtime?: number, MtimeNsecs?: number }

function int (options: Options, name: string): number | undefined {
  const v = options[name]
  return typeof v === 'number' ? v : undefined
}

/** Map the command's flags to the core API's options (unset flags stay unset so config defaults apply) */
export function addOptions (options: Options, signal: AbortSignal): AddOptions {
  // Kubo reads --mtime=0 and --mode=0 as "not given"
  const mtimeSecs = int(options, 'mtime') === 0 ? undefined : int(options, 'mtime')
  const nsecs = int(options, 'mtime-nsecs')
  if (nsecs !== undefined && mtimeSecs === undefined) throw new InvalidArgumentError('option "mtime-nsecs" requires "mtime" to be provided as well')
  if (nsecs !== undefined && nsecs > 999999999) throw new InvalidArgumentError('mtime-nsecs must be less than 1000000000')
  const mode = options.mode
  let modeNum: number | undefined
  if (typeof mode === 'string' && mode !== '') {
    if (!/^[0-7]{1,4}$/.test(mode)) throw new InvalidArgumentError(`invalid mode "${mode}": use octal digits, e.g. 0644`)
    modeNum = parseInt(mode, 8)
    if (modeNum === 0) modeNum = undefined
  }
  return {
    pin: options.pin !== false,
    pinName: typeof options['pin-name'] === 'string' ? options['pin-name'] : undefined,
    onlyHash: options['only-hash'] === true,
    cidVersion: int(options, 'cid-version'),
    rawLeaves: typeof options['raw-leaves'] === 'boolean' ? options['raw-leaves'] : undefined,
    chunker: typeof options.chunker === 'string' ? options.chunker : undefined,
    trickle: options.trickle === true,
    hash: typeof options.hash === 'string' ? options.hash : undefined,
    inline: options.inline === true,
    inlineLimit: int(options, 'inline-limit'),
    wrapWithDirectory: options['wrap-with-directory'] === true,
    emptyDirs: options['empty-dirs'] !== false,
    maxFileLinks: int(options, 'max-file-links'),
    maxDirectoryLinks: int(options, 'max-directory-links'),
    maxHamtFanout: int(options, 'max-hamt-fanout'),
    mode: modeNum,
    mtime: mtimeSecs === undefined ? undefined : { secs: BigInt(mtimeSecs), nsecs },
    metadata: options['preserve-mode'] === true || options['preserve-mtime'] === true,
    // as Kubo: the entries' own mode and mtime (from the file system, or multipart parts) only with these
    entryMode: options['preserve-mode'] === true,
    entryMtime: options['preserve-mtime'] === true,
    signal
  }
}

export default command<AddOutput>({
  path: ['add'],
  tagline: 'Add a file or directory to IPFS.',
  description: `
Adds the content of <path> to IPFS. Use -r to add directories (recursively). With no <path>, or with '-',
reads the content from stdin.

The CID printed for the same bytes and options is the one Kubo prints. Defaults come from the Import.*
config keys (CIDv0, 256 KiB chunks, balanced layout, 174 links per node unless configured otherwise);
--cid-version=1 implies --raw-leaves, and a hash other than sha2-256 implies --cid-version=1.

  > tsipfs add example.jpg
  added QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH example.jpg

  > tsipfs add -r foo
  added QmVmDn8RXz7dEfEYQmdbtaVy3UeGPCkBGh8aJLUZLSWVVs foo/bar
  added QmSwa6Po5tqvvgSpfK6pVsrLMEqyHb16ZmLTqkDwT8qVRv foo`,
  args: [{ name: 'path', type: 'file', required: true, variadic: true, stdin: true, description: 'The path to a file to be added to IPFS.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: false, description: 'Add directory paths recursively.' },
    { name: 'dereference-args', type: 'bool', default: false, description: 'DEPRECATED: use --dereference-symlinks instead. Only dereferences symlinks in CLI arguments, not inside directories.' },
    { name: 'stdin-name', type: 'string', description: 'Assign a name if the file source is stdin.' },
    { name: 'hidden', aliases: ['H'], type: 'bool', default: false, description: 'Include files that are hidden. Only takes effect on recursive add.' },
    { name: 'ignore', type: 'strings', description: 'A rule (.gitignore-stype) defining which file(s) should be ignored (variadic, experimental).' },
    { name: 'ignore-rules-path', type: 'string', description: 'A path to a file with .gitignore-style ignore rules (experimental).' },
    { name: 'empty-dirs', aliases: ['E'], type: 'bool', default: true, description: 'Include empty directories in the import.' },
    { name: 'dereference-symlinks', type: 'bool', default: false, description: 'Recursively resolve all symlinks to their target content. Works on symlinks inside directories, not just CLI arguments.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write minimal output.' },
    { name: 'quieter', aliases: ['Q'], type: 'bool', default: false, description: 'Write only final hash.' },
    { name: 'silent', type: 'bool', default: false, description: 'Write no output.' },
    { name: 'progress', aliases: ['p'], type: 'bool', description: 'Stream progress data.' },
    { name: 'trickle', aliases: ['t'], type: 'bool', default: false, description: 'Use trickle-dag format for dag generation.' },
    { name: 'only-hash', aliases: ['n'], type: 'bool', default: false, description: 'Only chunk and hash - do not write to disk.' },
    { name: 'wrap-with-directory', aliases: ['w'], type: 'bool', default: false, description: 'Wrap files with a directory object.' },
    { name: 'chunker', aliases: ['s'], type: 'string', description: 'Chunking algorithm, size-[bytes], rabin-[min]-[avg]-[max] or buzhash. Default: Import.UnixFSChunker (size-262144).' },
    { name: 'raw-leaves', type: 'bool', description: 'Use raw blocks for leaf nodes. Default: Import.UnixFSRawLeaves (false, or true with --cid-version=1).' },
    { name: 'max-file-links', type: 'int', description: 'Limit the maximum number of links in UnixFS file nodes to this value. Default: Import.UnixFSFileMaxLinks (174).' },
    { name: 'max-directory-links', type: 'int', description: 'Limit the maximum number of links in UnixFS basic directory nodes to this value: a directory with more becomes a HAMT. Default: Import.UnixFSDirectoryMaxLinks (0, no limit).' },
    { name: 'max-hamt-fanout', type: 'int', description: 'Limit the maximum number of links of a UnixFS HAMT directory node to this (power of 2, multiple of 8). Default: Import.UnixFSHAMTDirectoryMaxFanout (256).' },
    { name: 'to-files', type: 'string', description: 'Add reference to Files API (MFS) at the provided path.' },
    { name: 'cid-version', type: 'int', description: 'CID version. Defaults to 0 unless an option that depends on CIDv1 is passed. Default: Import.CidVersion.' },
    { name: 'hash', type: 'string', description: 'Hash function to use. Implies CIDv1 if not sha2-256. Default: Import.HashFunction (sha2-256).' },
    { name: 'inline', type: 'bool', default: false, description: 'Inline small blocks into CIDs.' },
    { name: 'inline-limit', type: 'int', default: 32, description: 'Maximum block size to inline.' },
    { name: 'pin', type: 'bool', default: true, description: 'Pin locally to protect added files from garbage collection.' },
    { name: 'pin-name', type: 'string', description: 'Name to use for the pin. Requires explicit value (e.g., --pin-name=myname).' },
    { name: 'nocopy', type: 'bool', default: false, description: 'Add the file using filestore. Implies raw-leaves. tsipfs has no filestore: refused as Kubo refuses it without Experimental.FilestoreEnabled.' },
    { name: 'fscache', type: 'bool', default: false, description: 'Check the filestore for pre-existing blocks. tsipfs has no filestore: accepted and unused, as in Kubo without Experimental.FilestoreEnabled.' },
    { name: 'fast-provide-root', type: 'bool', description: 'Immediately provide root CID to DHT in addition to regular queue, for faster discovery. Default: Import.FastProvideRoot (true).' },
    { name: 'fast-provide-dag', type: 'bool', description: 'Walk and provide the full DAG immediately after add. Default: Import.FastProvideDAG (false).' },
    { name: 'fast-provide-wait', type: 'bool', description: 'Block until the immediate provide completes before returning. Default: Import.FastProvideWait (false).' },
    { name: 'preserve-mode', type: 'bool', default: false, description: 'Apply existing POSIX permissions to created UnixFS entries.' },
    { name: 'preserve-mtime', type: 'bool', default: false, description: 'Apply existing POSIX modification time to created UnixFS entries.' },
    { name: 'mode', type: 'string', description: 'Custom POSIX file mode (octal) to store in created UnixFS entries.' },
    { name: 'mtime', type: 'int', description: 'Custom POSIX modification time (seconds before or since the Unix Epoch) to store in created UnixFS entries.' },
    { name: 'mtime-nsecs', type: 'uint', description: 'Custom POSIX modification time (optional time fraction in nanoseconds).' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, files, options, signal, mode }) {
    checkCidBase(options)
    if (files === undefined) throw new InvalidArgumentError('argument "path" is required')
    const opts = addOptions(options, signal)
    if (options.nocopy === true) throw new FilestoreNotEnabledError()
    const toFiles = typeof options['to-files'] === 'string' ? options['to-files'] : undefined
    if (toFiles !== undefined && opts.wrapWithDirectory === true) throw new InvalidArgumentError('wrap-with-directory and to-files options are not compatible')
    // in the daemon the files arrive as one multipart stream, which can only be read in order
    opts.inOrder = mode === 'daemon'
    const out = pushable<AddOutput>({ objectMode: true })
    if (options.progress === true) opts.onProgress = (e) => { out.push({ Name: e.name, Bytes: e.bytes }) }
    const quieter = options.quieter === true
    void (async () => {
      let last: AddResult | undefined
      // formatted only when sent: with -Q only the root is (formatting every CID cost 4% of add -r of 10,000 files)
      const output = (r: AddResult): AddOutput => {
        const cid = formatCid(r.cid, options)
        const o: AddOutput = { Name: r.path === '' ? cid : r.path, Hash: cid, Size: String(r.size) }
        // as Kubo: the mode in octal, the mtime in seconds and nanoseconds, when the entry has them
        if (r.mode !== undefined) o.Mode = '0' + r.mode.toString(8).padStart(3, '0')
        if (r.mtime !== undefined) {
          o.Mtime = Number(r.mtime.secs)
          if (r.mtime.nsecs !== undefined && r.mtime.nsecs !== 0) o.MtimeNsecs = r.mtime.nsecs
        }
        return o
      }
      // the top-level entries, for --to-files
      const top: AddResult[] = []
      try {
        // each result is sent when the next arrives: the root, which comes last, is known as such
        for await (const r of node.unixfs.add(files, opts)) {
          if (!r.path.includes('/')) top.push(r)
          // -Q: only the root
          if (!quieter && last !== undefined) out.push(output(last))
          last = r
        }
        // Kubo names the -w wrapper "" (the CLI prints `added <cid> `)
        if (last !== undefined) out.push(opts.wrapWithDirectory === true ? { ...output(last), Name: '' } : output(last))
        if (toFiles !== undefined) await copyToFiles(node, top, toFiles, signal)
        if (last !== undefined && opts.onlyHash !== true) await fastProvide(node, last.cid, options, signal)
        out.end()
      } catch (err) {
        out.end(err as Error)
      }
    })()
    yield * out
  },
  text (out, options) {
    if (out.Hash === undefined) return ''
    if (options.silent === true) return ''
    if (options.quieter === true || options.quiet === true) return out.Hash + '\n'
    return `added ${out.Hash} ${escNonPrint(out.Name)}\n`
  },
  progress: (out) => (out.Hash === undefined && out.Bytes !== undefined ? { name: out.Name, bytes: out.Bytes } : undefined)
})

/** --to-files: link each top-level entry into MFS, into a directory (a path ending in '/') or at the path */
async function copyToFiles (node: TsipfsNode, top: AddResult[], dest: string, signal: AbortSignal): Promise<void> {
  if (!dest.startsWith('/')) throw new InvalidArgumentError('to-files: paths must start with a leading slash')
  if (dest.endsWith('/')) {
    const dir = await node.files.stat(dest, { signal }).catch(() => undefined)
    if (dir === undefined || !isDir(dir)) throw new FileNotFoundError(`to-files: MFS destination directory "${dest}" does not exist: file does not exist`)
  }
  for (const [i, r] of top.entries()) {
    if (r.path === '') throw new InvalidArgumentError('to-files: cannot add unnamed files to MFS')
    if (!dest.endsWith('/') && i > 0) throw new InvalidArgumentError(`to-files: MFS destination is a file: only one entry can be copied to "${dest}"`)
    const path = dest.endsWith('/') ? dest + r.path : dest
    // the parent must be there first, said as Kubo says it
    const parent = path.slice(0, path.lastIndexOf('/')) || '/'
    if (await node.files.stat(parent, { signal }).catch(() => undefined) === undefined) {
      throw new FileNotFoundError(`to-files: MFS destination parent ${JSON.stringify(path)} ${JSON.stringify(parent)} does not exist: file does not exist`)
    }
    await node.files.put(path, r.cid, { signal }).catch((err: unknown) => {
      const e = toTsipfsError(err)
      throw Object.assign(new TsipfsError(`to-files: cannot put node in path "${path}": ${e.message}`, { cause: e }), { name: e.name })
    })
  }
}

const log = logger('tsipfs:add')

/**
 * --fast-provide-root / --fast-provide-dag (Import.FastProvideRoot, true, and Import.FastProvideDAG): announce
 * the root (or its whole DAG) now, besides the providing queue. As Kubo: skipped without the network or with
 * Provide.Enabled false, a failure only logged; waited for with --fast-provide-wait (Import.FastProvideWait).
 */
async function fastProvide (node: TsipfsNode, root: CID, options: Options, signal: AbortSignal): Promise<void> {
  const flag = (name: string, key: string, fallback: boolean): boolean => {
    const given = options[name]
    if (typeof given === 'boolean') return given
    // the config the node runs with, as the other Import keys are read (Kubo's Repo.Config()), not the file
    const configured = (node.components.repo.config.Import as ImportConfig | undefined)?.[key]
    return typeof configured === 'boolean' ? configured : fallback
  }
  const dag = flag('fast-provide-dag', 'FastProvideDAG', false)
  if (!dag && !flag('fast-provide-root', 'FastProvideRoot', true)) return
  const wait = flag('fast-provide-wait', 'FastProvideWait', false)
  const done = node.routing.provide([root], { recursive: dag, signal: wait ? signal : undefined }).then(() => undefined, (err: unknown) => {
    const e = toTsipfsError(err)
    if (e.name !== 'NotOnlineError' && e.name !== 'ProvideDisabledError') log.warn(`fast provide of ${root.toString()}: ${e.message}`)
  })
  if (wait) await done
}
