import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { checkCidBase, formatCid } from '../util.ts'
import type { PinType } from '../../core/pins/index.ts'
import { pushable } from 'it-pushable'

/** Bytes as Kubo's `pin add --progress` says them (go-humanize, SI units): `512 B`, `5.1 MB`, `268 MB` */
export function formatBytesSI (n: number): string {
  if (n < 10) return `${n} B`
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB']
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1)
  const v = Math.floor(n / 1000 ** e * 10 + 0.5) / 10
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[e] as string}`
}

/** Kubo's pin add output: the pins, or with --progress a report of the blocks so far (zero fields left out) */
interface PinAddOutput {
  Pins?: string[]
  Progress?: number
  Bytes?: number
}

const add = command<PinAddOutput>({
  path: ['pin', 'add'],
  tagline: 'Pin objects to local storage.',
  description: 'Stores an IPFS object(s) from a given path locally to disk, protecting it from garbage collection.',
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'Path to object(s) to be pinned.' }],
  options: [
    { name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Recursively pin the object linked to by the specified object(s).' },
    { name: 'name', aliases: ['n'], type: 'string', description: 'An optional name for created pin(s).' },
    { name: 'progress', type: 'bool', default: false, description: 'Show progress.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, args, options, signal }) {
    checkCidBase(options)
    const recursive = options.recursive !== false
    const name = options.name as string | undefined
    // with --progress, the blocks fetched or checked so far (all the paths together) as Kubo reports them
    let done = { nodes: 0, bytes: 0 }
    const pinAll = async (): Promise<string[]> => {
      const pinned: string[] = []
      for (const path of args) {
        // a path that does not resolve is said as it is; Kubo prefixes "pin: " only to the pinning's own failures
        const cid = await node.unixfs.resolve(await node.names.toIpfsPath(path, { signal }), { signal })
        const before = done
        const onProgress = options.progress === true ? (p: { nodes: number, bytes: number }) => { done = { nodes: before.nodes + p.nodes, bytes: before.bytes + p.bytes } } : undefined
        try {
          await node.components.gcLock.shared(async () => {
            await node.pins.add(cid, { recursive, name, signal, onProgress })
          })
        } catch (err) {
          // Kubo prefixes every pin add failure with "pin: "
          if (err instanceof Error && !err.message.startsWith('pin: ')) err.message = `pin: ${err.message}`
          throw err
        }
        pinned.push(formatCid(cid, options))
      }
      return pinned
    }
    if (options.progress !== true) {
      yield { Pins: await pinAll() }
      return
    }
    // as Kubo: the progress every half second while pinning, once more at the end, then the pins
    const out = pushable<PinAddOutput>({ objectMode: true })
    const progress = (): PinAddOutput => ({ ...(done.nodes !== 0 ? { Progress: done.nodes } : {}), ...(done.bytes !== 0 ? { Bytes: done.bytes } : {}) })
    const timer = setInterval(() => { out.push(progress()) }, 500)
    pinAll().then(pins => {
      if (done.nodes !== 0) out.push(progress())
      out.push({ Pins: pins })
      out.end()
    }, (err: unknown) => { out.end(err as Error) }).finally(() => { clearInterval(timer) })
    yield * out
  },
  text (out, options) {
    if (out.Pins === undefined) return ''
    const how = options.recursive !== false ? 'recursively' : 'directly'
    return out.Pins.map(p => `pinned ${p} ${how}\n`).join('')
  },
  // Kubo's CLI rewrites one line on stderr: `Fetched/Processed 24 nodes (5.1 MB)`
  progress: (out) => (out.Pins === undefined ? { line: `Fetched/Processed ${out.Progress ?? 0} nodes (${formatBytesSI(out.Bytes ?? 0)})` } : undefined)
})

const rm = command({
  path: ['pin', 'rm'],
  tagline: 'Remove object from pin-list.',
  description: 'Removes the pin from the given object allowing it to be garbage collected if needed.',
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'Path to object(s) to be unpinned.' }],
  options: [{ name: 'recursive', aliases: ['r'], type: 'bool', default: true, description: 'Recursively unpin the object linked to by the specified object(s).' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    const out: string[] = []
    for (const path of args) {
      const cid = await node.unixfs.resolve(await node.names.toIpfsPath(path, { signal }), { signal })
      await node.pins.rm(cid, { recursive: options.recursive !== false, signal })
      out.push(formatCid(cid, options))
    }
    return { Pins: out }
  },
  text: (out) => out.Pins.map(p => `unpinned ${p}\n`).join('')
})

const TYPES = ['all', 'direct', 'indirect', 'recursive']

interface PinLsEntry { Cid: string, Type: string, Name?: string }

const ls = command<PinLsEntry | { Keys: Record<string, { Type: string, Name?: string }> }>({
  path: ['pin', 'ls'],
  tagline: 'List objects pinned to local storage.',
  description: `
Returns a list of objects that are pinned locally. By default, all pinned objects are returned, but the
'--type' flag or arguments can restrict that to a specific pin type or to some specific objects.

