/** `tsipfs pubsub ls` */
import { command } from '../command.ts'
import { decodeBytes, encodeText, EXPERIMENTAL } from './wire.ts'
import { escNonPrint } from '../util.ts'

export default command<{ Strings: string[] }>({
  path: ['pubsub', 'ls'],
  tagline: 'List subscribed topics by name.',
  description: `
'tsipfs pubsub ls' lists out the names of topics you are currently subscribed to.
${EXPERIMENTAL}

TOPIC ENCODING

  Topic names are a binary data. To ensure all bytes are transferred
  correctly RPC client and server will use multibase encoding behind
  the scenes.

  You can inspect the format by passing --enc=json.`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    return { Strings: node.pubsub.ls().map(encodeText) }
  },
  text: (out) => out.Strings.map(t => `${escNonPrint(new TextDecoder().decode(decodeBytes(t)))}\n`).join('')
})
