import { command, GLOBAL_OPTIONS, type Command, type OptionDef } from './command.ts'
import { byteOrder } from '../core/order.ts'

interface CommandEntry {
  Name: string
  Subcommands: CommandEntry[]
  Options: Array<{ Names: string[] }>
}

/** The tree as Kubo's `commands` prints it; `commands` is filled in by index.ts to avoid an import cycle */
export const registry: { commands: Command[] } = { commands: [] }

function names (o: OptionDef): { Names: string[] } {
  return { Names: [o.name, ...(o.aliases ?? [])] }
}

/** Kubo's tree: every command with its options (the root's are the global ones), whether --flags is given or not */
function tree (path: string[]): CommandEntry {
  const subs = new Set<string>()
  for (const c of registry.commands) {
    if (c.path.length > path.length && path.every((p, i) => c.path[i] === p)) subs.add(c.path[path.length] as string)
  }
  const own = registry.commands.find(c => c.path.length === path.length && path.every((p, i) => c.path[i] === p))
  return {
    Name: path.length === 0 ? 'tsipfs' : path[path.length - 1] as string,
    Subcommands: [...subs].sort().map(s => tree([...path, s])),
    Options: (path.length === 0 ? GLOBAL_OPTIONS : own?.options ?? []).map(names)
  }
}

/**
 * Kubo's text (cmdPathStrings): a line per command and, with --flags, one per option of a command below the
 * root, each name after the command's path ('tsipfs add --chunker / tsipfs add -s'); all the lines sorted
 */
function lines (entry: CommandEntry, prefix: string, flags: boolean): string[] {
  const name = prefix === '' ? entry.Name : `${prefix} ${entry.Name}`
  const out = [name]
  if (flags && prefix !== '') {
    for (const o of entry.Options) out.push(o.Names.map(n => `${name} ${n.length === 1 ? '-' : '--'}${n}`).join(' / '))
  }
  for (const s of entry.Subcommands) out.push(...lines(s, name, flags))
  return out
}

export default command({
  path: ['commands'],
  tagline: 'List all available commands.',
  description: 'Lists all available commands (and subcommands) and exits.',
  options: [{ name: 'flags', aliases: ['f'], type: 'bool', default: false, description: 'Show command flags.' }],
  output: 'value',
  repo: 'none',
  async run ({ options }) {
    return tree([])
  },
  text: (out, options) => lines(out, '', options.flags === true).sort(byteOrder).join('\n') + '\n'
})
