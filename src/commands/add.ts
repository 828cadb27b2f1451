import { command } from './command.ts'

export default command({
  path: ['add'],
  tagline: 'Add a file or directory to IPFS.',
  description: `
Adds the content of <path> to IPFS. Use -r to add directories (recursively).
With no <path>, or with '-', reads the content from stdin.`,
  args: [{ name: 'path', type: 'file', required: true, variadic: true, stdin: true, description: 'The path to a file to be added to IPFS.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: false, description: 'Add directory paths recursively.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write minimal output.' },
    { name: 'quieter', aliases: ['Q'], type: 'bool', default: false, description: 'Write only final hash.' },
    { name: 'pin', type: 'bool', default: true, description: 'Pin locally to protect added files from garbage collection.' },
    { name: 'pin-name', type: 'string', description: 'Name to use for the pin. Requires explicit value (e.g., --pin-name=myname).' },
    { name: 'stdin-name', type: 'string', description: 'Assign a name if the file source is stdin.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, files, options, signal }) {
    if (files === undefined) return
    let last
    for await (const r of node.unixfs.add(files, { pin: options.pin !== false, pinName: options['pin-name'] as string | undefined, signal })) {
      last = { Name: r.path, Hash: r.cid.toString(), Size: String(r.size) }
      // -Q: only the root, which comes last
      if (options.quieter !== true) yield last
    }
    if (options.quieter === true && last !== undefined) yield last
  },
  text (out, options) {
    if (options.quieter === true || options.quiet === true) return out.Hash + '\n'
    return `added ${out.Hash} ${out.Name}\n`
  }
})
