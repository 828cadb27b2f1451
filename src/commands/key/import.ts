/** `tsipfs key import <name> <key>`: a key exported by `key export` (tsipfs or Kubo) or made by openssl */
import { command } from '../command.ts'
import { IPNS_BASE, keyOutput, readFileInput, type KeyOutput } from './shared.ts'

export default command<KeyOutput>({
  path: ['key', 'import'],
  tagline: 'Import a key and prints imported key id',
  description: `
Imports a key and stores it under the provided name.

By default, the key is assumed to be in 'libp2p-protobuf-cleartext' format, however it is possible to
import private keys wrapped in interoperable PEM PKCS8 by passing '--format=pem-pkcs8-cleartext'.

The PEM format allows for key generation outside of the IPFS node:

    $ openssl genpkey -algorithm ED25519 > ed25519.pem
    $ tsipfs key import test-openssl -f pem-pkcs8-cleartext ed25519.pem`,
  args: [
    { name: 'name', type: 'string', required: true, description: 'name to associate with key in keychain' },
    { name: 'key', type: 'file', required: true, stdin: true, description: 'key provided by generate or export' }
  ],
  options: [
    IPNS_BASE,
    { name: 'format', aliases: ['f'], type: 'string', default: 'libp2p-protobuf-cleartext', description: 'The format of the private key to import, libp2p-protobuf-cleartext or pem-pkcs8-cleartext.' },
    { name: 'allow-any-key-type', type: 'bool', default: false, description: 'Allow importing any key type.' }
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, files }) {
    const bytes = await readFileInput(files, 'key', 64 * 1024)
    const key = await node.names.keys.importKey(args[0] as string, bytes, {
      format: options.format as string | undefined,
      allowAnyKeyType: options['allow-any-key-type'] === true
    })
    return keyOutput(key, options['ipns-base'])
  },
  text: (out) => `${out.Id}\n`
})
