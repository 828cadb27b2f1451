/** `tsipfs name resolve [<name>]`: IPNS names and DNSLink domains to paths */
import { command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { parseDuration } from '../../core/repo/config.ts'
import type { ResolveOptions } from '../../core/names/index.ts'
import type { Options } from '../command.ts'

export function resolveOptions (options: Options, signal: AbortSignal): ResolveOptions {
  let dhtTimeout: number | undefined
  if (typeof options['dht-timeout'] === 'string' && options['dht-timeout'] !== '') {
    try {
      dhtTimeout = parseDuration(options['dht-timeout'])
    } catch {
      throw new InvalidArgumentError(`invalid duration for --dht-timeout: ${JSON.stringify(options['dht-timeout'])}`)
    }
  }
  const count = options['dht-record-count']
  return {
    recursive: options.recursive !== false,
    nocache: options.nocache === true,
    dhtTimeout,
    dhtRecordCount: typeof count === 'number' ? count : undefined,
    signal
  }
}

export default command<{ Path: string }>({
  path: ['name', 'resolve'],
  tagline: 'Resolve IPNS names.',
  description: `
IPNS is a PKI namespace, where names are the hashes of public keys, and the private key enables
publishing new (signed) values. In both publish and resolve, the default name used is the node's own
PeerID, which is the hash of its public key. Names are accepted in every form (k51..., bafz..., 12D3...).

Resolve the value of your name:

    $ tsipfs name resolve
    /ipfs/QmatmE9msSfkKxoffpHwNLNKgwZG8eT9Bud6YoPab52vpy

Resolve the value of another name:

    $ tsipfs name resolve k51qzi5uqu5dl...
    /ipfs/QmSiTko9JZyabH56y2fussEt1A5oDqsFXB3CkvAqraFryz

Resolve the value of a dnslink (a _dnslink.<domain> TXT record, through DNS.Resolvers):

    $ tsipfs name resolve example.org
    /ipfs/QmaBvfZooxWkrv7D3r8LS9moNjzD2o525XMZze69hhoxf5

The record is looked for in the local record store, through routing (the DHT) and any other configured
source (IPNS over pubsub); the best valid one is used (highest sequence number, then longest validity).`,
  args: [{ name: 'name', type: 'string', required: false, description: 'The IPNS name to resolve. Defaults to your node\'s peerID.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Resolve until the result is not an IPNS name.' },
    { name: 'nocache', aliases: ['n'], type: 'bool', default: false, description: 'Do not use cached entries.' },
    { name: 'dht-record-count', aliases: ['dhtrc'], type: 'uint', default: 16, description: 'Number of records to request for DHT resolution (accepted as Kubo does; tsipfs takes the best valid record each router returns, whatever the count).' },
    { name: 'dht-timeout', aliases: ['dhtt'], type: 'string', default: '1m0s', description: 'Max time to collect values during DHT resolution e.g. "30s". Pass 0 for no timeout.' },
    { name: 'stream', aliases: ['s'], type: 'bool', default: false, description: 'Stream entries as they are found.' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    let name = (args[0] ?? '').replace(/^\/ipns\//, '')
    if (name === '') name = (await node.names.keys.list())[0]?.peerId.toString() ?? ''
    if (name === '') throw new InvalidArgumentError('a name is required')
    const opts = resolveOptions(options, signal)
    if (options.stream === true && !name.includes('.') && !name.includes('/')) {
      for await (const value of node.names.resolveStream(name, opts)) {
        const path = value.startsWith('/ipns/') && opts.recursive !== false ? (await node.names.resolve(value, opts)).path : value
        yield { Path: path }
      }
      return
    }
    const r = await node.names.resolve(`/ipns/${name}`, opts)
    yield { Path: r.path }
  },
  text: (out) => `${out.Path}\n`
})
