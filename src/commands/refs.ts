import { command } from './command.ts'
import { InvalidArgumentError } from '../core/errors.ts'
import { checkCidBase, formatCid } from './util.ts'

export default command<{ Ref: string, Err: string }>({
  path: ['refs'],
  tagline: 'List links (references) from an object.',
  description: `
Lists the CIDs of the blocks an object links to, depth-first in link order. With -r, all the way down.

--format takes <src>, <dst> and <linkname>; the default is "<dst>".`,
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'Path to the object(s) to list refs from.' }],
  options: [
    { name: 'format', type: 'string', default: '<dst>', description: 'Emit edges with given format. Available tokens: <src> <dst> <linkname>.' },
    { name: 'edges', aliases: ['e'], type: 'bool', default: false, description: 'Emit edge format: `<from> -> <to>`.' },
    { name: 'unique', aliases: ['u'], type: 'bool', default: false, description: 'Omit duplicate refs from output.' },
    { name: 'recursive', aliases: ['r'], type: 'bool', default: false, description: 'Recursively list links of child nodes.' },
    { name: 'max-depth', type: 'int', default: -1, description: 'Only for recursive refs, limits fetch and listing to the given depth.' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    checkCidBase(options)
    let format = String(options.format)
    if (options.edges === true) {
      if (format !== '<dst>') throw new InvalidArgumentError('using format argument with edges is not allowed')
      format = '<src> -> <dst>'
    }
    // as Kubo: --max-depth counts only with -r (without it, the direct links); every path is resolved before
    // anything is listed, and --unique holds across them all
    const recursive = options.recursive === true
    const maxDepth = recursive ? Number(options['max-depth']) : 1
    const roots: string[] = []
    for (const path of args) roots.push(await node.names.toIpfsPath(path, { signal }))
    const seen = new Map<string, number>()
    for (const root of roots) {
      for await (const ref of node.unixfs.refs(root, { recursive, unique: options.unique === true, maxDepth, seen, signal })) {
        const line = format
          .replaceAll('<src>', formatCid(ref.source, options))
          .replaceAll('<dst>', formatCid(ref.target, options))
          .replaceAll('<linkname>', ref.name)
        yield { Ref: line, Err: '' }
      }
    }
  },
  text: (out) => `${out.Ref}\n`
})
