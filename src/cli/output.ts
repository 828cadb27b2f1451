/** Printing command results: the command's text encoder, or JSON with --enc=json */
import type { Command, Options } from '../commands/command.ts'
import { InvalidArgumentError } from '../core/errors.ts'

/** What Go's encoding/json escapes in strings (HTML's <, > and &, and the JavaScript line separators) */
const GO_ESCAPED = /[<>&\u2028\u2029]/g

/**
 * JSON.stringify that writes bigint as a number and CIDs as strings, with the characters Go's encoding/json
 * escapes written as Kubo writes them (`refs -e --enc=json` gives "<src> -\u003e <dst>")
 */
export function toJSON (value: unknown): string {
  const json = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v)
    if (v !== null && typeof v === 'object' && (v as { asCID?: unknown }).asCID === v) return { '/': String(v) }
    return v
  })
  // these characters only ever stand inside strings, where the escape means the same
  return json === undefined ? json : json.replace(GO_ESCAPED, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Write to stdout or stderr, resolved once written (so that a large output waits for a slow reader) */
export function write (stream: NodeJS.WriteStream, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, err => { if (err != null) reject(err); else resolve() })
  })
}

export function encoding (options: Options): 'json' | 'text' {
  const enc = String(options.encoding ?? 'text')
  if (enc !== 'json' && enc !== 'text') throw new InvalidArgumentError(`invalid encoding: ${enc}`)
  return enc
}

export function formatResult (cmd: Command, value: unknown, options: Options, args: string[] = []): string {
  if (value === undefined) return ''
  if (encoding(options) === 'json' || cmd.text === undefined) return toJSON(value) + '\n'
  return cmd.text(value as never, options, args)
}
