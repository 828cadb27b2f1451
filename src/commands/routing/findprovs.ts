/** `tsipfs routing findprovs <cid>`: providers of a CID, from the DHTs and the other configured routers. */
import { command, type Command } from '../command.ts'
import { ONLINE, parseKeyCid, type RoutingEvent } from './events.ts'
import { QueryEventType } from '../../core/routing/query-event.ts'
import { InvalidArgumentError } from '../../core/errors.ts'

const findprovs = command<RoutingEvent>({
  path: ['routing', 'findprovs'],
  tagline: 'Find peers that can provide a specific value, given a key.',
  description: `
Asks the routing system (the DHTs and any delegated routers, per Routing.Type) for peers that provide the
given CID, and prints their peer IDs as they are found (with --enc=json, one routing event per provider,
Type 4, with the provider's addresses).${ONLINE}`,
  args: [{ name: 'key', type: 'string', required: true, variadic: true, description: 'The key to find providers for.' }],
  options: [
    { name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'Print extra information.' },
    { name: 'num-providers', aliases: ['n'], type: 'int', default: 20, description: 'The number of providers to find.' }
  ],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args, options, signal }) {
    if (args.length > 1) throw new InvalidArgumentError('only one key may be given')
    const count = Number(options['num-providers'] ?? 20)
    if (!(count >= 1)) throw new InvalidArgumentError('number of providers must be greater than 0')
    const cid = parseKeyCid(args[0] as string)
    for await (const p of node.routing.findProviders(cid, { count, signal })) {
      yield { ID: '', Type: QueryEventType.Provider, Responses: [p], Extra: '' }
    }
  },
  text: (ev, options) => {
    if (ev.Type !== QueryEventType.Provider) return ''
    return (ev.Responses ?? []).map(p => options.verbose === true ? `provider: ${p.ID}\n${p.Addrs.map(a => `\t${a}\n`).join('')}` : `${p.ID}\n`).join('')
  }
})

export default findprovs as Command
