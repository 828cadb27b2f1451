/** `tsipfs files …` commands that change the mutable filesystem. */
import { command, type Command, type OptionDef, type Options } from '../command.ts'
import { InvalidArgumentError, TsipfsError, toTsipfsError } from '../../core/errors.ts'
import { parseCid } from '../../core/path.ts'
import type { PrefixOptions } from '../../core/files/index.ts'
import { formatCid } from '../util.ts'

/** Kubo's `files --flush`: tsipfs stores every change at once, so false changes nothing */
export const FLUSH: OptionDef = { name: 'flush', aliases: ['f'], type: 'bool', default: true, description: 'Flush target and ancestors after write. (tsipfs stores every change at once, whatever this says.)' }
const CID_VERSION: OptionDef = { name: 'cid-version', aliases: ['cid-ver'], type: 'int', description: 'Cid version to use. (experimental)' }
const HASH: OptionDef = { name: 'hash', type: 'string', description: 'Hash function to use. Will set Cid version to 1 if used. (experimental)' }

function prefixOptions (options: Options): PrefixOptions {
  return {
    cidVersion: options['cid-version'] === undefined ? undefined : Number(options['cid-version']),
    hash: typeof options.hash === 'string' ? options.hash : undefined
  }
}

const mkdir = command({
  path: ['files', 'mkdir'],
  tagline: 'Make directories.',
  description: `
Create the directory if it does not already exist.

The directory gets the CID version and hash function from Import.CidVersion and Import.HashFunction
unless the --cid-version and --hash options are used.

NOTE: All paths must be absolute.

Examples:

    $ tsipfs files mkdir /test/newdir
    $ tsipfs files mkdir -p /test/does/not/exist/yet`,
  args: [{ name: 'path', type: 'string', required: true, description: 'Path to dir to make.' }],
  options: [
    { name: 'parents', aliases: ['p'], type: 'bool', default: false, description: 'No error if existing, make parent directories as needed.' },
    CID_VERSION, HASH, FLUSH
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    await node.files.mkdir(args[0] as string, { parents: options.parents === true, ...prefixOptions(options), signal })
  }
})

const write = command({
  path: ['files', 'write'],
  tagline: 'Append to (modify) a file in MFS.',
  description: `
Write data to a file in MFS, at its end or at a given offset. The whole input is written.

If the '--create' option is given, the file is created if it does not exist. Missing intermediate
directories are created only with '--parents'.

New files get the CID version and hash function of Import.CidVersion and Import.HashFunction unless the
'--cid-version' and '--hash' options are used. New leaves are dag-pb with CIDv0 and raw with CIDv1;
'--raw-leaves' (or Import.UnixFSRawLeaves) overrides that.

As with Kubo, the CID differs from 'tsipfs add' of the same bytes: 'files write' builds a trickle DAG
made for appending. tsipfs cuts the input the same way whatever way it arrives, so the same writes always
give the same CID.

Examples:

    echo "hello world" | tsipfs files write --create --parents /myfs/a/b/file
    echo "hello world" | tsipfs files write --truncate /myfs/a/b/file`,
  args: [
    { name: 'path', type: 'string', required: true, description: 'Path to write to.' },
    { name: 'data', type: 'file', required: true, stdin: true, description: 'Data to write.' }
  ],
  options: [
    { name: 'offset', aliases: ['o'], type: 'int', description: 'Byte offset to begin writing at.' },
    { name: 'create', aliases: ['e'], type: 'bool', default: false, description: 'Create the file if it does not exist.' },
    { name: 'parents', aliases: ['p'], type: 'bool', default: false, description: 'Make parent directories as needed.' },
    { name: 'truncate', aliases: ['t'], type: 'bool', default: false, description: 'Truncate the file to size zero before writing.' },
    { name: 'count', aliases: ['n'], type: 'int', description: 'Maximum number of bytes to read.' },
    { name: 'raw-leaves', type: 'bool', description: 'Use raw blocks for newly created leaf nodes. (experimental)' },
    CID_VERSION, HASH, FLUSH
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, files, options, signal }) {
    if (files === undefined) throw new InvalidArgumentError('argument "data" is required')
    let content: AsyncIterable<Uint8Array> | undefined
    for await (const entry of files) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError(`${entry.path}: files write takes a file, not a directory`)
      content = entry.content
      break
    }
    if (content === undefined) throw new InvalidArgumentError('argument "data" is required')
    await node.files.write(args[0] as string, content, {
      offset: options.offset === undefined ? undefined : Number(options.offset),
      count: options.count === undefined ? undefined : Number(options.count),
      create: options.create === true,
      parents: options.parents === true,
      truncate: options.truncate === true,
      rawLeaves: typeof options['raw-leaves'] === 'boolean' ? options['raw-leaves'] : undefined,
      ...prefixOptions(options),
      signal
    })
  }
})

