/**
 * Turning an HTTP request into a command invocation, as Kubo's RPC API (go-ipfs-cmds) reads it: the path
 * names the command, `arg` is repeated, options are query parameters by name or alias (`?flag` means true,
 * unknown ones are ignored), and file arguments arrive as multipart/form-data parts.
 */
import type { IncomingMessage } from 'node:http'
import type { Command, InputEntry, Options } from '../commands/command.ts'
import { coerceOption, optionsFor, withDefaults } from '../cli/parse.ts'
import { InvalidArgumentError, TooLargeError } from '../core/errors.ts'
import { readMultipart } from './multipart.ts'

/** Limits on what one request may carry outside of file bodies */
export const MAX_ARGS = 1024
export const MAX_ARG_LENGTH = 64 * 1024

export function parseQuery (cmd: Command, params: URLSearchParams): { args: string[], options: Options } {
  const args = params.getAll('arg')
  if (args.length > MAX_ARGS) throw new TooLargeError(`too many arguments (at most ${MAX_ARGS})`)
  if (args.some(a => a.length > MAX_ARG_LENGTH)) throw new TooLargeError(`argument too long (at most ${MAX_ARG_LENGTH} characters)`)
  const defs = optionsFor(cmd)
  const options: Options = {}
  for (const [key, value] of params) {
    if (key === 'arg') continue
    const def = defs.find(d => d.name === key || (d.aliases ?? []).includes(key))
    if (def === undefined) continue
    if (value.length > MAX_ARG_LENGTH) throw new TooLargeError(`option ${key} too long`)
    options[def.name] = coerceOption(def, def.type === 'bool' && value === '' ? true : value, options[def.name])
  }
  // the RPC API answers in JSON unless asked otherwise
  if (options.encoding === undefined) options.encoding = 'json'
  if (options.encoding !== 'json' && options.encoding !== 'text') throw new InvalidArgumentError(`invalid encoding: ${String(options.encoding)}`)
  return { args, options: withDefaults(cmd, options) }
}

function headerValue (h: string | string[] | undefined): string {
  return Array.isArray(h) ? h[0] ?? '' : h ?? ''
}

/** The file name of a part: `filename=` in Content-Disposition, URL-escaped by clients */
function partName (disposition: string): string {
  const m = /filename\*?="?([^";]*)"?/i.exec(disposition)
  if (m === null) return ''
  try {
    return decodeURIComponent(m[1] as string)
  } catch {
    throw new InvalidArgumentError(`invalid file name in multipart part: ${m[1] as string}`)
  }
}

function partMeta (headers: IncomingMessage['headers'], disposition: string): Pick<InputEntry, 'mode' | 'mtime'> {
  // kubo-rpc-client puts them in the part's field name: name="file?mode=0755&mtime=1600000000&mtime-nsecs=5"
  const param = (name: string): string | undefined => headerValue(headers[name]) || (new RegExp(`[?&; ]${name}="?([^";&]*)"?`, 'i').exec(disposition)?.[1])
  const out: Pick<InputEntry, 'mode' | 'mtime'> = {}
  const mode = param('mode')
  if (mode !== undefined && mode !== '') out.mode = parseInt(mode, 8)
  const mtime = param('mtime')
  if (mtime !== undefined && /^-?\d+$/.test(mtime)) {
    const nsecs = param('mtime-nsecs')
    out.mtime = { secs: BigInt(mtime), nsecs: nsecs !== undefined && /^\d+$/.test(nsecs) ? Number(nsecs) : undefined }
  }
  return out
}

/**
 * The multipart body as input entries. Directories are parts of type application/x-directory; symlinks
 * application/symlink with the target as body; a file part's name may imply parent directories, which are
 * then created as entries of their own (as Kubo does).
 */
export async function * multipartEntries (req: IncomingMessage): AsyncGenerator<InputEntry> {
  const type = headerValue(req.headers['content-type'])
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type)
  if (!type.startsWith('multipart/form-data') || boundary === null) {
    throw new InvalidArgumentError('file argument expected: send multipart/form-data')
  }
  const seenDirs = new Set<string>()
  const parents = function * (path: string): Generator<InputEntry> {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/')
      if (dir !== '' && !seenDirs.has(dir)) {
        seenDirs.add(dir)
        yield { path: dir, type: 'directory' }
      }
    }
  }
  try {
    for await (const part of readMultipart(req, (boundary[1] ?? boundary[2]) as string)) {
      const disposition = headerValue(part.headers['content-disposition'])
      const contentType = headerValue(part.headers['content-type'])
      const path = partName(disposition).replace(/^\/+/, '')
      if (path.split('/').some(s => s === '..')) throw new InvalidArgumentError(`invalid file name ${JSON.stringify(path)}`)
      yield * parents(path)
      const meta = partMeta(part.headers, disposition)
      if (contentType === 'application/x-directory') {
        for await (const _ of part.body) { /* empty */ }
        if (!seenDirs.has(path)) {
          seenDirs.add(path)
          yield { path, type: 'directory', ...meta }
        }
      } else if (contentType === 'application/symlink') {
        const chunks: Uint8Array[] = []
        for await (const c of part.body) chunks.push(c)
        yield { path, type: 'symlink', target: Buffer.concat(chunks).toString(), ...meta }
      } else {
        yield { path, type: 'file', content: part.body, ...meta }
      }
    }
  } catch (err) {
    const name = (err as Error).name
    if (name === 'InvalidArgumentError' || name === 'TooLargeError') throw err
    throw new InvalidArgumentError(`malformed multipart body: ${(err as Error).message}`)
  }
}
