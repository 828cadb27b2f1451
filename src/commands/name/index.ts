/** `tsipfs name resolve`: IPNS names (from the local record store) and DNSLink domains to paths. */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'

const resolve = command<{ Path: string }>({
  path: ['name', 'resolve'],
  tagline: 'Resolve IPNS names.',
  description: `
IPNS is a PKI namespace, where names are the hashes of public keys, and the private key enables
publishing new (signed) values. Resolve a name to the path it points to:

    $ tsipfs name resolve k51qzi5uqu5dl...
    /ipfs/bafy...

DNSLink domains resolve too (TXT record at _dnslink.<domain>, or IPFS_NS_MAP):

    $ tsipfs name resolve example.org`,
  args: [{ name: 'name', type: 'string', required: true, description: 'The IPNS name to resolve.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Resolve until the result is not an IPNS name.' },
    { name: 'nocache', aliases: ['n'], type: 'bool', default: false, description: 'Do not use cached entries.' },
    { name: 'stream', aliases: ['s'], type: 'bool', default: false, description: 'Stream entries as they are found.' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const name = (args[0] as string).replace(/^\/ipns\//, '')
    if (name === '') throw new InvalidArgumentError('a name is required')
    const r = await node.names.resolve(`/ipns/${name}`, { recursive: options.recursive !== false, signal })
    return { Path: r.path }
  },
  text: (out) => `${out.Path}\n`
})

export default [resolve] as Command[]
