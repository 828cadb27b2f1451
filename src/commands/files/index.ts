/** `tsipfs files …`: reading the mutable filesystem (MFS). The commands that change it are in change.ts. */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { isDir } from '../../core/files/inspect.ts'
import { formatCid } from '../util.ts'
import { humanSize } from '../repo/index.ts'
import { DEFAULT_STAT_FORMAT, formatStat, statNode, type StatOutput } from './stat.ts'
import changeCmds, { FLUSH } from './change.ts'

const files = command({
  path: ['files'],
  tagline: 'Interact with unixfs files.',
  description: `
Files is an API for manipulating IPFS objects as if they were a Unix filesystem.

The files facility interacts with MFS (Mutable File System). MFS acts as a single, dynamic filesystem
mount. MFS has a root CID that is transparently updated when a change happens (and can be checked with
"tsipfs files stat /").

All files and folders within MFS are kept during garbage collection. A DAG may be referenced in MFS
without being fully available locally. MFS is independent from the list of pinned items ("tsipfs pin
ls"). Content added with "tsipfs add" is not added to MFS; reference it with
"tsipfs files cp /ipfs/<cid> /some/path".

Every change is stored before the command returns, and a crash leaves either the old tree or the new
one; '--flush=false' is accepted for Kubo compatibility and changes nothing.`,
  options: [FLUSH],
  output: 'value',
  repo: 'read',
  async run () {
    throw new InvalidArgumentError('a subcommand is required: tsipfs files --help lists them')
  }
})

const stat = command<StatOutput>({
  path: ['files', 'stat'],
  tagline: 'Display file status.',
  args: [{ name: 'path', type: 'string', required: true, description: 'Path to node to stat.' }],
  options: [
    { name: 'format', type: 'string', default: DEFAULT_STAT_FORMAT, description: 'Print statistics in given format. Allowed tokens: <hash> <size> <cumulsize> <type> <childs> and optional <mode> <mode-octal> <mtime> <mtime-secs> <mtime-nsecs>. Conflicts with other format options.' },
    { name: 'hash', type: 'bool', default: false, description: "Print only hash. Implies '--format=<hash>'. Conflicts with other format options." },
    { name: 'size', type: 'bool', default: false, description: "Print only size. Implies '--format=<cumulsize>'. Conflicts with other format options." },
    { name: 'with-local', type: 'bool', default: false, description: 'Compute the amount of the dag that is local, and if possible the total size' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    statFormat(options)
    const path = args[0] as string
    const target = path.startsWith('/ipfs/') || path.startsWith('/ipns/') ? await node.files.load(await node.unixfs.resolve(await node.names.toIpfsPath(path, { signal }), { signal }), { signal }) : await node.files.stat(path, { signal })
    const out = statNode(target, options)
    if (options['with-local'] !== true) return out
    const { local, sizeLocal } = await node.files.locality(target.cid, { signal })
    const { Mtime, MtimeNsecs, Mode, ...rest } = out
    return { ...rest, WithLocality: true, Local: local, SizeLocal: sizeLocal, Mtime, MtimeNsecs, Mode }
  },
  text (out, options) {
    let s = formatStat(out, statFormat(options)) + '\n'
    if (out.WithLocality === true) {
      const pct = out.CumulativeSize === 0 ? 'NaN' : (100 * (out.SizeLocal ?? 0) / out.CumulativeSize).toFixed(2)
      s += `Local: ${humanSize(out.SizeLocal ?? 0)} of ${humanSize(out.CumulativeSize)} (${pct}%)\n`
    }
    return s
  }
})

function statFormat (options: Record<string, unknown>): string {
  const format = typeof options.format === 'string' ? options.format : DEFAULT_STAT_FORMAT
  const set = [options.hash === true, options.size === true, format !== DEFAULT_STAT_FORMAT].filter(Boolean).length
  if (set > 1) throw new InvalidArgumentError('invalid parameters: format was set by multiple options. Only one format option is allowed')
  if (options.hash === true) return '<hash>'
  if (options.size === true) return '<cumulsize>'
  return format
}

interface Listing { Name: string, Type: number, Size: number, Hash: string }

const ls = command<{ Entries: Listing[] | null }>({
  path: ['files', 'ls'],
  tagline: 'List directories in the local mutable namespace.',
  description: `
List directories in the local mutable namespace.

Examples:

    $ tsipfs files ls /welcome/docs/
    about
    contact
    help`,
  args: [{ name: 'path', type: 'string', description: "Path to show listing for. Defaults to '/'." }],
  options: [
    { name: 'long', aliases: ['l'], type: 'bool', default: false, description: 'Use long listing format.' },
    { name: 'U', type: 'bool', default: false, description: 'Do not sort; list entries in directory order.' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const path = args[0] ?? '/'
    const long = options.long === true
    const { file, entries } = await node.files.ls(path, { signal })
    if (file !== undefined) {
      const e = entries[0] as (typeof entries)[number]
      return { Entries: [long ? { Name: e.name, Type: 0, Size: statNode(file, {}).Size, Hash: formatCid(file.cid, options) } : { Name: e.name, Type: 0, Size: 0, Hash: '' }] }
    }
    if (entries.length === 0) return { Entries: null }
    const out: Listing[] = []
    for (const e of entries) {
      if (!long) {
        out.push({ Name: e.name, Type: 0, Size: 0, Hash: '' })
        continue
      }
      const child = await node.files.load(e.cid, { signal })
      const dir = isDir(child)
      out.push({ Name: e.name, Type: dir ? 1 : 0, Size: dir ? 0 : statNode(child, {}).Size, Hash: e.cid.toString() })
    }
    return { Entries: out }
  },
  text (out, options) {
    const entries = [...(out.Entries ?? [])]
    if (options.U !== true) entries.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0))
    return entries.map(e => options.long === true ? `${e.Name}${e.Type === 1 ? '/' : ''}\t${e.Hash}\t${e.Size}\n` : `${e.Name}\n`).join('')
  }
})

