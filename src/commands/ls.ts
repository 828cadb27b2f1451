import { command } from './command.ts'
import { formatCid } from './util.ts'

/** Kubo's numbers for entry types in `ls` (UnixFS Data.DataType) */
const LS_TYPE = { directory: 1, file: 2, symlink: 4 } as const

interface LsObject {
  Hash: string
  Links: Array<{ Name: string, Hash: string, Size: number, Type: number, Target: string }>
}

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
    for (const path of args) {
      const links: LsObject['Links'] = []
      const obj: LsObject = { Hash: path, Links: links }
      for await (const l of node.unixfs.ls(await node.names.toIpfsPath(path, { signal }), { signal })) {
        if (l.name === '' && links.length === 0) break // a file lists as itself: no links
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
      if (options.stream !== true) yield { Objects: [obj] }
    }
  },
  text (out, options) {
    let s = options.headers === true ? 'Hash\tSize\tName\n' : ''
    for (const o of out.Objects) {
      for (const l of o.Links) {
        const dir = l.Type === LS_TYPE.directory
        const size = dir || options.size === false ? '-' : String(l.Size)
        const name = dir ? `${l.Name}/` : l.Type === LS_TYPE.symlink ? `${l.Name} -> ${l.Target}` : l.Name
        s += `${l.Hash} ${size} ${name}\n`
      }
    }
    return s
  }
})
