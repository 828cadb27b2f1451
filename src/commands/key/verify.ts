/** `tsipfs key verify <data>` */
import { command } from '../command.ts'
import { baseOfText } from '../../core/bases.ts'
import { IPNS_BASE, readFileInput, type KeyOutput } from './shared.ts'
import { formatName } from '../../core/names/keystore.ts'
import { InvalidArgumentError } from '../../core/errors.ts'

function decodeMultibase (text: string): Uint8Array {
  if (text === '') throw new InvalidArgumentError('cannot decode multibase for zero length string')
  const base = baseOfText(text)
  if (base === undefined) throw new InvalidArgumentError('selected encoding not supported')
  try {
    return base.decoder.decode(text)
  } catch (err) {
    throw new InvalidArgumentError(`cannot decode signature: ${(err as Error).message}`)
  }
}

export default command<{ Key: KeyOutput, SignatureValid: boolean }>({
  path: ['key', 'verify'],
  tagline: 'Verify that the given data and signature match.',
  description: `
Verify if the given data and signatures match. To avoid the signature reuse,
the signed payload is always prefixed with "libp2p-key signed message:".
The key is a key name of the keystore, or an IPNS name whose public key it holds (Ed25519, secp256k1).`,
  args: [{ name: 'data', type: 'file', required: true, stdin: true, description: 'The data to verify against the given signature.' }],
  options: [
    { name: 'key', aliases: ['k'], type: 'string', description: 'The name of the key to use for verifying.' },
    { name: 'signature', aliases: ['s'], type: 'string', description: 'Multibase-encoded signature to verify.' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, options, files }) {
    const signature = decodeMultibase(typeof options.signature === 'string' ? options.signature : '')
    const data = await readFileInput(files, 'data', 1024 * 1024)
    const key = typeof options.key === 'string' && options.key !== '' ? options.key : 'self'
    const r = await node.names.keys.verify(key, data, signature)
    return { Key: { Name: r.name, Id: formatName(r.peerId, options['ipns-base']) }, SignatureValid: r.valid }
  }
})
