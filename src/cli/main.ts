/**
 * The `tsipfs` CLI: argv → command tree → run → print. Errors print as one `Error: …` line on stderr with
 * exit status 1; a stack trace only with --debug.
 */
import { commands } from '../commands/index.ts'
import { parseCommandLine, withDefaults, findCommand, commandWords } from './parse.ts'
import { commandHelp, groupHelp, subcommandsOf } from './help.ts'
import { runLocal, checkArgs, repoPathFrom } from './execute.ts'
import { assertInitialized } from '../core/repo/repo.ts'
import { formatResult, encoding, write } from './output.ts'
import { localEntries, stdinEntry } from './inputs.ts'
import { FileBytes, ProgressBar } from './progress-bar.ts'
import { toTsipfsError, DaemonNotRunningError } from '../core/errors.ts'
import { findDaemon, runRemote } from './remote.ts'
import { logger } from '../core/log.ts'
import type { Command, ConsumeContext, InputEntry, Options } from '../commands/command.ts'

interface FileInputs {
  args: string[]
  files?: AsyncIterable<InputEntry>
  /** the bytes of the local files given, for a progress bar's total (a second walk of the paths) */
  size?: () => Promise<number>
}

/** Build file inputs for commands that take them: local paths, or stdin when none are given */
function fileInputs (cmd: Command, args: string[], options: Options): FileInputs {
  const fileArg = (cmd.args ?? []).find(a => a.type === 'file')
  if (fileArg === undefined) return { args }
  const stringCount = (cmd.args ?? []).filter(a => a.type === 'string').length
  const strings = args.slice(0, stringCount)
  const paths = args.slice(stringCount)
  // a file argument that may not come on stdin (config replace) is missing when no path is given, as in Kubo
  if (paths.length === 0 && fileArg.stdin !== true) return { args: strings }
  if (paths.length === 0 || (paths.length === 1 && paths[0] === '-')) {
    if (process.stdin.isTTY === true && paths.length === 0) {
      if (fileArg.required === true) return { args: strings }
    }
    const name = typeof options['stdin-name'] === 'string' && options['stdin-name'] !== '' ? options['stdin-name'] : ''
    return { args: strings, files: stdinEntry(name) }
  }
  const walk = {
    recursive: options.recursive === true,
    hidden: options.hidden === true,
    ignore: options.ignore as string[] | undefined,
    ignoreRulesPath: options['ignore-rules-path'] as string | undefined,
    preserveMode: options['preserve-mode'] === true,
    preserveMtime: options['preserve-mtime'] === true,
    dereferenceArgs: options['dereference-args'] === true,
    dereferenceSymlinks: options['dereference-symlinks'] === true
  }
  const size = async (): Promise<number> => {
    let total = 0
    for await (const entry of localEntries(paths, walk)) total += entry.size ?? 0
    return total
  }
  return { args: strings, files: localEntries(paths, walk), size }
}

/** Read string arguments from stdin for commands that allow it (e.g. `pin add` with CIDs piped in) */
async function stdinArgs (cmd: Command, args: string[]): Promise<string[]> {
  const def = (cmd.args ?? []).find(a => a.stdin === true && a.type === 'string')
  if (def === undefined || args.length > 0 || process.stdin.isTTY === true) return args
  let text = ''
  for await (const chunk of process.stdin) text += String(chunk)
  return text.split('\n').map(s => s.trim()).filter(s => s !== '')
}

/** Exit status when stdout was closed early: Kubo's (killed by SIGPIPE, 128 + 13) */
const STDOUT_CLOSED = 141
let stdoutClosed = false

