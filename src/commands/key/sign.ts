/** `tsipfs key sign <data>` */
import { command } from '../command.ts'
import { base64url } from 'multiformats/bases/base64'
import { IPNS_BASE, keyOutput, readFileInput, type KeyOutput } from './shared.ts'

export default command<{ Key: KeyOutput, Signature: string }>({
  path: ['key', 'sign'],
  tagline: 'Generates a signature for the given data with a specified key. Useful for proving the key ownership.',
  description: `
Sign arbitrary bytes, such as to prove ownership of a Peer ID or an IPNS Name.
To avoid signature reuse, the signed payload is always prefixed with
"libp2p-key signed message:".`,
  args: [{ name: 'data', type: 'file', required: true, stdin: true, description: 'The data to sign.' }],
  options: [
    { name: 'key', aliases: ['k'], type: 'string', description: 'The name of the key to use for signing.' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, options, files }) {
    const data = await readFileInput(files, 'data', 1024 * 1024)
    const key = typeof options.key === 'string' && options.key !== '' ? options.key : 'self'
    const r = await node.names.keys.sign(key, data)
    return { Key: keyOutput(r.key, options['ipns-base']), Signature: base64url.encode(r.signature) }
  }
})