const cp = command({
  path: ['files', 'cp'],
  tagline: 'Add references to IPFS files and directories in MFS (or copy within MFS).',
  description: `
"tsipfs files cp" adds a reference to any IPFS file or directory (usually /ipfs/<CID>, or any resolvable
path) into MFS, or copies within MFS. When an IPFS path matches an MFS path, the IPFS path wins.

To put content from disk into MFS, add it and copy its CID:

    $ tsipfs add --quieter --pin=false <your file>
    $ tsipfs files cp /ipfs/<CID> /your/desired/mfs/path

The copy is lazy: only the root node must be present; MFS keeps whatever of the DAG is local from
garbage collection.`,
  args: [
    { name: 'source', type: 'string', required: true, description: 'Source IPFS or MFS path to copy.' },
    { name: 'dest', type: 'string', required: true, description: 'Destination within MFS.' }
  ],
  options: [
    { name: 'force', type: 'bool', default: false, description: 'Force overwrite of existing files.' },
    { name: 'parents', aliases: ['p'], type: 'bool', default: false, description: 'Make parent directories as needed.' },
    FLUSH
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    const src = (args[0] as string).replace(/(.)\/+$/, '$1')
    let dst = args[1] as string
    if (!src.startsWith('/')) throw new InvalidArgumentError('paths must start with a leading slash')
    if (dst.endsWith('/')) dst += src.slice(src.lastIndexOf('/') + 1)
    let cid
    try {
      cid = src.startsWith('/ipfs/') || src.startsWith('/ipns/') ? await node.unixfs.resolve(await node.names.toIpfsPath(src, { signal }), { signal }) : (await node.files.stat(src, { signal })).cid
      await node.files.load(cid, { signal })
    } catch (err) {
      const e = toTsipfsError(err)
      if (e.name === 'UnsupportedError' || e.name === 'InvalidArgumentError') throw new InvalidArgumentError('cp: source must be a valid UnixFS (dag-pb or raw codec)')
      throw new TsipfsError(`cp: cannot get node from path ${src}: ${e.message}`, { cause: e })
    }
    await node.files.put(dst, cid, { parents: options.parents === true, force: options.force === true, signal }).catch((err: unknown) => {
      const e = toTsipfsError(err)
      throw Object.assign(new TsipfsError(`cp: cannot put node in path ${dst}: ${e.message}`, { cause: e }), { name: e.name })
    })
  }
})

const mv = command({
  path: ['files', 'mv'],
  tagline: 'Move files.',
  description: `
Move files around. Just like the traditional Unix mv.

Example:

    $ tsipfs files mv /myfs/a/b/c /myfs/foo/newc`,
  args: [
    { name: 'source', type: 'string', required: true, description: 'Source file to move.' },
    { name: 'dest', type: 'string', required: true, description: 'Destination path for file to be moved to.' }
  ],
  options: [FLUSH],
  output: 'value',
  repo: 'write',
  async run ({ node, args, signal }) {
    await node.files.mv(args[0] as string, args[1] as string, { signal })
  }
})

const rm = command<string>({
  path: ['files', 'rm'],
  tagline: 'Remove a file from MFS.',
  description: `
Remove files or directories.

    $ tsipfs files rm /foo
    $ tsipfs files ls /bar
    cat
    dog
    fish
    $ tsipfs files rm -r /bar`,
  args: [{ name: 'path', type: 'string', required: true, variadic: true, description: 'File to remove.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: false, description: 'Recursively remove directories.' },
    { name: 'force', type: 'bool', default: false, description: 'Forcibly remove target at path; implies -r for directories' },
    FLUSH
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, args, options, signal }) {
    if (options.flush === false) throw new InvalidArgumentError('files rm always flushes for safety. The --flush flag cannot be set to false for this command')
    let failed = false
    for (const path of args) {
      try {
        await node.files.rm(path, { recursive: options.recursive === true, force: options.force === true, signal })
      } catch (err) {
        failed = true
        yield `${path}: ${toTsipfsError(err).message}`
      }
    }
    if (failed) throw new TsipfsError("can't remove some files")
  },
  // Kubo prints these lines as JSON strings
  text: (line) => `${JSON.stringify(line)}\n`
})

