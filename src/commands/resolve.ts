import { command } from './command.ts'
import { UnsupportedError } from '../core/errors.ts'
import { formatCid } from './util.ts'

export default command<{ Path: string }>({
  path: ['resolve'],
  tagline: 'Resolve the value of names to IPFS.',
  description: 'Resolves a /ipfs/ path with segments to the /ipfs/<cid> of the node it names. (/ipns/ names arrive with IPNS.)',
  args: [{ name: 'name', type: 'string', required: true, description: 'The name to resolve.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Resolve until the result is an IPFS name.' },
    { name: 'dht-record-count', aliases: ['dhtrc'], type: 'int', description: 'Number of records to request for DHT resolution.' },
    { name: 'dht-timeout', aliases: ['dhtt'], type: 'string', description: 'Max time to collect values during DHT resolution eg "30s".' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const name = args[0] as string
    if (name.startsWith('/ipns/')) throw new UnsupportedError('resolving /ipns/ names is not supported yet')
    const cid = await node.unixfs.resolve(name, { signal })
    return { Path: `/ipfs/${formatCid(cid, options)}` }
  },
  text: (out) => `${out.Path}\n`
})
