/**
 * A command is data: its path, arguments, options, help, a `run` that calls only the core API, and a text
 * encoder. The CLI parser, `--help`, the /api/v0 router and docs/commands.md are all generated from these.
 */
import type { TsipfsNode } from '../core/node.ts'

export type OptionType = 'bool' | 'string' | 'int' | 'uint' | 'strings'

export interface OptionDef {
  /** Kebab-case name as Kubo spells it (`cid-version`) */
  name: string
  aliases?: string[]
  type: OptionType
  default?: boolean | string | number | string[]
  description: string
}

export interface ArgDef {
  name: string
  /** `file` arguments name local files (CLI) or multipart parts (RPC); `string` ones are plain text */
  type: 'string' | 'file'
  required?: boolean
  variadic?: boolean
  /** The argument may be read from stdin when not given on the command line */
  stdin?: boolean
  description: string
}

/** One entry of a file input: a file, a directory or a symlink, with its path relative to the input root */
export interface InputEntry {
  path: string
  type: 'file' | 'directory' | 'symlink'
  content?: AsyncIterable<Uint8Array>
  /** a file's size, where known before reading it (local files) */
  size?: number
  target?: string
  mode?: number
  mtime?: { secs: bigint, nsecs?: number }
}

export type Options = Record<string, unknown>

export interface ProgressEvent {
  type: string
  detail?: unknown
}

export interface RunContext {
  node: TsipfsNode
  /** Positional string arguments, in order (variadic ones flattened) */
  args: string[]
  options: Options
  /** File inputs, for commands with a `file` argument */
  files?: AsyncIterable<InputEntry>
  signal: AbortSignal
  onProgress?: (event: ProgressEvent) => void
  /** Where the command runs: in the CLI process on the repo, or in the daemon */
  mode: 'local' | 'daemon'
  /** In the daemon: stop it (the `shutdown` command) */
  shutdown?: () => void
  /**
   * A `stream` command that may wait long before its first result (`pubsub sub`) calls this once it is set
   * up: the RPC server then sends the response headers at once, as Kubo flushes them
   */
  ready?: () => void
  /**
   * A `bytes` command states how many bytes it is about to write (Kubo's res.SetLength), before its first
   * result: the RPC server sends it as X-Content-Length, and the CLI's `consume` sizes a progress bar with it
   */
  setLength?: (bytes: number) => void
}

/** A progress bar on the terminal's stderr, drawn every 200 ms from its start (src/cli/progress-bar.ts) */
export interface OutputBar {
  /** bytes done: more of them, or all so far */
  add: (bytes: number) => void
  set: (bytes: number) => void
  /** clear the bar's line (and stop drawing it) */
  clear: () => void
  /** draw the last frame, which stays */
  finish: () => void
}

/** What the CLI hands a command's `consume` */
export interface ConsumeContext {
  /** The length the command stated (RunContext.setLength), known once the first result (or the end) has arrived */
  length: () => number | undefined
  /**
   * A progress bar for `total` bytes, or nothing when none is to be drawn: as Kubo, one is drawn when stderr
   * is a terminal unless --progress=false
   */
  bar: (total: number) => OutputBar | undefined
}

/**
 * How results travel: `value` one JSON value; `stream` many values (NDJSON on the wire); `bytes` raw output
 * (X-Stream-Output on the wire).
 */
export type OutputKind = 'value' | 'stream' | 'bytes'

export interface Command<Out = unknown> {
  /** e.g. ['pin', 'add'] */
  path: string[]
  tagline: string
  description?: string
  args?: ArgDef[]
  options?: OptionDef[]
  output: OutputKind
  /** Does the command need the repo opened (and the lock)? `init`, `cid …` and `version` do not. */
  repo?: 'none' | 'read' | 'write'
  /** The command only makes sense on a running daemon */
  daemonOnly?: boolean
  /** Run against the core API. `value` commands return one result, the others an async iterable */
  run(ctx: RunContext): Promise<Out> | AsyncIterable<Out>
  /** Text output for one result. Absent: JSON. */
  text?(out: Out, options: Options, args: string[]): string
  /** The text output is binary, one byte per character (`routing get` prints a raw record) */
  textIsBinary?: boolean
  /**
   * For results that are progress events: the bytes done so far of the named input, which the CLI draws as a
   * progress bar on a terminal's stderr (src/cli/progress-bar.ts), or a status line the CLI rewrites in place
   * on stderr
   */
  progress?(out: Out): { name: string, bytes: number } | { line: string } | undefined
  /**
   * The CLI's side of the command (Kubo's PostRun), for results not printed as they come: `get` extracts the
   * tar stream the command produces (locally or from the daemon) into files, `cat` writes its bytes with a
   * progress bar. Runs in the CLI process only.
   */
  consume?(results: AsyncIterable<Out>, options: Options, args: string[], cli: ConsumeContext): Promise<void>
  /** Only the CLI runs it (init, daemon): it has no /api/v0 endpoint */
  cliOnly?: boolean
  /**
   * How the CLI writes the positional arguments into the RPC URL (Kubo's PreRun): the pubsub commands send
   * topics multibase-encoded (base64url), and their `run` decodes them
   */
  encodeArgs?(args: string[]): string[]
}

/** Define a command with its output type inferred */
export function command<Out> (cmd: Command<Out>): Command<Out> {
  return cmd
}

/** Options every command accepts (Kubo's global options) */
export const GLOBAL_OPTIONS: OptionDef[] = [
  { name: 'encoding', aliases: ['enc'], type: 'string', default: 'text', description: 'The encoding type the output should be encoded with (json, text).' },
  { name: 'help', aliases: ['h'], type: 'bool', default: false, description: 'Show the full command help text.' },
  { name: 'timeout', type: 'string', description: 'Set a global timeout on the command.' },
  { name: 'cid-base', type: 'string', description: 'Multibase encoding for CIDs in output. CIDv0 is automatically converted to CIDv1 when a base other than base58btc is specified.' },
  { name: 'upgrade-cidv0-in-output', type: 'bool', description: '[DEPRECATED] Upgrade version 0 to version 1 CIDs in output.' },
  { name: 'repo-dir', type: 'string', description: 'Path to the repository directory to use (default $IPFS_PATH or ~/.tsipfs).' },
  { name: 'api', type: 'string', description: 'Use a specific API instance (multiaddr, defaults to the one in $IPFS_PATH/api).' },
  { name: 'offline', type: 'bool', description: 'Run the command offline.' },
  { name: 'debug', aliases: ['D'], type: 'bool', default: false, description: 'Operate in debug mode.' }
]
