/** `tsipfs bootstrap list|add|rm`: the Bootstrap list in the config (the peers the daemon dials at start). */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { DEFAULT_BOOTSTRAP } from '../../core/repo/config.ts'

type Peers = { Peers: string[] }

/** Kubo's text: the addresses sorted, each after a prefix (`added `, `removed `) */
const text = (prefix = '') => (out: Peers): string => [...out.Peers].sort().map(p => `${prefix}${p}\n`).join('')

/** A bootstrap address must be a multiaddr that ends in /p2p/<peer ID> */
async function check (addrs: string[]): Promise<string[]> {
  const { readMultiaddr } = await import('../../core/network/addr.ts')
  for (const a of addrs) {
    let ok = false
    try {
      ok = readMultiaddr(a).getComponents().some(c => c.name === 'p2p')
    } catch (err) {
      throw new InvalidArgumentError(`invalid bootstrap address ${JSON.stringify(a)}: ${(err as Error).message}`)
    }
    if (!ok) throw new InvalidArgumentError(`invalid bootstrap address ${JSON.stringify(a)}: it must end in /p2p/<peer ID>`)
  }
  return addrs
}

/**
 * An address as compared: its peer ID (base58btc, whatever form it was written in) and the address before
 * /p2p/<id> ('' for a bare /p2p/<id>); undefined for an entry that does not parse
 */
async function parts (a: string): Promise<{ id: string, transport: string, text: string } | undefined> {
  const { readMultiaddr } = await import('../../core/network/addr.ts')
  try {
    const ma = readMultiaddr(a)
    const id = ma.getComponents().findLast(c => c.name === 'p2p')?.value
    if (id === undefined) return undefined
    const transport = ma.decapsulateCode(421)
    return { id, transport: transport.getComponents().length === 0 ? '' : transport.toString(), text: ma.toString() }
  } catch {
    return undefined
  }
}

async function current (node: Parameters<Command['run']>[0]['node']): Promise<string[]> {
  const list = await node.config.get('Bootstrap').catch(() => null)
  return Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string') : []
}

const list = command<Peers>({
  path: ['bootstrap', 'list'],
  tagline: 'Show peers in the bootstrap list.',
  description: 'Peers are output in the format \'<multiaddr>/p2p/<peerID>\'.',
  output: 'value',
  repo: 'read',
  async run ({ node }) {
    return { Peers: await current(node) }
  },
  text: text()
})

async function add (node: Parameters<Command['run']>[0]['node'], addrs: string[]): Promise<Peers> {
  const before = await current(node)
  // the same address with its peer ID written in another form (12D3…, k51…, bafz…) is not added again
  const seen = new Set((await Promise.all(before.map(parts))).map((p, i) => p?.text ?? before[i]))
  const added: string[] = []
  for (const a of addrs) {
    const key = (await parts(a))?.text ?? a
    if (seen.has(key)) continue
    seen.add(key)
    added.push(a)
  }
  await node.config.set('Bootstrap', [...before, ...added])
  return { Peers: added }
}

const addCmd = command<Peers>({
  path: ['bootstrap', 'add'],
  tagline: 'Add peers to the bootstrap list.',
  description: `Outputs a list of peers that were added (that weren't already in the bootstrap list).

    tsipfs bootstrap add /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...
    tsipfs bootstrap add --default        # the public bootstrap peers`,
  args: [{ name: 'peer', type: 'string', variadic: true, description: 'A peer to add to the bootstrap list (in the format \'<multiaddr>/<peerID>\')' }],
  options: [{ name: 'default', type: 'bool', default: false, description: 'Add default bootstrap nodes. (Deprecated, use \'default\' subcommand instead)' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const addrs = options.default === true ? [...DEFAULT_BOOTSTRAP, ...args] : args
    if (addrs.length === 0) throw new InvalidArgumentError('no bootstrap peers to add')
    return await add(node, await check(addrs))
  },
  text: text('added ')
})

const addDefault = command<Peers>({
  path: ['bootstrap', 'add', 'default'],
  tagline: 'Add default peers to the bootstrap list.',
  description: 'Outputs a list of peers that were added (that weren\'t already in the bootstrap list).',
  output: 'value',
  repo: 'write',
  async run ({ node }) {
    return await add(node, [...DEFAULT_BOOTSTRAP])
  },
  text: text('added ')
})

async function remove (node: Parameters<Command['run']>[0]['node'], addrs: string[] | 'all'): Promise<Peers> {
  const before = await current(node)
  if (addrs === 'all') {
    await node.config.set('Bootstrap', [])
    return { Peers: before }
  }
  // as Kubo: a bare /p2p/<id> removes every address of that peer, a full address that address only;
  // peer IDs compare in base58btc and the removed entries are printed so
  const targets = (await Promise.all(addrs.map(parts))).filter(t => t !== undefined)
  const keep: string[] = []
  const removed: string[] = []
  for (const a of before) {
    const p = await parts(a)
    if (p !== undefined && targets.some(t => t.id === p.id && (t.transport === '' || t.transport === p.transport))) removed.push(p.text)
    else keep.push(a)
  }
  await node.config.set('Bootstrap', keep)
  return { Peers: removed }
}

const rm = command<Peers>({
  path: ['bootstrap', 'rm'],
  tagline: 'Remove peers from the bootstrap list.',
  description: 'Outputs the list of peers that were removed.',
  args: [{ name: 'peer', type: 'string', variadic: true, description: 'A peer to remove from the bootstrap list (in the format \'<multiaddr>/<peerID>\')' }],
  options: [{ name: 'all', type: 'bool', default: false, description: 'Remove all bootstrap peers. (Deprecated, use \'all\' subcommand)' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    if (options.all === true) return await remove(node, 'all')
    if (args.length === 0) throw new InvalidArgumentError('no bootstrap peers to remove')
    return await remove(node, await check(args))
  },
  text: text('removed ')
})

const rmAll = command<Peers>({
  path: ['bootstrap', 'rm', 'all'],
  tagline: 'Remove all peers from the bootstrap list.',
  description: 'Outputs the list of peers that were removed.',
  output: 'value',
  repo: 'write',
  async run ({ node }) {
    return await remove(node, 'all')
  },
  text: text('removed ')
})

export default [list, addCmd, addDefault, rm, rmAll] as Command[]