const read = command<Uint8Array>({
  path: ['files', 'read'],
  tagline: 'Read a file from MFS.',
  description: `
Read a specified number of bytes from a file at a given offset. By default, it will read the entire file
similar to the Unix cat.

Examples:

    $ tsipfs files read /test/hello
    hello`,
  args: [{ name: 'path', type: 'string', required: true, description: 'Path to file to be read.' }],
  options: [
    { name: 'offset', aliases: ['o'], type: 'int', description: 'Byte offset to begin reading from.' },
    { name: 'count', aliases: ['n'], type: 'int', description: 'Maximum number of bytes to read.' }
  ],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    const path = args[0] as string
    const file = await node.files.file(path, { signal })
    const offset = options.offset === undefined ? 0 : Number(options.offset)
    if (offset < 0) throw new InvalidArgumentError('cannot specify negative offset')
    if (offset > file.size) throw new InvalidArgumentError(`offset was past end of file (${offset} > ${file.size})`)
    let length: number | undefined
    if (options.count !== undefined) {
      length = Number(options.count)
      if (length < 0) throw new InvalidArgumentError("cannot specify negative 'count'")
      if (length === 0) return
    }
    if (offset === file.size) return
    yield * node.unixfs.cat(`/ipfs/${file.cid.toString()}`, { offset, length, signal })
  }
})

const flush = command({
  path: ['files', 'flush'],
  tagline: "Flush a given path's data to disk.",
  description: `
Flush a given path to the disk and print its CID. tsipfs stores every change as it is made, so this only
reports the CID.`,
  args: [{ name: 'path', type: 'string', description: "Path to flush. Default: '/'." }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const target = await node.files.stat(args[0] ?? '/', { signal })
    return { Cid: formatCid(target.cid, options) }
  }
})

export default [files, stat, ls, read, flush, ...changeCmds] as Command[]
