/** `tsipfs dht query <peer>`: the peers closest to a peer ID, as a DHT lookup finds them. */
import { command, type Command } from '../command.ts'
import { ONLINE, type RoutingEvent } from '../routing/events.ts'
import { peerIdFromText } from '../../core/network/peer-text.ts'
import { QueryEventType } from '../../core/routing/query-event.ts'

const query = command<RoutingEvent>({
  path: ['dht', 'query'],
  tagline: 'Find the closest Peer IDs to a given Peer ID by querying the DHT.',
  description: `
Runs a DHT lookup for the given peer ID and prints the IDs of the closest peers found (with --enc=json,
one routing event of Type 2 per peer, with its addresses).${ONLINE}`,
  args: [{ name: 'peerID', type: 'string', required: true, variadic: true, description: 'The peerID to run the query against.' }],
  options: [{ name: 'verbose', aliases: ['v'], type: 'bool', default: false, description: 'Print extra information.' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  async * run ({ node, args, signal }) {
    for (const arg of args) {
      const peer = await peerIdFromText(arg)
      for await (const p of node.routing.closestPeers(peer.toMultihash().bytes, { signal })) {
        yield { ID: p.ID, Type: QueryEventType.FinalPeer, Responses: [p], Extra: '' }
      }
    }
  },
  text: (ev) => ev.Type === QueryEventType.FinalPeer ? `${ev.ID}\n` : ''
})

export default query as Command
