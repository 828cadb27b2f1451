/** `tsipfs name put <name> <record>`: store a pre-signed IPNS record and put it to routing */
import { command } from '../command.ts'
import { NotOnlineError } from '../../core/errors.ts'
import { readFileInput } from '../key/shared.ts'
import { escNonPrint } from '../util.ts'

export default command<{ Name: string, Value: string }>({
  path: ['name', 'put'],
  tagline: 'Store a pre-signed IPNS record.',
  description: `
Stores a pre-signed IPNS record (protobuf, as 'name get' writes it) in the local record store and puts it
to routing. The record must be valid for the name: signed by its key, not expired, at most 10 KiB, and
better (a higher sequence number, or the same with a longer validity) than the record kept, unless
--force is given.

    $ tsipfs name get k51... > record.bin
    $ tsipfs name put k51... record.bin`,
  args: [
    { name: 'name', type: 'string', required: true, description: 'The IPNS name to store the record for (e.g., k51... or /ipns/k51...).' },
    { name: 'record', type: 'file', required: true, stdin: true, description: 'Path to file containing the signed IPNS record.' }
  ],
  options: [
    { name: 'force', aliases: ['f'], type: 'bool', default: false, description: 'Skip validation (signature, sequence, size).' },
    { name: 'allow-offline', type: 'bool', default: false, description: 'Store locally without broadcasting to the network.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write no output.' }
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, files, options, signal }) {
    const { canonicalName, parseIpnsName } = await import('../../core/names/records.ts')
    const cid = parseIpnsName(args[0] as string)
    if (!node.network.online && options['allow-offline'] !== true) throw new NotOnlineError('can\'t put while offline: pass `--allow-offline` to store locally without broadcasting')
    const bytes = await readFileInput(files, 'record', 64 * 1024)
    await node.names.putRecord(canonicalName(cid), bytes, { signal, force: options.force === true, broadcast: true })
    const { unmarshalIPNSRecord } = await import('ipns')
    let value = ''
    try {
      value = unmarshalIPNSRecord(bytes).value
    } catch {}
    return { Name: canonicalName(cid), Value: value }
  },
  text: (out, options) => options.quiet === true ? '' : `${escNonPrint(out.Name)}\n`
})
