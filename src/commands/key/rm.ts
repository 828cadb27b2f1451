/** `tsipfs key rm <name>...` */
import { command } from '../command.ts'
import { IPNS_BASE, keyOutput, keyTable, type KeyListOutput } from './shared.ts'

export default command<KeyListOutput>({
  path: ['key', 'rm'],
  tagline: 'Remove a keypair.',
  description: 'Removes keys from the keystore (all names are checked first: nothing is removed if one is missing). `self` cannot be removed.',
  args: [{ name: 'name', type: 'string', required: true, variadic: true, description: 'names of keys to remove' }],
  options: [
    { name: 'l', type: 'bool', default: false, description: 'Show extra information about keys.' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const removed = await node.names.keys.rm(args)
    return { Keys: removed.map(k => keyOutput(k, options['ipns-base'])) }
  },
  text: (out, options) => options.l === true ? keyTable(out.Keys) : out.Keys.map(k => `${k.Name}\n`).join('')
})
