/** `--help` text, generated from the command tree (the same text feeds docs/commands.md) */
import { GLOBAL_OPTIONS, type Command, type OptionDef } from '../commands/command.ts'
import { GROUP_TAGLINES } from '../commands/groups.ts'

function optionLine (def: OptionDef): string {
  const names = [def.name, ...(def.aliases ?? [])].map(n => (n.length === 1 ? `-${n}` : `--${n}`)).join(', ')
  const value = def.type === 'bool' ? '' : ` <${def.type}>`
  const dflt = def.default !== undefined && def.default !== false && def.default !== '' ? ` Default: ${JSON.stringify(def.default)}.` : ''
  return `  ${(names + value).padEnd(34)} - ${def.description}${dflt}`
}

/** What help lists under a path: a command, or a group with no command of its own (`swarm peering`) */
export interface Entry { path: string[], tagline: string }

/** The commands and groups one level below `path`, sorted */
export function subcommandsOf (commands: Command[], path: string[]): Entry[] {
  const below = new Map<string, Entry>()
  for (const c of commands) {
    if (c.path.length <= path.length || !path.every((p, i) => c.path[i] === p)) continue
    const child = c.path.slice(0, path.length + 1)
    const key = child.join(' ')
    if (c.path.length === child.length) below.set(key, c)
    else if (!below.has(key)) below.set(key, { path: child, tagline: GROUP_TAGLINES[key] ?? '' })
  }
  return [...below.values()].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))
}

export function commandHelp (commands: Command[], cmd: Command): string {
  const lines: string[] = []
  const usageArgs = (cmd.args ?? []).map(a => {
    const name = `<${a.name}>${a.variadic === true ? '...' : ''}`
    return a.required === true ? name : `[${name}]`
  })
  lines.push('USAGE', `  tsipfs ${cmd.path.join(' ')}${cmd.options?.length !== undefined && cmd.options.length > 0 ? ' [options]' : ''} ${usageArgs.join(' ')}`.trimEnd(), '')
  lines.push(`  ${cmd.tagline}`, '')
  if ((cmd.args ?? []).length > 0) {
    lines.push('ARGUMENTS', '')
    for (const a of cmd.args ?? []) {
      lines.push(`  <${a.name}>${a.variadic === true ? '...' : ''}`.padEnd(36) + ` - ${a.description}`)
    }
    lines.push('')
  }
  if ((cmd.options ?? []).length > 0) {
    lines.push('OPTIONS', '')
    for (const o of cmd.options ?? []) lines.push(optionLine(o))
    lines.push('')
  }
  if (cmd.description !== undefined) {
    lines.push('DESCRIPTION', '', ...cmd.description.trim().split('\n').map(l => `  ${l}`), '')
  }
  const subs = subcommandsOf(commands, cmd.path)
  if (subs.length > 0) {
    lines.push('SUBCOMMANDS', '')
    for (const s of subs) lines.push(`  tsipfs ${s.path.join(' ')}`.padEnd(36) + ` - ${s.tagline}`)
    lines.push('', `  For more information about each command, use:`, `  'tsipfs ${cmd.path.join(' ')} <subcmd> --help'`, '')
  }
  return lines.join('\n')
}

/** Help for a path that is only a group (e.g. `pin`), or for the root */
export function groupHelp (commands: Command[], path: string[]): string {
  const subs = subcommandsOf(commands, path)
  const lines = ['USAGE', `  tsipfs ${[...path, '<command>'].join(' ')} ...`, '']
  if (path.length === 0) {
    lines.push('  tsipfs - an IPFS node for Node.js, written in TypeScript.', '')
  }
  lines.push('SUBCOMMANDS', '')
  for (const s of subs) lines.push(`  ${s.path.join(' ')}`.padEnd(30) + ` ${s.tagline}`)
  lines.push('', 'GLOBAL OPTIONS', '')
  for (const o of GLOBAL_OPTIONS) lines.push(optionLine(o))
  lines.push('', `  Use 'tsipfs ${[...path, '<command>'].join(' ')} --help' for more information about a command.`, '')
  return lines.join('\n')
}
