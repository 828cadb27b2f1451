import { command, type Command } from '../command.ts'
import { InvalidArgumentError, DaemonNotRunningError } from '../../core/errors.ts'
import { getLevel, setLevel, subsystems, tail, type LogEntry } from '../../core/log.ts'

const ls = command({
  path: ['log', 'ls'],
  tagline: 'List the logging subsystems.',
  output: 'value',
  repo: 'none',
  async run () {
    return { Strings: subsystems() }
  },
  text: (out) => out.Strings.join('\n') + '\n'
})

const level = command({
  path: ['log', 'level'],
  tagline: 'Change the logging level.',
  description: "Change the verbosity of one logging subsystem, or of all with 'all'. Levels: debug, info, warn, error, dpanic, panic, fatal. With only a subsystem, prints its level.",
  args: [
    { name: 'subsystem', type: 'string', required: true, description: "The subsystem logging identifier. Use 'all' for all subsystems." },
    { name: 'level', type: 'string', description: 'The log level, with debug the most verbose and fatal the least verbose.' }
  ],
  output: 'value',
  repo: 'none',
  async run ({ args }) {
    const [subsystem, lvl] = args as [string, string | undefined]
    if (lvl === undefined) return { Message: `${subsystem}: ${getLevel(subsystem)}` }
    try {
      setLevel(subsystem, lvl)
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message)
    }
    return { Message: `Changed log level of '${subsystem}' to '${lvl}'` }
  },
  text: (out) => `${out.Message}\n`
})

const tailCmd = command<LogEntry>({
  path: ['log', 'tail'],
  tagline: 'Read the event log.',
  description: 'Outputs the daemon\'s log entries as they are written, until interrupted.',
  output: 'stream',
  repo: 'none',
  daemonOnly: true,
  async * run ({ signal, mode }) {
    if (mode !== 'daemon') throw new DaemonNotRunningError()
    yield * tail(signal)
  },
  text: (out) => `${JSON.stringify(out)}\n`
})

export default [ls, level, tailCmd] as Command[]
