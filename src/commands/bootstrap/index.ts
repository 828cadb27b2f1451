/** `tsipfs bootstrap list|add|rm`: the Bootstrap list in the config (the peers the daemon dials at start). */
import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { DEFAULT_BOOTSTRAP } from '../../core/repo/config.ts'

type Peers = { Peers: string[] }

const text = (out: Peers): string => out.Peers.map(p => `${p}\n`).join('')

/** A bootstrap address must be a multiaddr that ends in /p2p/<peer ID> */
async function check (addrs: string[]): Promise<string[]> {
  const { multiaddr } = await import('@multiformats/multiaddr')
  for (const a of addrs) {
    let ok = false
    try {
      ok = multiaddr(a).getComponents().some(c => c.name === 'p2p')
    } catch (err) {
      throw new InvalidArgumentError(`invalid bootstrap address ${JSON.stringify(a)}: ${(err as Error).message}`)
    }
    if (!ok) throw new InvalidArgumentError(`invalid bootstrap address ${JSON.stringify(a)}: it must end in /p2p/<peer ID>`)
  }
  return addrs
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
  text
})

async function add (node: Parameters<Command['run']>[0]['node'], addrs: string[]): Promise<Peers> {
  const before = await current(node)
  const added = addrs.filter((a, i) => !before.includes(a) && addrs.indexOf(a) === i)
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
  text
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
  text
})

async function remove (node: Parameters<Command['run']>[0]['node'], addrs: string[] | 'all'): Promise<Peers> {
  const before = await current(node)
  const removed = addrs === 'all' ? before : before.filter(a => addrs.includes(a))
  await node.config.set('Bootstrap', before.filter(a => !removed.includes(a)))
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
  text
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
  text
})

export default [list, addCmd, addDefault, rm, rmAll] as Command[]
