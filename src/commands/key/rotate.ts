/** `tsipfs key rotate`: a new identity; the old one is kept in the keystore. Only without a daemon. */
import { command } from '../command.ts'

interface RotateOutput { Type: string, ID: string }

export default command<RotateOutput>({
  path: ['key', 'rotate'],
  tagline: 'Rotates the IPFS identity.',
  description: `
Generates a new ipfs identity and saves it to the ipfs config file.
Your existing identity key will be backed up in the Keystore.
The daemon must not be running when calling this command.`,
  options: [
    { name: 'oldkey', aliases: ['o'], type: 'string', description: 'Keystore name to use for backing up your existing identity.' },
    { name: 'type', aliases: ['t'], type: 'string', default: 'ed25519', description: 'type of the key to create: rsa, ed25519, secp256k1.' },
    { name: 'size', aliases: ['s'], type: 'int', description: 'size of the key to generate.' }
  ],
  output: 'value',
  repo: 'write',
  cliOnly: true,
  async run ({ node, options }) {
    const type = typeof options.type === 'string' ? options.type : 'ed25519'
    const id = await node.names.keys.rotate({ oldkey: options.oldkey as string | undefined, type, size: options.size as number | undefined })
    return { Type: type, ID: id.toString() }
  },
  text: (out) => `generating ${out.Type.toUpperCase()} keypair...done\npeer identity: ${out.ID}\n`
})
