import { command } from '../command.ts'
import { formatCid } from '../util.ts'

export default command<{ Ref: string, Err: string }>({
  path: ['refs', 'local'],
  tagline: 'List all local references.',
  description: 'Displays the CIDs (CIDv1, raw codec) of all blocks in the local store.',
  output: 'stream',
  repo: 'read',
  async * run ({ node, options, signal }) {
    for await (const cid of node.unixfs.refsLocal({ signal })) yield { Ref: formatCid(cid, options), Err: '' }
  },
  text: (out) => `${out.Ref}\n`
})
