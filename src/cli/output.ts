/** Printing command results: the command's text encoder, or JSON with --enc=json */
import type { Command, Options } from '../commands/command.ts'
import { InvalidArgumentError } from '../core/errors.ts'

/** JSON.stringify that writes bigint as a number and CIDs as strings */
export function toJSON (value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return Number(v)
    if (v !== null && typeof v === 'object' && (v as { asCID?: unknown }).asCID === v) return { '/': String(v) }
    return v
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
