/**
 * `tsipfs key export <name>`: the only command that hands out a private key. The daemon (or the local
 * repo) produces the bytes; the CLI writes them to ./<name>.key (.pem for PEM) or -o, mode 0600.
 */
import { writeFile } from 'node:fs/promises'
import { command } from '../command.ts'
import { InvalidArgumentError, LocalFileError } from '../../core/errors.ts'

export default command<Uint8Array>({
  path: ['key', 'export'],
  tagline: 'Export a keypair',
  description: `
Exports a named libp2p key to disk.

By default, the output will be stored at './<key-name>.key', but an alternate path can be specified with
'--output=<path>' or '-o=<path>'.

It is possible to export a private key to interoperable PEM PKCS8 format by explicitly passing
'--format=pem-pkcs8-cleartext'. The resulting PEM file can then be consumed elsewhere. For example,
using openssl to get a PEM with public key:

    $ tsipfs key export testkey --format=pem-pkcs8-cleartext -o privkey.pem
    $ openssl pkey -in privkey.pem -pubout > pubkey.pem`,
  args: [{ name: 'name', type: 'string', required: true, description: 'name of key to export' }],
  options: [
    { name: 'output', aliases: ['o'], type: 'string', description: 'The path where the output should be stored.' },
    { name: 'format', aliases: ['f'], type: 'string', default: 'libp2p-protobuf-cleartext', description: 'The format of the exported private key, libp2p-protobuf-cleartext or pem-pkcs8-cleartext.' }
  ],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options }) {
    yield await node.names.keys.exportKey(args[0] as string, { format: options.format as string | undefined })
  },
  async consume (results, options, args) {
    const chunks: Uint8Array[] = []
    for await (const c of results) chunks.push(c)
    const name = args[0] ?? ''
    if (name === '') throw new InvalidArgumentError('argument "name" is required')
    const ext = options.format === 'pem-pkcs8-cleartext' ? 'pem' : 'key'
    const out = typeof options.output === 'string' && options.output !== '' ? options.output : `${name}.${ext}`
    try {
      await writeFile(out, Buffer.concat(chunks), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      throw new LocalFileError(`cannot write key to ${out}: ${(err as Error).message}`)
    }
  }
})
