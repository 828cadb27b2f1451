/** `tsipfs routing reprovide` and `tsipfs bitswap reprovide`: run the reprovider now. */
import { command, type Command } from '../command.ts'
import { ONLINE } from './events.ts'

export function reprovideCommand (path: string[]): Command {
  return command<string>({
    path,
    tagline: 'Trigger reprovider.',
    description: `
Announces now, in batches, everything Provide.Strategy names (all blocks, pinned DAGs, pin roots and/or the
MFS tree), as the reprovider does every Provide.DHT.Interval. Waits until it is done; prints nothing.
Fails when Provide.Enabled is false.${ONLINE}`,
    output: 'value',
    repo: 'read',
    daemonOnly: true,
    async run ({ node, signal }) {
      await node.routing.reprovide({ signal })
      return ''
    },
    text: () => ''
  }) as Command
}

export default reprovideCommand(['routing', 'reprovide'])
