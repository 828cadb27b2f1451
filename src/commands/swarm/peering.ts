/** `tsipfs swarm peering add|ls|rm`: the peers the daemon keeps connected (Peering.Peers and these). */
import { command, type Command } from '../command.ts'

const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'

const add = command<{ ID: string, Status: string }>({
  path: ['swarm', 'peering', 'add'],
  tagline: 'Add peers into the peering subsystem.',
  description: `'tsipfs swarm peering add' will add the new address to the peering subsystem: the daemon connects to
the peer, reconnects (with backoff) whenever the connection closes, and never trims the connection. The
change is not saved to the config (set Peering.Peers for that).

    tsipfs swarm peering add /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
${ONLINE}`,
  args: [{ name: 'address', type: 'string', required: true, variadic: true, description: 'address of peer to add into the peering subsystem' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args }) {
    yield * await node.network.peeringAdd(args)
  },
  text: (out) => `add ${out.ID} ${out.Status}\n`
})

const ls = command<{ Peers: Array<{ ID: string, Addrs: string[] }> }>({
  path: ['swarm', 'peering', 'ls'],
  tagline: 'List peers registered in the peering subsystem.',
  description: `'tsipfs swarm peering ls' lists the peers the daemon keeps connected, with their addresses.${ONLINE}`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    return { Peers: node.network.peeringList() }
  },
  text: (out) => out.Peers.map(p => `${p.ID}\n${p.Addrs.map(a => `\t${a}\n`).join('')}`).join('')
})

const rm = command<{ ID: string, Status: string }>({
  path: ['swarm', 'peering', 'rm'],
  tagline: 'Remove a peer from the peering subsystem.',
  description: `'tsipfs swarm peering rm' removes the given peers from the peering subsystem: the daemon stops
reconnecting to them (open connections stay). The peer ID may be in any form (12D3…, Qm…, k51…, bafz…).${ONLINE}`,
  args: [{ name: 'ID', type: 'string', required: true, variadic: true, description: 'ID of peer to remove from the peering subsystem' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args }) {
    yield * await node.network.peeringRemove(args)
  },
  text: (out) => `remove ${out.ID} ${out.Status}\n`
})

export default [add, ls, rm] as Command[]
