/** `tsipfs name pubsub cancel <name>` */
import { command } from '../../command.ts'
import { InvalidArgumentError } from '../../../core/errors.ts'

export default command<{ Canceled: boolean }>({
  path: ['name', 'pubsub', 'cancel'],
  tagline: 'Cancel a name subscription.',
  description: `
Stops following a name's pubsub topic; records published for it afterwards are no longer received.`,
  args: [{ name: 'name', type: 'string', required: true, description: 'Name to cancel the subscription for.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args }) {
    const name = (args[0] as string).replace(/^\/ipns\//, '')
    const { peerIdFromString } = await import('@libp2p/peer-id')
    try {
      peerIdFromString(name)
    } catch (err) {
      throw new InvalidArgumentError(`not a valid IPNS name: ${(err as Error).message}`)
    }
    return { Canceled: node.ipnsPubsub.cancel(name) }
  },
  text: (out) => `${out.Canceled ? 'canceled' : 'no subscription'}\n`
})
