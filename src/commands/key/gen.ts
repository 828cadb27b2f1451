/** `tsipfs key gen <name>`: a new key in the keystore */
import { command } from '../command.ts'
import { IPNS_BASE, keyOutput, type KeyOutput } from './shared.ts'

export default command<KeyOutput>({
  path: ['key', 'gen'],
  tagline: 'Create a new keypair',
  description: `
Creates a key in the keystore ($IPFS_PATH/keystore, readable by the owner only) and prints its name (the
IPNS name it publishes under). The key itself is never printed: 'key export' writes it to a file.

    $ tsipfs key gen --type=ed25519 blog
    k51qzi5uqu5d...`,
  args: [{ name: 'name', type: 'string', required: true, description: 'name of key to create' }],
  options: [
    { name: 'type', aliases: ['t'], type: 'string', default: 'ed25519', description: 'type of the key to create: rsa, ed25519, secp256k1.' },
    { name: 'size', aliases: ['s'], type: 'int', description: 'size of the key to generate (RSA: bits, at least 2048; default 2048).' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const key = await node.names.keys.gen(args[0] as string, { type: options.type as string | undefined, size: options.size as number | undefined })
    return keyOutput(key, options['ipns-base'])
  },
  text: (out) => `${out.Id}\n`
})