const chcid = command({
  path: ['files', 'chcid'],
  tagline: 'Change the CID version or hash function of the root node of a given path.',
  description: `
Change the CID version or hash function of the root node of a given path.

The MFS root ('/') follows Import.CidVersion and Import.HashFunction in the config; change those with
'tsipfs config' instead. This command works on subdirectories of the root.`,
  args: [{ name: 'path', type: 'string', required: true, description: "Path to change (must not be '/')." }],
  options: [CID_VERSION, HASH, FLUSH],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    await node.files.chcid(args[0] as string, { ...prefixOptions(options), signal })
  }
})

const chmod = command({
  path: ['files', 'chmod'],
  tagline: 'Change optional POSIX mode permissions',
  description: `
The mode argument must be specified in Unix numeric notation.

    $ tsipfs files chmod 0644 /foo
    $ tsipfs files stat /foo
    ...
    Type: file
    Mode: -rw-r--r-- (0644)
    ...`,
  args: [
    { name: 'mode', type: 'string', required: true, description: 'Mode to apply to node (numeric notation)' },
    { name: 'path', type: 'string', required: true, description: 'Path to apply mode' }
  ],
  options: [FLUSH],
  output: 'value',
  repo: 'write',
  async run ({ node, args, signal }) {
    const text = args[0] as string
    if (!/^[0-7]{1,11}$/.test(text) || parseInt(text, 8) > 0xffffffff) throw new InvalidArgumentError(`strconv.ParseInt: parsing "${text}": invalid syntax`)
    // Kubo reads the number as a Go os.FileMode, whose setuid/setgid/sticky bits sit elsewhere: only rwx stays
    await node.files.chmod(args[1] as string, parseInt(text, 8) & 0o777, { signal })
  }
})

const touch = command({
  path: ['files', 'touch'],
  tagline: 'Set or change optional POSIX modification times.',
  description: `
Examples:
    # set modification time to now.
    $ tsipfs files touch /foo
    # set a custom modification time.
    $ tsipfs files touch --mtime=1630937926 /foo`,
  args: [{ name: 'path', type: 'string', required: true, description: 'Path of target to update.' }],
  options: [
    { name: 'mtime', type: 'int', description: 'Modification time in seconds before or since the Unix Epoch to apply to created UnixFS entries.' },
    { name: 'mtime-nsecs', type: 'uint', description: 'Modification time fraction in nanoseconds' },
    FLUSH
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    const secs = options.mtime === undefined ? 0 : Number(options.mtime)
    const nsecs = options['mtime-nsecs'] === undefined ? 0 : Number(options['mtime-nsecs'])
    if (nsecs > 999999999) throw new InvalidArgumentError('mtime-nsecs must be at most 999999999')
    let mtime = { secs, nsecs }
    if (secs === 0) {
      const ms = Date.now()
      mtime = { secs: Math.floor(ms / 1000), nsecs: (ms % 1000) * 1e6 }
    }
    await node.files.touch(args[0] as string, mtime, { signal })
  }
})

const chroot = command({
  path: ['files', 'chroot'],
  tagline: 'Change the MFS root CID.',
  description: `
'tsipfs files chroot' changes the root CID used by MFS, to recover from a damaged tree. Without a CID
it resets MFS to an empty directory.

WARNING: the old root and its unpinned children are removed by the next garbage collection. Pin the old
root first to keep it.

This command runs only when the daemon is not running.

Examples:

  $ tsipfs files chroot --confirm
  $ tsipfs files chroot --confirm QmYourBackupCID`,
  args: [{ name: 'cid', type: 'string', description: 'New root CID (defaults to empty directory if not specified).' }],
  options: [{ name: 'confirm', type: 'bool', default: false, description: 'Confirm this potentially destructive operation.' }],
  output: 'value',
  repo: 'write',
  cliOnly: true,
  async run ({ node, args, options, signal }) {
    if (options.confirm !== true) throw new InvalidArgumentError('this is a potentially destructive operation; pass --confirm to proceed')
    const cid = args[0] === undefined ? undefined : parseCid(args[0])
    const r = await node.files.chroot(cid, { signal })
    const next = formatCid(r.root, options)
    const message = r.old === undefined
      ? `MFS root set to ${next}\n`
      : `MFS root changed from ${formatCid(r.old, options)} to ${next}\nThe old root ${formatCid(r.old, options)} will be garbage collected unless pinned.\n`
    return { Message: message }
  },
  text: (out) => out.Message
})

export default [mkdir, write, cp, mv, rm, chcid, chmod, touch, chroot] as Command[]
