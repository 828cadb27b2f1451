import { command } from './command.ts'
import { checkCidBase, escNonPrint, formatCid } from './util.ts'
import { tabwrite } from './tabwriter.ts'
import { byteOrder } from '../core/order.ts'

/** Kubo's numbers for entry types in `ls` (UnixFS Data.DataType) */
const LS_TYPE = { directory: 1, file: 2, symlink: 4 } as const

interface LsObject {
  Hash: string
  Links: Array<{ Name: string, Hash: string, Size: number, Type: number, Target: string }>
}

/** The path whose entries were printed last, per command run (its options object): Kubo's lastObjectHash */
const lastListed = new WeakMap<object, string>()

export default command<{ Objects: LsObject[] }>({
  path: ['ls'],
  tagline: 'List directory contents for Unix filesystem objects.',
  description: `
Displays the contents of an IPFS or IPNS object(s) at the given path, with the following format:

  <link base58 hash> <link size in bytes> <link name>

With --stream, entries are output one by one as they are found.`,
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'The path to the IPFS object(s) to list links from.' }],
  options: [
    { name: 'headers', aliases: ['v'], type: 'bool', default: false, description: 'Print table headers (Hash, Size, Name).' },
    { name: 'resolve-type', type: 'bool', default: true, description: 'Resolve linked objects to find out their types.' },
    { name: 'size', type: 'bool', default: true, description: 'Resolve linked objects to find out their file size.' },
    { name: 'stream', aliases: ['s'], type: 'bool', default: false, description: 'Enable experimental streaming of directory entries as they are traversed.' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    checkCidBase(options)
    const objects: LsObject[] = []
    for (const path of args) {
      const links: LsObject['Links'] = []
      const obj: LsObject = { Hash: path, Links: links }
      for await (const l of node.unixfs.ls(await node.names.toIpfsPath(path, { signal }), { signal })) {
        const link = {
          Name: l.name,
          Hash: formatCid(l.cid, options),
          Size: options.size === false ? 0 : Number(l.size),
          Type: l.type === 'unknown' ? 0 : LS_TYPE[l.type],
          Target: l.target ?? ''
        }
        if (options.stream === true) yield { Objects: [{ Hash: path, Links: [link] }] }
        else links.push(link)
      }
      // as Kubo: one result for all the paths, each directory's entries sorted by name
      if (options.stream !== true) objects.push({ ...obj, Links: links.sort((a, b) => byteOrder(a.Name, b.Name)) })
    }
    if (options.stream !== true) yield { Objects: objects }
  },
  text (out, options, args) {
    // Kubo's tabularOutput: columns aligned by Go's tabwriter (minimum width 10 when streaming, as it cannot
    // see the later rows), a '<path>:' line and a blank line between paths when several are listed, the
    // headers once per path; the last path seen carries over from one streamed result to the next
    const size = options.size !== false
    const multiple = args.length > 1
    let last = lastListed.get(options) ?? ''
    let s = ''
    for (const o of out.Objects) {
      if (o.Hash !== last) {
        if (multiple) s += `${last === '' ? '' : '\n'}${o.Hash}:\n`
        if (options.headers === true) s += size ? 'Hash\tSize\tName\n' : 'Hash\tName\n'
        last = o.Hash
      }
      for (const l of o.Links) {
        const dir = l.Type === LS_TYPE.directory
        const name = dir ? `${escNonPrint(l.Name)}/` : escNonPrint(l.Name)
        s += size ? `${l.Hash}\t${dir ? '-' : l.Size}\t${name}\n` : `${l.Hash}\t${name}\n`
      }
    }
    lastListed.set(options, last)
    return tabwrite(s, options.stream === true ? 10 : 1, 1)
  }
})
