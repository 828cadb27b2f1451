/** `tsipfs pubsub peers [<topic>]` */
import { command } from '../command.ts'
import { decodeArg, encodeText, EXPERIMENTAL } from './wire.ts'
import { escNonPrint } from '../util.ts'

export default command<{ Strings: string[] }>({
  path: ['pubsub', 'peers'],
  tagline: 'List peers we are currently pubsubbing with.',
  description: `
'tsipfs pubsub peers' with no arguments lists out the pubsub peers you are
currently connected to. If given a topic, it will list connected peers who are
subscribed to the named topic.
${EXPERIMENTAL}

TOPIC AND DATA ENCODING

  Topic names are a binary data. To ensure all bytes are transferred
  correctly RPC client and server will use multibase encoding behind
  the scenes.

  You can inspect the format by passing --enc=json.`,
  args: [{ name: 'topic', type: 'string', required: false, description: 'Topic to list connected peers of.' }],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  encodeArgs: (args) => args.map(encodeText),
  async run ({ node, args }) {
    const topic = args[0] === undefined ? undefined : decodeArg(args[0])
    return { Strings: node.pubsub.peers(topic) }
  },
  text: (out) => out.Strings.map(p => `${escNonPrint(p)}\n`).join('')
})