Use --type=<type> to specify the type of pinned keys to list: "direct", "indirect", "recursive", or "all".`,
  args: [{ name: 'ipfs-path', type: 'string', variadic: true, description: 'Path to object(s) to be listed.' }],
  options: [
    { name: 'type', aliases: ['t'], type: 'string', default: 'all', description: 'The type of pinned keys to list. Can be "direct", "indirect", "recursive", or "all".' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Output only the CIDs of pins.' },
    { name: 'name', aliases: ['n'], type: 'string', description: 'Limit returned pins to ones with names that contain the value provided (case-sensitive, partial match). Implies --names=true.' },
    { name: 'stream', aliases: ['s'], type: 'bool', default: false, description: 'Enable streaming of pins as they are discovered.' },
    { name: 'names', type: 'bool', default: false, description: 'Include pin names in the output (slower, disabled by default).' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    const type = String(options.type)
    if (!TYPES.includes(type)) throw new InvalidArgumentError(`invalid type '${type}', must be one of {direct, indirect, recursive, all}`)
    const nameFilter = typeof options.name === 'string' ? options.name : undefined
    const withNames = options.names === true || nameFilter !== undefined
    const entries: PinLsEntry[] = []
    const emit = (cid: Parameters<typeof formatCid>[0], t: string, name?: string): PinLsEntry | undefined => {
      if (nameFilter !== undefined && !(name ?? '').includes(nameFilter)) return undefined
      return withNames && name !== undefined && name !== '' ? { Cid: formatCid(cid, options), Type: t, Name: name } : { Cid: formatCid(cid, options), Type: t }
    }
    if (args.length > 0) {
      const cids = []
      for (const a of args) cids.push(await node.unixfs.resolve(await node.names.toIpfsPath(a, { signal }), { signal }))
      const found = await node.pins.check(cids, { signal, indirectOnly: type === 'indirect' })
      for (let i = 0; i < cids.length; i++) {
        const pin = found[i]
        const cid = cids[i] as (typeof cids)[number]
        if (pin === undefined || (type !== 'all' && pin.type !== type)) {
          throw new InvalidArgumentError(`path '${args[i] as string}' is not pinned`)
        }
        // Kubo names the recursive pin an indirect one is under
        const e = emit(cid, pin.type === 'indirect' ? `indirect through ${pin.via?.toString() ?? ''}` : pin.type, pin.name)
        if (e !== undefined) entries.push(e)
      }
    } else {
      for await (const pin of node.pins.ls({ type: type as PinType | 'all', signal })) {
        const e = emit(pin.cid, pin.type, pin.name)
        if (e === undefined) continue
        if (options.stream === true) yield e
        else entries.push(e)
      }
    }
    if (options.stream === true) {
      yield * entries
      return
    }
    // Kubo: "Name" is always in the Keys map, and left out of streamed entries when empty
    const keys: Record<string, { Type: string, Name?: string }> = {}
    for (const e of entries) keys[e.Cid] = { Type: e.Type, Name: e.Name ?? '' }
    yield { Keys: keys }
  },
  text (out, options) {
    const line = (cid: string, t: string, name = ''): string =>
      options.quiet === true ? `${cid}\n` : `${cid} ${t}${name !== '' ? ' ' + name : ''}\n`
    if ('Keys' in out) return Object.entries(out.Keys).map(([cid, v]) => line(cid, v.Type, v.Name)).join('')
    return line(out.Cid, out.Type, out.Name)
  }
})

const update = command({
  path: ['pin', 'update'],
  tagline: 'Update a recursive pin.',
  description: 'Efficiently pins a new object based on differences from an existing one and, by default, removes the old pin.',
  args: [
    { name: 'from-path', type: 'string', required: true, description: 'Path to old object.' },
    { name: 'to-path', type: 'string', required: true, description: 'Path to a new object to be pinned.' }
  ],
  options: [{ name: 'unpin', type: 'bool', default: true, description: 'Remove the old pin.' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    const from = await node.unixfs.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal })
    const to = await node.unixfs.resolve(await node.names.toIpfsPath(args[1] as string, { signal }), { signal })
    await node.components.gcLock.shared(async () => {
      await node.pins.update(from, to, { unpin: options.unpin !== false, signal })
    })
    return { Pins: [formatCid(from, options), formatCid(to, options)] }
  },
  text: (out) => `updated ${out.Pins[0] ?? ''} to ${out.Pins[1] ?? ''}\n`
})

const verify = command({
  path: ['pin', 'verify'],
  tagline: 'Verify that recursive pins are complete.',
  options: [
    { name: 'verbose', type: 'bool', default: false, description: 'Also write the hashes of non-broken pins.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write just hashes of broken pins.' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, options, signal }) {
    for await (const r of node.pins.verify({ signal })) {
      if (r.ok && options.verbose !== true) continue
      // Kubo's PinVerifyRes: BadNodes left out when there are none (omitempty)
      const badNodes = r.badNodes.map(b => ({ Cid: formatCid(b.cid, options), Err: b.err }))
      yield badNodes.length === 0 ? { Cid: formatCid(r.cid, options), Ok: r.ok } : { Cid: formatCid(r.cid, options), Ok: r.ok, BadNodes: badNodes }
    }
  },
  text (out, options) {
    if (options.quiet === true) return out.Ok ? '' : `${out.Cid}\n`
    if (out.Ok) return `${out.Cid} ok\n`
    return `${out.Cid} broken\n` + (out.BadNodes ?? []).map(b => `  ${b.Cid}: ${b.Err}\n`).join('')
  }
})

export default [add, rm, ls, update, verify] as Command[]

