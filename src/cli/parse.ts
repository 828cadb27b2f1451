/**
 * argv → command, positional arguments and options, driven by the command tree. Follows Kubo's CLI rules:
 * `--name value`, `--name=value`, `-n value`, `--flag` / `--flag=false`, `--` ends the options, global
 * options anywhere on the line.
 */
import { GLOBAL_OPTIONS, type Command, type OptionDef, type Options } from '../commands/command.ts'
import { InvalidArgumentError, UnknownCommandError } from '../core/errors.ts'

export interface ParsedCommandLine {
  command: Command
  /** the command path as typed, for help and errors */
  path: string[]
  args: string[]
  options: Options
}

/** Find the longest command path that prefixes the words; returns the command and how many words it used */
export function findCommand (commands: Command[], words: string[]): { command: Command | undefined, used: number } {
  let best: Command | undefined
  let used = 0
  for (const cmd of commands) {
    if (cmd.path.length > words.length || cmd.path.length <= used) continue
    if (cmd.path.every((p, i) => words[i] === p)) {
      best = cmd
      used = cmd.path.length
    }
  }
  return { command: best, used }
}

export function optionsFor (cmd: Command | undefined): OptionDef[] {
  return [...(cmd?.options ?? []), ...GLOBAL_OPTIONS]
}

function lookup (defs: OptionDef[], name: string): OptionDef | undefined {
  return defs.find(d => d.name === name || (d.aliases ?? []).includes(name))
}

/** Convert one option value from text to its declared type */
export function coerceOption (def: OptionDef, value: string | boolean, previous: unknown): unknown {
  switch (def.type) {
    case 'bool':
      if (typeof value === 'boolean') return value
      if (value === 'true' || value === '') return true
      if (value === 'false') return false
      throw new InvalidArgumentError(`invalid boolean value for option "${def.name}": "${value}"`)
    case 'int':
    case 'uint': {
      // Go's strconv words, which Kubo prints as they are
      const text = String(value)
      const fn = def.type === 'int' ? 'strconv.ParseInt' : 'strconv.ParseUint'
      if (!(def.type === 'int' ? /^-?\d+$/ : /^\d+$/).test(text)) throw new InvalidArgumentError(`${fn}: parsing ${JSON.stringify(text)}: invalid syntax`)
      const n = Number(text)
      if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`${fn}: parsing ${JSON.stringify(text)}: value out of range`)
      return n
    }
    case 'strings':
      return [...(Array.isArray(previous) ? previous as string[] : []), String(value)]
    default:
      return String(value)
  }
}

/** Fill in defaults for options not given */
export function withDefaults (cmd: Command, given: Options): Options {
  const out: Options = {}
  for (const def of optionsFor(cmd)) {
    if (Object.hasOwn(given, def.name)) out[def.name] = given[def.name]
    else if (def.default !== undefined) out[def.name] = def.default
  }
  return out
}

/**
 * The words of a command line that are not options or option values (`--api /ip4/… version` → version).
 * Options may come anywhere, as in Kubo; an option that takes a value and has no `=` consumes the next token.
 */
export function commandWords (commands: Command[], argv: string[]): string[] {
  const takesValue = new Set<string>()
  for (const o of [...GLOBAL_OPTIONS, ...commands.flatMap(c => c.options ?? [])]) {
    if (o.type !== 'bool') for (const n of [o.name, ...(o.aliases ?? [])]) takesValue.add(n)
  }
  const words: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') break
    if (a.startsWith('-') && a !== '-') {
      const body = a.replace(/^--?/, '')
      if (!body.includes('=') && takesValue.has(body)) i++
      continue
    }
    words.push(a)
  }
  return words
}

/**
 * A group of one-letter flags after one dash, as Kubo reads it (go-ipfs-cmds parseShortOpts): `-rQ`, `-Qn`;
 * a flag that takes a value takes the rest of the group (`-s1024`) or else the next word. Returns the index of
 * the last word used.
 */
function shortGroup (defs: OptionDef[], body: string, words: string[], i: number, options: Options): number {
  for (let j = 0; j < body.length; j++) {
    const def = lookup(defs, body[j] as string)
    if (def === undefined) throw new InvalidArgumentError(`unknown option "${body}"`)
    if (def.type === 'bool') {
      options[def.name] = true
      continue
    }
    if (j < body.length - 1) {
      options[def.name] = coerceOption(def, body.slice(j + 1), options[def.name])
      return i
    }
    const next = words[i + 1]
    if (next === undefined) throw new InvalidArgumentError(`missing argument for option "${body}"`)
    options[def.name] = coerceOption(def, next, options[def.name])
    return i + 1
  }
  return i
}

export function parseCommandLine (commands: Command[], argv: string[]): ParsedCommandLine {
  // the leading words pick the command
  const words = commandWords(commands, argv)
  const { command, used } = findCommand(commands, words)
  if (command === undefined) {
    const first = words[0]
    if (first === undefined) throw new UnknownCommandError('no command given; try "tsipfs --help"')
    throw new UnknownCommandError(`unknown command "${words.join(' ')}"; try "tsipfs --help"`)
  }
  const defs = optionsFor(command)
  const options: Options = {}
  const args: string[] = []
  const rest = argv
  let skip = used
  let onlyArgs = false
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string
    if (skip > 0 && !a.startsWith('-')) {
      skip--
      continue
    }
    if (onlyArgs || !a.startsWith('-') || a === '-') {
      args.push(a)
      continue
    }
    if (a === '--') {
      onlyArgs = true
      continue
    }
    const long = a.startsWith('--')
    const body = a.slice(long ? 2 : 1)
    const eq = body.indexOf('=')
    const name = eq === -1 ? body : body.slice(0, eq)
    if (!long && eq === -1 && body.length > 1 && lookup(defs, body) === undefined) {
      i = shortGroup(defs, body, rest, i, options)
      continue
    }
    const def = lookup(defs, name)
    if (def === undefined) {
      throw new InvalidArgumentError(`unknown option "${name}"`)
    }
    let value: string | boolean
    if (eq !== -1) {
      value = body.slice(eq + 1)
    } else if (def.type === 'bool') {
      value = true
    } else {
      const next = rest[i + 1]
      if (next === undefined) throw new InvalidArgumentError(`missing value for option "${name}"`)
      value = next
      i++
    }
    options[def.name] = coerceOption(def, value, options[def.name])
  }
  return { command, path: command.path, args, options }
}
