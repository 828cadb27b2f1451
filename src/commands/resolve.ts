import { command } from './command.ts'
import { formatCid, optionsFromPath } from './util.ts'
import { resolveOptions } from './name/resolve.ts'

export default command<{ Path: string }>({
  path: ['resolve'],
  tagline: 'Resolve the value of names to IPFS.',
  description: `
There are a number of mutable name protocols that can link among themselves and into IPNS. For example
IPNS references can point at an IPFS object, and DNSLink records can point at other DNSLink records, IPNS
entries, or IPFS objects. This command accepts any of these identifiers and resolves them to the
referenced item.

    $ tsipfs resolve /ipns/k51qzi5uqu5dl...
    /ipfs/Qmcqtw8FfrVSBaRmbWwHxt3AuySBhJLcvmFYi3Lbc4xnwj

    $ tsipfs resolve /ipns/example.org/docs
    /ipfs/QmYRMjyvAiHKN9UTi8Bzt1HUspmSRD8T8DwxfSMzLgBon1

    $ tsipfs resolve /ipfs/QmeZy1fGbwgVSrqbfh9fKQrAWgeyRnj7h8fsHS1oy3k99x/beep/boop
    /ipfs/QmYRMjyvAiHKN9UTi8Bzt1HUspmSRD8T8DwxfSMzLgBon1`,
  args: [{ name: 'name', type: 'string', required: true, description: 'The name to resolve.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Resolve until the result is an IPFS name.' },
    { name: 'dht-record-count', aliases: ['dhtrc'], type: 'int', description: 'Number of records to request for DHT resolution (accepted as Kubo does; tsipfs takes the best valid record each router returns, whatever the count).' },
    { name: 'dht-timeout', aliases: ['dhtt'], type: 'string', description: 'Max time to collect values during DHT resolution eg "30s". Pass 0 for no timeout.' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    let name = args[0] as string
    // without --cid-base, an /ipfs/ path's result keeps its root CID's base (Kubo's CidEncoderFromPath)
    const enc = name.startsWith('/ipns/') ? options : optionsFromPath(name, options)
    if (name.startsWith('/ipns/')) {
      const r = await node.names.resolve(name, resolveOptions(options, signal))
      if (!r.path.startsWith('/ipfs/')) return { Path: r.path }
      // a bare /ipfs/<cid> needs no blocks; a path into it is walked to the CID it names
      if (r.path.split('/').filter(s => s !== '').length <= 2) return { Path: r.path }
      name = r.path
    }
    const cid = await node.unixfs.resolve(name, { signal })
    return { Path: `/ipfs/${formatCid(cid, enc)}` }
  },
  text: (out) => `${out.Path}\n`
})
