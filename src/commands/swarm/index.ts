/** `tsipfs swarm …` and `tsipfs ping`: the libp2p swarm of a running daemon. */
import { command, type Command } from '../command.ts'

const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'

/** Kubo's IdOutput: present on every entry, its zero value when identify was not asked for */
interface IdOutput { ID: string, PublicKey: string, Addresses: string[] | null, AgentVersion: string, Protocols: string[] | null }

/** Kubo's connInfo: empty fields left out, Direction as libp2p's network.Direction (1 inbound, 2 outbound) */
interface ConnInfo {
  Addr: string
  Peer: string
  Latency?: string
  Direction?: 1 | 2
  Streams?: Array<{ Protocol: string }>
  Identify: IdOutput
}

const DIRECTION = { inbound: 1, outbound: 2 } as const
const NO_IDENTIFY: IdOutput = { ID: '', PublicKey: '', Addresses: null, AgentVersion: '', Protocols: null }

const peers = command<{ Peers: ConnInfo[] | null }>({
  path: ['swarm', 'peers'],
  tagline: 'List peers with open connections.',
  description: `'tsipfs swarm peers' lists the set of peers this node is connected to.${ONLINE}`,
  options: [
    { name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'display all extra information.' },
    { name: 'streams', type: 'bool', default: false, description: 'Also list information about open streams for each peer.' },
    { name: 'latency', type: 'bool', default: false, description: 'Also list information about latency to each peer.' },
    { name: 'direction', type: 'bool', default: false, description: 'Also list information about the direction of connection.' },
    { name: 'identify', type: 'bool', default: false, description: 'Also list information about peers identify.' }
  ],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, options }) {
    const v = options.verbose === true
    const list = await node.network.peers({ latency: v || options.latency === true, streams: v || options.streams === true, identify: v || options.identify === true })
    const direction = v || options.direction === true
    const out = list.map((p): ConnInfo => ({
      Addr: p.Addr,
      Peer: p.Peer,
      ...(p.Latency !== undefined ? { Latency: p.Latency } : {}),
      ...(direction ? { Direction: DIRECTION[p.Direction] } : {}),
      ...(p.Streams !== undefined && p.Streams.length > 0 ? { Streams: p.Streams } : {}),
      Identify: p.Identify ?? NO_IDENTIFY
    }))
    // no peers: null, as Kubo's nil list
    return { Peers: out.length === 0 ? null : out }
  },
  text (out) {
    return (out.Peers ?? []).map(p => {
      let line = `${p.Addr}/p2p/${p.Peer}`
      if (p.Latency !== undefined) line += ` ${p.Latency}`
      if (p.Direction !== undefined) line += ` ${p.Direction === 1 ? 'inbound' : 'outbound'}`
      return `${line}\n${(p.Streams ?? []).map(s => `  ${s.Protocol === '' ? '<no protocol name>' : s.Protocol}\n`).join('')}`
    }).join('')
  }
})

const connect = command<{ Strings: string[] }>({
  path: ['swarm', 'connect'],
  tagline: 'Open connection to a given peer.',
  description: `'tsipfs swarm connect' opens a new direct connection to a peer address:

    tsipfs swarm connect /ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ

The peer ID may be written in any form (base58 12D3…/Qm…, or a CIDv1 such as k51…).${ONLINE}`,
  args: [{ name: 'address', type: 'string', required: true, variadic: true, description: 'Address of peer to connect to.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, args, signal }) {
    return { Strings: await node.network.connect(args, { signal }) }
  },
  text: (out) => out.Strings.map(s => `${s}\n`).join('')
})

const disconnect = command<{ Strings: string[] }>({
  path: ['swarm', 'disconnect'],
  tagline: 'Close connection to a given address.',
  description: `'tsipfs swarm disconnect' closes the connections to the peers of the given addresses:

    tsipfs swarm disconnect /ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ
${ONLINE}`,
  args: [{ name: 'address', type: 'string', required: true, variadic: true, description: 'Address of peer to disconnect from.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, args, signal }) {
    return { Strings: await node.network.disconnect(args, { signal }) }
  },
  text: (out) => out.Strings.map(s => `${s}\n`).join('')
})

const addrs = command<{ Addrs: Record<string, string[]> }>({
  path: ['swarm', 'addrs'],
  tagline: 'List known addresses. Useful for debugging.',
  description: `'tsipfs swarm addrs' lists all addresses this node is aware of.${ONLINE}`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    return { Addrs: await node.network.knownAddrs() }
  },
  text (out) {
    return Object.keys(out.Addrs).sort().map(peer => {
      const list = out.Addrs[peer] ?? []
      return `${peer} (${list.length})\n${list.map(a => `\t${a}\n`).join('')}`
    }).join('')
  }
})

const addrsLocal = command<{ Strings: string[] }>({
  path: ['swarm', 'addrs', 'local'],
  tagline: 'List local addresses.',
  description: `'tsipfs swarm addrs local' lists all local listening addresses announced to the network.${ONLINE}`,
  options: [{ name: 'id', type: 'bool', default: false, description: 'Show peer ID in addresses.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node, options }) {
    const list = node.network.listenAddrs()
    return { Strings: options.id === true ? list : list.map(a => a.replace(/\/p2p\/[^/]+$/, '')) }
  },
  text: (out) => out.Strings.map(s => `${s}\n`).join('')
})

const addrsListen = command<{ Strings: string[] }>({
  path: ['swarm', 'addrs', 'listen'],
  tagline: 'List interface listening addresses.',
  description: `'tsipfs swarm addrs listen' lists all interface addresses the node is listening on.${ONLINE}`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    return { Strings: node.network.listenAddrs().map(a => a.replace(/\/p2p\/[^/]+$/, '')) }
  },
  text: (out) => out.Strings.map(s => `${s}\n`).join('')
})

const ping = command<{ Success: boolean, Time: number, Text: string }>({
  path: ['ping'],
  tagline: 'Send echo request packets to IPFS hosts.',
  description: `'tsipfs ping' is a tool to test sending data to other nodes. It finds nodes via routing (a peer
connected or with addresses known is pinged at once; for another, its addresses are looked up through
the configured routers), connects to them and measures round trips:

    tsipfs ping 12D3KooW... -n 3
    tsipfs ping /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
${ONLINE}`,
  args: [{ name: 'peer ID', type: 'string', required: true, description: 'ID of peer to be pinged.' }],
  options: [{ name: 'count', aliases: ['n'], type: 'int', default: 10, description: 'Number of ping messages to send.' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  run ({ node, args, options, signal }) {
    return node.network.ping(args[0] as string, Number(options.count ?? 10), { signal })
  },
  text (out) {
    if (out.Text !== '') return `${out.Text}\n`
    return `Pong received: time=${(out.Time / 1e6).toFixed(2)} ms\n`
  }
})

export default [peers, connect, disconnect, addrs, addrsLocal, addrsListen, ping] as Command[]
