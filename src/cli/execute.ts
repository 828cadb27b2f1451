/**
 * Running a parsed command. Locally: open the repo (unless the command needs none), build the run context,
 * and stream results. (Sending it to a running daemon arrives with the RPC API.)
 */
import type { Command, InputEntry, Options, RunContext } from '../commands/command.ts'
import type { TsipfsNode } from '../core/node.ts'
import { defaultRepoPath } from '../core/repo/repo.ts'
import { parseDuration } from '../core/repo/config.ts'
import { InvalidArgumentError, MissingArgumentError } from '../core/errors.ts'

export interface Invocation {
  command: Command
  args: string[]
  options: Options
  files?: AsyncIterable<InputEntry>
  signal: AbortSignal
  onProgress?: RunContext['onProgress']
  /** Told the length a `bytes` command states for its output */
  onLength?: (bytes: number) => void
}

export function repoPathFrom (options: Options): string {
  const dir = options['repo-dir']
  return typeof dir === 'string' && dir !== '' ? dir : defaultRepoPath()
}

/** Check the positional arguments against the command's declaration */
export function checkArgs (cmd: Command, args: string[], hasFiles: boolean): void {
  const defs = cmd.args ?? []
  const variadic = defs.some(d => d.variadic === true)
  const stringDefs = defs.filter(d => d.type === 'string')
  // an argument that may come on stdin is still required: by now stdin has been read (when it was not a terminal)
  const required = stringDefs.filter(d => d.required === true).length
  if (args.length < required) {
    const missing = stringDefs.filter(d => d.required === true)[args.length]
    throw new MissingArgumentError(`argument "${missing?.name ?? 'arg'}" is required`)
  }
  if (!variadic && !hasFiles && args.length > defs.length) {
    throw new InvalidArgumentError(`expected ${defs.length} argument(s), got ${args.length}`)
  }
}

/** Combine the caller's signal with --timeout */
export function signalFor (options: Options, signal: AbortSignal): AbortSignal {
  const timeout = options.timeout
  if (typeof timeout !== 'string' || timeout === '') return signal
  const ms = parseDuration(timeout)
  return ms > 0 ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : signal
}

/** Run a command in this process; the node is opened for it and closed when the results are consumed */
export async function * runLocal (inv: Invocation): AsyncGenerator<unknown> {
  let node: TsipfsNode | undefined
  try {
    if (inv.command.repo !== 'none') {
      // imported here: the node's ~600 modules are start-up CPU a command sent to the daemon, or one that
      // needs no repo, does not pay
      const { createNode } = await import('../core/node.ts')
      node = await createNode({ repoPath: repoPathFrom(inv.options) })
    }
    const ctx: RunContext = {
      node: node as TsipfsNode,
      args: inv.args,
      options: inv.options,
      files: inv.files,
      signal: signalFor(inv.options, inv.signal),
      onProgress: inv.onProgress,
      setLength: inv.onLength,
      mode: 'local'
    }
    const result = inv.command.run(ctx)
    if (inv.command.output === 'value') {
      yield await (result as Promise<unknown>)
    } else {
      yield * (result as AsyncIterable<unknown>)
    }
  } finally {
    await node?.stop()
  }
}
