/** `tsipfs name pubsub state` */
import { command } from '../../command.ts'

export default command<{ Enabled: boolean }>({
  path: ['name', 'pubsub', 'state'],
  tagline: 'Query the state of IPNS pubsub.',
  description: `
Says whether IPNS over pubsub is on: Ipns.UsePubsub is true (or the daemon runs with
--enable-namesys-pubsub) and the network is up.`,
  output: 'value',
  repo: 'read',
  async run ({ node }) {
    return { Enabled: node.ipnsPubsub.enabled() }
  },
  text: (out) => `${out.Enabled ? 'enabled' : 'disabled'}\n`
})
