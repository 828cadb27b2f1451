/** `tsipfs routing provide [-r] <cid>...`: announce local content to the routing system now. */
import { command, type Command } from '../command.ts'
import { ONLINE, parseKeyCid, type RoutingEvent } from './events.ts'
import { QueryEventType } from '../../core/routing/query-event.ts'

const provide = command<RoutingEvent>({
  path: ['routing', 'provide'],
  tagline: 'Announce to the network that you are providing given values.',
  description: `
Announces that this node provides the given CIDs (which must be in the local store), and with --recursive
every block of their DAGs, to the DHTs (in batches: one closest-peers lookup per keyspace region) and the
other configured routers. Prints nothing unless --verbose; fails when Provide.Enabled is false.${ONLINE}`,
  args: [{ name: 'key', type: 'string', required: true, variadic: true, description: 'The key[s] to send provide records for.' }],
  options: [
    { name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'Print extra information.' },
    { name: 'recursive', aliases: ['r'], type: 'bool', default: false, description: 'Recursively provide entire graph.' }
  ],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args, options, signal }) {
    const cids = args.map(parseKeyCid)
    const count = await node.routing.provide(cids, { recursive: options.recursive === true, signal })
    if (options.verbose === true) yield { ID: '', Type: QueryEventType.Value, Responses: null, Extra: `provided ${count} CIDs` }
  },
  text: (ev) => ev.Extra === '' ? '' : `${ev.Extra}\n`
})

export default provide as Command
