import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import repoCmds from '../repo/index.ts'

const repoStat = repoCmds.find(c => c.path.join(' ') === 'repo stat') as Command

/** `stats repo` is `repo stat` under another name, as in Kubo */
const repo: Command = { ...repoStat, path: ['stats', 'repo'] }

const bw = command({
  path: ['stats', 'bw'],
  tagline: 'Print IPFS bandwidth information.',
  description: "Prints the bytes received and sent over libp2p since the daemon started: in total and as rates (bytes per second, averaged over the last seconds), for every connection, with --peer for one peer's connections (its ID in any form), or with --proto for one protocol's streams. Needs a running daemon that is online.",
  options: [
    { name: 'peer', aliases: ['p'], type: 'string', description: 'Specify a peer to print bandwidth for.' },
    { name: 'proto', aliases: ['t'], type: 'string', description: 'Specify a protocol to print bandwidth for.' },
    { name: 'poll', type: 'bool', default: false, description: 'Print bandwidth at an interval.' },
    { name: 'interval', aliases: ['i'], type: 'string', default: '1s', description: 'Time interval to wait between updating output, if \'poll\' is true.' }
  ],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, options }) {
    if (options.peer !== undefined && options.proto !== undefined) throw new InvalidArgumentError('cannot specify both peer and protocol')
    if (options.peer !== undefined) return await node.network.bandwidthPeer(String(options.peer))
    return node.network.bandwidth({ proto: options.proto as string | undefined })
  },
  text: (out) => `Bandwidth\nTotalIn: ${out.TotalIn} B\nTotalOut: ${out.TotalOut} B\nRateIn: ${out.RateIn.toFixed(0)} B/s\nRateOut: ${out.RateOut.toFixed(0)} B/s\n`
})

export default [repo, bw] as Command[]
