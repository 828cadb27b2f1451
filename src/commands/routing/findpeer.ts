/** `tsipfs routing findpeer <peer>`: a peer's addresses, from the DHTs and the other configured routers. */
import { command, type Command } from '../command.ts'
import { ONLINE, type RoutingEvent } from './events.ts'
import { peerIdFromText } from '../../core/network/peer-text.ts'
import { QueryEventType } from '../../core/routing/query-event.ts'

const findpeer = command<RoutingEvent>({
  path: ['routing', 'findpeer'],
  tagline: 'Find the multiaddresses associated with a Peer ID.',
  description: `
Asks the routing system for the addresses of the given peer and prints them, one per line (with
--enc=json, a routing event of Type 2 with the peer's ID and addresses). Fails with "routing: not found"
when no router knows the peer.${ONLINE}`,
  args: [{ name: 'peerID', type: 'string', required: true, variadic: true, description: 'The ID of the peer to search for.' }],
  options: [{ name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'Print extra information.' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args, signal }) {
    for (const arg of args) {
      const peer = await peerIdFromText(arg)
      const found = await node.routing.findPeer(peer, { signal })
      yield { ID: '', Type: QueryEventType.FinalPeer, Responses: [found], Extra: '' }
    }
  },
  text: (ev) => (ev.Responses ?? []).flatMap(p => p.Addrs).map(a => `${a}\n`).join('')
})

export default findpeer as Command
