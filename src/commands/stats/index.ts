import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import repoCmds, { humanSize } from '../repo/index.ts'
import { parseDuration } from '../../core/repo/config.ts'
import { setTimeout as sleep } from 'node:timers/promises'

const repoStat = repoCmds.find(c => c.path.join(' ') === 'repo stat') as Command

/** `stats repo` is `repo stat` under another name, as in Kubo */
const repo: Command = { ...repoStat, path: ['stats', 'repo'] }

interface Bandwidth { TotalIn: number, TotalOut: number, RateIn: number, RateOut: number }

/** The runs (their options objects) whose poll header has been printed */
const headed = new WeakSet<object>()
const column = (n: number): string => humanSize(Math.floor(n)).padStart(8)

const bw = command<Bandwidth>({
  path: ['stats', 'bw'],
  tagline: 'Print IPFS bandwidth information.',
  description: "Prints the bytes received and sent over libp2p since the daemon started: in total and as rates (bytes per second, averaged over the last seconds), for every connection, with --peer for one peer's connections (its ID in any form), or with --proto for one protocol's streams. Bytes relayed to or from a peer through a circuit relay count once in the total (on the connection to the relay) and also for that peer. With --poll it prints them again every --interval until interrupted (one line, or one JSON object, each time; over the RPC API the response streams). Needs a running daemon that is online.",
  options: [
    { name: 'peer', aliases: ['p'], type: 'string', description: 'Specify a peer to print bandwidth for.' },
    { name: 'proto', aliases: ['t'], type: 'string', description: 'Specify a protocol to print bandwidth for.' },
    { name: 'poll', type: 'bool', default: false, description: 'Print bandwidth at an interval.' },
    { name: 'interval', aliases: ['i'], type: 'string', default: '1s', description: 'Time interval to wait between updating output, if \'poll\' is true. This accepts durations such as "300s", "1.5h" or "2h45m". Valid time units are: "ns", "us" (or "µs"), "ms", "s", "m", "h".' }
  ],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, options, signal }) {
    const { peer, proto } = options as { peer?: string, proto?: string }
    if (peer !== undefined && proto !== undefined) throw new InvalidArgumentError('please only specify peer OR protocol')
    let interval: number
    try {
      interval = parseDuration(String(options.interval))
    } catch {
      throw new InvalidArgumentError(`invalid interval ${JSON.stringify(options.interval)}: use a duration such as "1s" or "500ms"`)
    }
    if (options.poll === true && interval <= 0) throw new InvalidArgumentError('interval must be greater than 0')
    for (;;) {
      yield peer !== undefined ? await node.network.bandwidthPeer(peer) : node.network.bandwidth({ proto })
      if (options.poll !== true) return
      try {
        await sleep(interval, undefined, { signal })
      } catch {
        return
      }
    }
  },
  text: (out, options) => {
    if (options.poll !== true) return `Bandwidth\nTotalIn: ${humanSize(out.TotalIn)}\nTotalOut: ${humanSize(out.TotalOut)}\nRateIn: ${humanSize(Math.floor(out.RateIn))}/s\nRateOut: ${humanSize(Math.floor(out.RateOut))}/s\n`
    // Kubo's columns; Kubo rewrites one line with \r, a line each time suits a pipe as well as a terminal
    const header = headed.has(options) ? '' : 'Total Up    Total Down  Rate Up     Rate Down\n'
    headed.add(options)
    return `${header}${column(out.TotalOut)}    ${column(out.TotalIn)}    ${column(out.RateOut)}/s  ${column(out.RateIn)}/s\n`
  }
})

export default [repo, bw] as Command[]
