/** `tsipfs pubsub pub <topic> [<data>]` */
import { command } from '../command.ts'
import { InvalidArgumentError, TooLargeError } from '../../core/errors.ts'
import { readAll } from '../util.ts'
import { decodeArg, encodeText, EXPERIMENTAL } from './wire.ts'

export default command<undefined>({
  path: ['pubsub', 'pub'],
  tagline: 'Publish data to a given pubsub topic.',
  description: `
'tsipfs pubsub pub' publishes a message to a specified topic.
It reads binary data from stdin or a file.

    $ echo -n hello | tsipfs pubsub pub my-topic
    $ tsipfs pubsub pub my-topic ./message.bin
${EXPERIMENTAL}

HTTP RPC ENCODING

  The data to be published is sent in HTTP request body as multipart/form-data.

  Topic names are binary data too. To ensure all bytes are transferred
  correctly via URL params, the RPC client and server will use multibase
  encoding behind the scenes.

MESSAGE SIZE

  A message larger than Pubsub.MaxMessageSize (default 1 MiB) less 1 KiB for
  its envelope is refused.`,
  args: [
    { name: 'topic', type: 'string', required: true, description: 'Topic to publish to (multibase encoded when sent over HTTP RPC).' },
    { name: 'data', type: 'file', required: true, stdin: true, description: 'The data to be published.' }
  ],
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  encodeArgs: (args) => args.map(encodeText),
  async run ({ node, args, files, signal }) {
    const topic = decodeArg(args[0] as string)
    const limit = node.pubsub.maxMessageSize()
    let data: Uint8Array | undefined
    for await (const entry of files ?? []) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError('data must be a file')
      try {
        data = await readAll(entry.content, limit)
      } catch (err) {
        if (err instanceof TooLargeError) throw new TooLargeError(`message too large: more than ${limit} bytes (Pubsub.MaxMessageSize)`)
        throw err
      }
      break
    }
    if (data === undefined) throw new InvalidArgumentError('argument "data" is required')
    await node.pubsub.publish(topic, data, { signal })
    return undefined
  }
})
