/** `tsipfs key list`: the keystore's keys, `self` first */
import { command } from '../command.ts'
import { IPNS_BASE, keyOutput, keyTable, type KeyListOutput } from './shared.ts'

export default command<KeyListOutput>({
  path: ['key', 'list'],
  tagline: 'List all local keypairs.',
  description: 'Lists the names of the keys in the keystore; with -l, each with its IPNS name (key ID).',
  options: [
    { name: 'l', type: 'bool', default: false, description: 'Show extra information about keys.' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, options }) {
    const keys = await node.names.keys.list()
    return { Keys: keys.map(k => keyOutput(k, options['ipns-base'])) }
  },
  text: (out, options) => options.l === true ? keyTable(out.Keys) : out.Keys.map(k => `${k.Name}\n`).join('')
})
