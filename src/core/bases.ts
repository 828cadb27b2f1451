/**
 * Multibases as Kubo reads them (go-multibase): by name or one-character prefix, and the base a text starts
 * with. Only multiformats' table: the command tree uses it at start-up.
 */
import { bases } from 'multiformats/basics'
import type { MultibaseCodec } from 'multiformats/bases/interface'
import { UnsupportedError } from './errors.ts'

export const MULTIBASES = Object.values(bases) as Array<MultibaseCodec<string>>

/** The multibase whose prefix is the text's first character (a code point: base256emoji's is 🚀), if any */
export function baseOfText (text: string): MultibaseCodec<string> | undefined {
  const first = text.codePointAt(0)
  if (first === undefined) return undefined
  const prefix = String.fromCodePoint(first)
  return MULTIBASES.find(b => b.prefix === prefix)
}

/** A multibase by its name or by its one-character prefix (go-multibase's EncoderByName) */
export function baseByName (name: string): MultibaseCodec<string> {
  const base = [...name].length === 1 ? MULTIBASES.find(b => b.prefix === name) : MULTIBASES.find(b => b.name === name)
  if (base === undefined) throw new UnsupportedError(name === '' ? 'empty multibase encoding' : `unsupported multibase encoding: ${name}`)
  return base
}
