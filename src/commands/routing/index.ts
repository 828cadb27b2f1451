/**
 * `tsipfs routing get|put` for IPNS records in the local record store. tsipfs has no network routing yet,
 * so a put is always offline: it needs --allow-offline, as Kubo's does when offline.
 */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { readAll } from '../util.ts'

function ipnsKey (key: string): string {
  const m = /^\/ipns\/([^/]+)$/.exec(key)
  if (m === null) throw new InvalidArgumentError(`invalid key ${JSON.stringify(key)}: only /ipns/<name> keys are supported`)
  return m[1] as string
}

interface QueryEvent { ID: string, Type: number, Responses: null, Extra: string }

const get = command<QueryEvent>({
  path: ['routing', 'get'],
  tagline: 'Given a key, query the routing system for its best value.',
  description: `
Outputs the best value for the given key (an /ipns/<name> key: a signed IPNS record, as raw bytes).
tsipfs reads the local record store; network routing comes with the DHT.`,
  args: [{ name: 'key', type: 'string', required: true, description: 'The key to find a value for.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, signal }) {
    const bytes = await node.names.getRecord(ipnsKey(args[0] as string), { signal })
    return { ID: '', Type: 5, Responses: null, Extra: Buffer.from(bytes).toString('base64') }
  },
  text: (out) => Buffer.from(out.Extra, 'base64').toString('latin1')
})

const put = command<QueryEvent>({
  path: ['routing', 'put'],
  tagline: 'Write a key/value pair to the routing system.',
  description: `
Given a key of the form /ipns/<name> and a file holding a signed IPNS record for that name, validates the
record and stores it (a newer sequence number wins); with IPNS over pubsub on (Ipns.UsePubsub), it is also
sent on the name's pubsub topic. Example:

    $ tsipfs routing put --allow-offline /ipns/k51qzi5uqu5dl... ./name.ipns-record`,
  args: [
    { name: 'key', type: 'string', required: true, description: 'The key to store the value at.' },
    { name: 'value-file', type: 'file', required: true, stdin: true, description: 'A path to a file containing the value to store.' }
  ],
  options: [{ name: 'allow-offline', type: 'bool', default: false, description: 'When offline, save the IPNS record to the local datastore without broadcasting to the network instead of simply failing.' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, files, options, signal }) {
    const name = ipnsKey(args[0] as string)
    // IPNS over pubsub is a router that broadcasts (as in Kubo, where it is part of the node's routing)
    const broadcast = node.ipnsPubsub.enabled()
    if (options['allow-offline'] !== true && !broadcast) throw new InvalidArgumentError("can't put while offline: pass `--allow-offline` to save to the local datastore without broadcasting")
    let bytes: Uint8Array | undefined
    for await (const entry of files ?? []) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError('value-file must be a file')
      bytes = await readAll(entry.content, 10 * 1024)
      break
    }
    if (bytes === undefined) throw new InvalidArgumentError('argument "value-file" is required')
    await node.names.putRecord(name, bytes, { signal })
    if (broadcast) await node.ipnsPubsub.publish(name, await node.names.getRecord(name, { signal }), { signal })
    const { peerIdFromCID } = await import('@libp2p/peer-id')
    const { parseIpnsName } = await import('../../core/names/index.ts')
    return { ID: peerIdFromCID(parseIpnsName(name)).toString(), Type: 5, Responses: null, Extra: '' }
  },
  text: (out) => `${out.ID}\n`
})

export default [get, put] as Command[]
