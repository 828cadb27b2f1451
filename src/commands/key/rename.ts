/** `tsipfs key rename <name> <newName>` */
import { command } from '../command.ts'
import { IPNS_BASE } from './shared.ts'
import { formatName } from '../../core/names/keystore.ts'

interface RenameOutput { Was: string, Now: string, Id: string, Overwrite: boolean }

export default command<RenameOutput>({
  path: ['key', 'rename'],
  tagline: 'Rename a keypair.',
  description: 'Renames a key of the keystore. The key `self` (the node identity) cannot be renamed or overwritten.',
  args: [
    { name: 'name', type: 'string', required: true, description: 'name of key to rename' },
    { name: 'newName', type: 'string', required: true, description: 'new name of the key' }
  ],
  options: [
    { name: 'force', aliases: ['f'], type: 'bool', default: false, description: 'Allow to overwrite an existing key.' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const [from, to] = args as [string, string]
    const r = await node.names.keys.rename(from, to, { force: options.force === true })
    return { Was: from, Now: to, Id: formatName(r.peerId, options['ipns-base']), Overwrite: r.overwrite }
  },
  text: (out) => `Key ${out.Id} renamed to ${out.Now}${out.Overwrite ? ' with overwriting' : ''}\n`
})