export async function main (argv: string[]): Promise<number> {
  const controller = new AbortController()
  const onSignal = (): void => controller.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  // stdout closed early (`tsipfs cat <cid> | head`): stop the command and exit quietly, as Kubo does
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') return
    stdoutClosed = true
    controller.abort()
  }
  process.stdout.on('error', onStdoutError)
  let debug = argv.includes('--debug') || argv.includes('-D')
  let bar: ProgressBar | undefined
  try {
    const words = commandWords(commands, argv)
    const wantsHelp = argv.includes('--help') || argv.includes('-h') || argv[0] === 'help'
    const { command, used } = findCommand(commands, argv[0] === 'help' ? words.slice(1) : words)
    if (wantsHelp || command === undefined) {
      const path = (argv[0] === 'help' ? words.slice(1) : words).slice(0, command === undefined ? words.length : used)
      if (command !== undefined) {
        await write(process.stdout, commandHelp(commands, command))
        return 0
      }
      // a group (`pin`) or the root: list its subcommands
      let groupPath = path
      while (groupPath.length > 0 && subcommandsOf(commands, groupPath).length === 0) groupPath = groupPath.slice(0, -1)
      if (groupPath.length !== path.length && !(path.length === 0 && wantsHelp)) {
        await write(process.stderr, `Error: unknown command "${path.join(' ')}"\n\n${groupHelp(commands, groupPath)}`)
        return 1
      }
      await write(process.stdout, groupHelp(commands, groupPath))
      return wantsHelp || groupPath.length > 0 ? 0 : 1
    }
    const parsed = parseCommandLine(commands, argv)
    runningDaemon = parsed.command.path.join(' ') === 'daemon'
    const options = withDefaults(parsed.command, parsed.options)
    debug = options.debug === true
    // on a terminal, commands that report progress show it unless told not to or asked to be quiet (as Kubo's add does)
    const quiet = options.quiet === true || options.quieter === true || options.silent === true
    if (options.progress === undefined && parsed.command.progress !== undefined && process.stderr.isTTY === true && !quiet) options.progress = true
    encoding(options)
    const inputs = fileInputs(parsed.command, parsed.args, options)
    const args = await stdinArgs(parsed.command, inputs.args)
    checkArgs(parsed.command, args, inputs.files !== undefined)
    // a running daemon gets every command it serves; without one, the command runs here on the repo
    const daemon = parsed.command.cliOnly === true ? undefined : await findDaemon(options)
    if (daemon === undefined && parsed.command.daemonOnly === true) {
      // no repo at all is said first, as Kubo says it
      if (parsed.command.repo !== 'none') await assertInitialized(repoPathFrom(options))
      throw new DaemonNotRunningError()
    }
    const sent = { ...parsed.options }
    if (options.progress === true) sent.progress = true
    // the length of a `bytes` command's output, as it states it (locally) or the daemon sends it (X-Content-Length)
    let length: number | undefined
    const onLength = (n: number): void => { length = n }
    const results = daemon !== undefined
      ? runRemote(daemon, parsed.command, parsed.command.encodeArgs?.(args) ?? args, sent, inputs.files, controller.signal, onLength)
      : runLocal({ command: parsed.command, args, options, files: inputs.files, signal: controller.signal, onLength })
    if (parsed.command.consume !== undefined) {
      const cli: ConsumeContext = {
        length: () => length,
        // Kubo's bar for cat and get: on a terminal's stderr unless --progress=false
        bar: (total) => {
          if (process.stderr.isTTY !== true || options.progress === false) return undefined
          bar = new ProgressBar(process.stderr)
          bar.setTotal(total)
          bar.start()
          return bar
        }
      }
      await parsed.command.consume(results as AsyncIterable<never>, options, args, cli)
      return 0
    }
    // a progress bar on a terminal's stderr, with the local files' total size once counted (as Kubo's add)
    if (process.stderr.isTTY === true && encoding(options) === 'text' && options.progress === true && parsed.command.progress !== undefined) {
      const shown = new ProgressBar(process.stderr)
      bar = shown
      shown.draw()
      inputs.size?.().then(total => { shown.setTotal(total) }, () => {})
    }
    const counted = new FileBytes()
    for await (const value of results) {
      if (parsed.command.output === 'bytes') {
        await write(process.stdout, value as Uint8Array)
        continue
      }
      const step = options.progress === true ? parsed.command.progress?.(value) : undefined
      // a status line goes to stderr whatever the encoding (Kubo's pin add prints it so with --enc=json too);
      // add's byte counts are printed as JSON with --enc=json
      if (step !== undefined && ('line' in step || encoding(options) === 'text')) {
        if ('line' in step) {
          await write(process.stderr, `${step.line}\r`)
        } else if (bar !== undefined) {
          bar.set(counted.add(step.name, step.bytes))
          bar.draw()
        }
        continue
      }
      const text = formatResult(parsed.command, value, options, parsed.args)
      if (text === '') continue
      bar?.clear()
      await write(process.stdout, parsed.command.textIsBinary === true && encoding(options) === 'text' ? Buffer.from(text, 'latin1') : text)
      bar?.draw()
    }
    bar?.finish()
    return 0
  } catch (err) {
    if (stdoutClosed || (err as NodeJS.ErrnoException).code === 'EPIPE') {
      stdoutClosed = true
      return STDOUT_CLOSED
    }
    bar?.clear()
    const e = toTsipfsError(err)
    // interrupted (Ctrl-C, SIGTERM): Kubo's client says "canceled", whatever the command was doing
    await write(process.stderr, `Error: ${controller.signal.aborted ? 'canceled' : e.message}\n`)
    if (debug && err instanceof Error && err.stack !== undefined) await write(process.stderr, err.stack + '\n')
    return 1
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    // a write still pending may yet fail on the closed pipe: keep it quiet
    if (!stdoutClosed) process.stdout.off('error', onStdoutError)
  }
}

// A safety net: whatever escapes a command is still one line on stderr and exit status 1, never a stack
// trace. In the daemon, a rejection nobody awaited (a library's read-ahead cancelled with its request) is
// logged and the daemon goes on serving.
const unhandled = logger('tsipfs:unhandled')
let runningDaemon = false
process.on('unhandledRejection', (err) => {
  if (stdoutClosed) process.exit(STDOUT_CLOSED)
  if (runningDaemon) {
    unhandled.warn(toTsipfsError(err).message)
    return
  }
  process.stderr.write(`Error: ${toTsipfsError(err).message}\n`)
  process.exit(1)
})
// A socket error a library failed to listen for (seen: @libp2p/tcp removes its error listener when a dial
// is aborted, and the connection reset that follows is thrown here) must not take the daemon down
const SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'])
process.on('uncaughtException', (err) => {
  if (stdoutClosed || (err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(STDOUT_CLOSED)
  if (runningDaemon && SOCKET_ERRORS.has((err as { code?: string }).code ?? '')) {
    unhandled.warn(toTsipfsError(err).message)
    return
  }
  process.stderr.write(`Error: ${toTsipfsError(err).message}\n`)
  process.exit(1)
})
process.exitCode = await main(process.argv.slice(2))
