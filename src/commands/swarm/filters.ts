/** `tsipfs swarm filters [add|rm]`: address filters (Swarm.AddrFilters) the daemon never dials nor accepts. */
import { command, type Command } from '../command.ts'

const ONLINE = '\nThis command needs a running daemon that is online (not --offline).'
const lines = (out: { Strings: string[] | null }): string => (out.Strings ?? []).map(s => `${s}\n`).join('')

const ls = command<{ Strings: string[] | null }>({
  path: ['swarm', 'filters'],
  tagline: 'Manipulate address filters.',
  description: `'tsipfs swarm filters' will list out currently applied filters. Its subcommands can be used to add
or remove said filters. Filters are specified using the multiaddr-filter format:

    /ip4/192.168.0.0/ipcidr/16

Where the above is equivalent to the standard CIDR:

    192.168.0.0/16

Filters default to those specified under the "Swarm.AddrFilters" config key. The daemon never dials an
address a filter matches and refuses connections from one.${ONLINE}`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    const list = node.network.filtersList()
    return { Strings: list.length === 0 ? null : list }
  },
  text: lines
})

const add = command<{ Strings: string[] | null }>({
  path: ['swarm', 'filters', 'add'],
  tagline: 'Add an address filter.',
  description: `'tsipfs swarm filters add' will add an address filter to the daemon's filter list, apply it at once
and save it to Swarm.AddrFilters:

    tsipfs swarm filters add /ip4/192.168.0.0/ipcidr/16
${ONLINE}`,
  args: [{ name: 'address', type: 'string', required: true, variadic: true, description: 'Multiaddr to filter.' }],
  output: 'value',
  repo: 'write',
  daemonOnly: true,
  async run ({ node, args }) {
    await node.network.filtersAdd(args)
    return { Strings: args }
  },
  text: lines
})

const rm = command<{ Strings: string[] | null }>({
  path: ['swarm', 'filters', 'rm'],
  tagline: 'Remove an address filter.',
  description: `'tsipfs swarm filters rm' will remove an address filter from the daemon's filter list and from
Swarm.AddrFilters ('all' removes every filter):

    tsipfs swarm filters rm /ip4/192.168.0.0/ipcidr/16
    tsipfs swarm filters rm all
${ONLINE}`,
  args: [{ name: 'address', type: 'string', required: true, variadic: true, description: 'Multiaddr filter to remove.' }],
  output: 'value',
  repo: 'write',
  daemonOnly: true,
  async run ({ node, args }) {
    const removed = await node.network.filtersRemove(args)
    return { Strings: removed.length === 0 ? null : removed }
  },
  text: lines
})

export default [ls, add, rm] as Command[]
