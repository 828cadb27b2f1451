import { command, type Command } from '../command.ts'
import repoCmds from '../repo/index.ts'

const repoStat = repoCmds.find(c => c.path.join(' ') === 'repo stat') as Command

/** `stats repo` is `repo stat` under another name, as in Kubo */
const repo: Command = { ...repoStat, path: ['stats', 'repo'] }

const bw = command({
  path: ['stats', 'bw'],
  tagline: 'Print IPFS bandwidth information.',
  description: "Prints the bytes received and sent over libp2p, in total and as rates. tsipfs has no swarm yet, so these are zero: nothing has crossed the network. Answers with or without a daemon.",
  options: [
    { name: 'peer', aliases: ['p'], type: 'string', description: 'Specify a peer to print bandwidth for.' },
    { name: 'proto', aliases: ['t'], type: 'string', description: 'Specify a protocol to print bandwidth for.' },
    { name: 'poll', type: 'bool', default: false, description: 'Print bandwidth at an interval.' },
    { name: 'interval', aliases: ['i'], type: 'string', default: '1s', description: 'Time interval to wait between updating output, if \'poll\' is true.' }
  ],
  output: 'value',
  repo: 'none',
  async run () {
    return { TotalIn: 0, TotalOut: 0, RateIn: 0, RateOut: 0 }
  },
  text: (out) => `Bandwidth\nTotalIn: ${out.TotalIn} B\nTotalOut: ${out.TotalOut} B\nRateIn: ${out.RateIn} B/s\nRateOut: ${out.RateOut} B/s\n`
})

export default [repo, bw] as Command[]
