/** `tsipfs name get <name>`: the best signed IPNS record for a name, as raw bytes */
import { command } from '../command.ts'

export default command<Uint8Array>({
  path: ['name', 'get'],
  tagline: 'Retrieve a signed IPNS record.',
  description: `
Retrieves the signed IPNS record for a given name from the local record store and routing (the best one:
highest sequence number, then longest validity). The output is the raw IPNS record (protobuf):

    $ tsipfs name get <name> | tsipfs name inspect

This is equivalent to 'tsipfs routing get /ipns/<name>' but only accepts IPNS names.`,
  args: [{ name: 'name', type: 'string', required: true, description: 'The IPNS name to look up.' }],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, signal }) {
    yield await node.names.getRecord(args[0] as string, { signal })
  }
})
