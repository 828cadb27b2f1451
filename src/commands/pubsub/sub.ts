/** `tsipfs pubsub sub <topic>`: messages on a topic, until interrupted */
import { command } from '../command.ts'
import { decodeArg, decodeBytes, encodeBytes, encodeText, EXPERIMENTAL } from './wire.ts'

/** Kubo's pubsubMessage: binary fields as base64url multibase, empty fields left out */
export interface PubsubMessageOut {
  from?: string
  data?: string
  seqno?: string
  topicIDs?: string[]
}

export default command<PubsubMessageOut>({
  path: ['pubsub', 'sub'],
  tagline: 'Subscribe to messages on a given topic.',
  description: `
'tsipfs pubsub sub' subscribes to messages on a given topic, and prints each
message's data as it arrives, until interrupted (Ctrl-C).
${EXPERIMENTAL}

PEER ENCODING

  Peer IDs in From fields are encoded using the default text representation
  from libp2p. This ensures the same string values as in 'tsipfs pubsub peers'.

TOPIC AND DATA ENCODING

  Topics, Data and Seqno are binary data. To ensure all bytes are transferred
  correctly the RPC client and server will use multibase encoding behind
  the scenes.

  You can inspect the format by passing --enc=json.`,
  args: [{ name: 'topic', type: 'string', required: true, description: 'Name of topic to subscribe to (multibase encoded when sent over HTTP RPC).' }],
  output: 'stream',
  repo: 'read',
  daemonOnly: true,
  encodeArgs: (args) => args.map(encodeText),
  async * run ({ node, args, signal, ready }) {
    const topic = decodeArg(args[0] as string)
    for await (const msg of node.pubsub.subscribe(topic, { signal, onReady: ready })) {
      const out: PubsubMessageOut = {}
      if (msg.from !== undefined) out.from = msg.from
      if (msg.data.byteLength > 0) out.data = encodeBytes(msg.data)
      if (msg.seqno !== undefined) out.seqno = encodeBytes(msg.seqno)
      out.topicIDs = [encodeText(msg.topic)]
      yield out
    }
  },
  // as Kubo: the data alone, as it came (no separator)
  text: (out) => out.data === undefined ? '' : new TextDecoder().decode(decodeBytes(out.data))
})
