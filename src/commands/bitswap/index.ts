/** `tsipfs bitswap stat|wantlist` (and `stats bitswap`): Bitswap's counters and wants, from a running daemon. */
import type { CID } from 'multiformats/cid'
import { command, type Command } from '../command.ts'

interface Stat {
  Wantlist: Array<{ '/': string }>
  Peers: string[]
  BlocksReceived: number
  DataReceived: number
  DupBlksReceived: number
  DupDataReceived: number
  MessagesReceived: number
  BlocksSent: number
  DataSent: number
}

const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'

const link = (cid: CID): { '/': string } => ({ '/': cid.toString() })

function statCommand (path: string[]): Command<Stat> {
  return command<Stat>({
    path,
    tagline: 'Show some diagnostic information on the bitswap agent.',
    description: `Blocks and bytes received from and sent to peers over Bitswap since the daemon started,
the current wantlist and the connected peers. Duplicate blocks are blocks received again (or by
more than one peer) after the first copy arrived; they are counted in blocks received too.${ONLINE}`,
    options: [
      { name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'Print extra information.' },
      { name: 'human', type: 'bool', default: false, description: 'Print sizes in human readable format (e.g., 1K 234M 2G).' }
    ],
    output: 'value',
    repo: 'read',
    daemonOnly: true,
    async run ({ node }) {
      const s = node.network.bitswapStat()
      return {
        Wantlist: s.Wantlist.map(link),
        Peers: s.Peers,
        BlocksReceived: s.BlocksReceived,
        DataReceived: s.DataReceived,
        DupBlksReceived: s.DupBlksReceived,
        DupDataReceived: s.DupDataReceived,
        MessagesReceived: s.MessagesReceived,
        BlocksSent: s.BlocksSent,
        DataSent: s.DataSent
      }
    },
    text (out, options) {
      const size = (n: number): string => options.human === true ? human(n) : String(n)
      let text = 'bitswap status\n' +
        `\tblocks received: ${out.BlocksReceived}\n` +
        `\tblocks sent: ${out.BlocksSent}\n` +
        `\tdata received: ${size(out.DataReceived)}\n` +
        `\tdata sent: ${size(out.DataSent)}\n` +
        `\tdup blocks received: ${out.DupBlksReceived}\n` +
        `\tdup data received: ${size(out.DupDataReceived)}\n` +
        `\twantlist [${out.Wantlist.length} keys]\n`
      text += out.Wantlist.map(w => `\t\t${w['/']}\n`).join('')
      text += `\tpartners [${out.Peers.length}]\n`
      if (options.verbose === true) text += out.Peers.map(p => `\t\t${p}\n`).join('')
      return text
    }
  })
}

function human (n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i] as string}`
}

const wantlist = command<{ Keys: Array<{ '/': string }> }>({
  path: ['bitswap', 'wantlist'],
  tagline: 'Show blocks currently on the wantlist.',
  description: `The blocks this node is asking peers for, or with --peer, the blocks a peer is asking this node for.${ONLINE}`,
  options: [{ name: 'peer', aliases: ['p'], type: 'string', description: 'Specify which peer to show wantlist for.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, options }) {
    const peer = options.peer as string | undefined
    return { Keys: (await node.network.wantlist(peer)).map(link) }
  },
  text: (out) => out.Keys.map(k => `${k['/']}\n`).join('')
})

interface Ledger { Peer: string, Value: number, Sent: number, Recv: number, Exchanged: number }

const ledger = command<Ledger>({
  path: ['bitswap', 'ledger'],
  tagline: 'Show the current ledger for a peer.',
  description: `The Bitswap ledger of one peer since the daemon started: bytes of blocks sent to it and received from
it, the debt ratio (Value: bytes sent / (bytes received + 1)) and the number of blocks exchanged. A peer
we never exchanged with has an empty ledger.${ONLINE}`,
  args: [{ name: 'peer', type: 'string', required: true, description: 'The PeerID (B58) of the ledger to inspect.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, args }) {
    return await node.network.bitswapLedger(args[0] as string)
  },
  text: (out) => `Ledger for ${out.Peer}\nDebt ratio:\t${out.Value.toFixed(6)}\nExchanges:\t${out.Exchanged}\nBytes sent:\t${out.Sent}\nBytes received:\t${out.Recv}\n`
})

export default [statCommand(['bitswap', 'stat']), wantlist, ledger, statCommand(['stats', 'bitswap'])] as Command[]
