/** `tsipfs name inspect <record>`: the fields of an IPNS record, optionally checked against a name */
import { command } from '../command.ts'
import type { InspectResult } from '../../core/names/records.ts'
import { inspectText } from '../../core/names/record-text.ts'
import { readFileInput } from '../key/shared.ts'

export default command<InspectResult>({
  path: ['name', 'inspect'],
  tagline: 'Inspects an IPNS Record',
  description: `
Prints values inside of IPNS Record protobuf and its DAG-CBOR Data field.

The input can be a file or STDIN, the output can be JSON:

    $ tsipfs routing get "/ipns/$PEERID" > ipns_record
    $ tsipfs name inspect --enc=json < ipns_record

Values in PublicKey, SignatureV1 and SignatureV2 fields are raw bytes encoded in Multibase. The Data
field is DAG-CBOR represented as DAG-JSON.

Passing --verify will verify signature against provided public key.`,
  args: [{ name: 'record', type: 'file', required: true, stdin: true, description: 'The IPNS record payload to be verified.' }],
  options: [
    { name: 'verify', type: 'string', description: 'CID of the public IPNS key to validate against.' },
    { name: 'dump', type: 'bool', default: true, description: 'Include a full hex dump of the raw Protobuf record.' }
  ],
  output: 'value',
  repo: 'none',
  async run ({ options, files }) {
    const bytes = await readFileInput(files, 'record', 10 * 1024)
    const { inspectRecord } = await import('../../core/names/records.ts')
    return await inspectRecord(bytes, { verify: options.verify as string | undefined, dump: options.dump !== false })
  },
  text: (out) => inspectText(out)
})
