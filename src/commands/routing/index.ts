/**
 * `tsipfs routing get|put` for /ipns/<name> records (and `get` of /pk/<peer> keys). On a daemon that is
 * online they go through the routing system (the DHTs, which validate records and pick the best one);
 * offline, `get` reads the local record store and `put` needs --allow-offline, as Kubo's does.
 */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { readAll } from '../util.ts'

interface QueryEvent { ID: string, Type: number, Responses: null, Extra: string }

interface Key { kind: 'ipns' | 'pk', name: string }

function parseKey (key: string, kinds: Array<Key['kind']>): Key {
  const m = /^\/(ipns|pk)\/([^/]+)$/.exec(key)
  if (m === null || !kinds.includes(m[1] as Key['kind'])) {
    throw new InvalidArgumentError(`invalid key ${JSON.stringify(key)}: only ${kinds.map(k => `/${k}/<name>`).join(' and ')} keys are supported`)
  }
  return { kind: m[1] as Key['kind'], name: m[2] as string }
}

/** The DHT key: "/ipns/" or "/pk/" and the name's multihash */
async function routingKey (key: Key): Promise<Uint8Array> {
  const { parseIpnsName } = await import('../../core/names/index.ts')
  const mh = parseIpnsName(key.name).multihash.bytes
  const prefix = new TextEncoder().encode(`/${key.kind}/`)
  const out = new Uint8Array(prefix.byteLength + mh.byteLength)
  out.set(prefix)
  out.set(mh, prefix.byteLength)
  return out
}

const get = command<QueryEvent>({
  path: ['routing', 'get'],
  tagline: 'Given a key, query the routing system for its best value.',
  description: `
Outputs the best value for the given key: for /ipns/<name>, a signed IPNS record (raw bytes; the valid one
with the highest sequence number); for /pk/<peer>, the peer's public key. A running daemon asks the routing
system (the DHTs); without one, /ipns/ keys are read from the local record store.`,
  args: [{ name: 'key', type: 'string', required: true, description: 'The key to find a value for.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, signal }) {
    const key = parseKey(args[0] as string, ['ipns', 'pk'])
    let bytes: Uint8Array
    if (node.network.online) {
      bytes = await node.routing.get(await routingKey(key), { signal })
    } else {
      if (key.kind !== 'ipns') throw new InvalidArgumentError('/pk/ keys need the routing system: start the daemon')
      bytes = await node.names.getRecord(key.name, { signal })
    }
    return { ID: '', Type: 5, Responses: null, Extra: Buffer.from(bytes).toString('base64') }
  },
  text: (out) => Buffer.from(out.Extra, 'base64').toString('latin1'),
  textIsBinary: true
})

const put = command<QueryEvent>({
  path: ['routing', 'put'],
  tagline: 'Write a key/value pair to the routing system.',
  description: `
Given a key of the form /ipns/<name> and a file holding a signed IPNS record for that name, validates the
record, stores it locally (a newer sequence number wins) and, on a daemon that is online, puts it to the
routing system (the DHTs). Offline it needs --allow-offline. Example:

    $ tsipfs routing put /ipns/k51qzi5uqu5dl... ./name.ipns-record`,
  args: [
    { name: 'key', type: 'string', required: true, description: 'The key to store the value at.' },
    { name: 'value-file', type: 'file', required: true, stdin: true, description: 'A path to a file containing the value to store.' }
  ],
  options: [{ name: 'allow-offline', type: 'bool', default: false, description: 'When offline, save the IPNS record to the local datastore without broadcasting to the network instead of simply failing.' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, files, options, signal }) {
    const key = parseKey(args[0] as string, ['ipns'])
    const online = node.network.online
    if (!online && options['allow-offline'] !== true) throw new InvalidArgumentError("can't put while offline: pass `--allow-offline` to save to the local datastore without broadcasting")
    let bytes: Uint8Array | undefined
    for await (const entry of files ?? []) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError('value-file must be a file')
      bytes = await readAll(entry.content, 10 * 1024)
      break
    }
    if (bytes === undefined) throw new InvalidArgumentError('argument "value-file" is required')
    await node.names.putRecord(key.name, bytes, { signal })
    if (online) await node.routing.put(await routingKey(key), bytes, { signal })
    const { peerIdFromCID } = await import('@libp2p/peer-id')
    const { parseIpnsName } = await import('../../core/names/index.ts')
    return { ID: peerIdFromCID(parseIpnsName(key.name)).toString(), Type: 5, Responses: null, Extra: '' }
  },
  text: (out) => `${out.ID}\n`
})

export default [get, put] as Command[]
