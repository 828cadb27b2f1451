import { command, type Command } from '../command.ts'
import type * as CidTools from '../../core/cid.ts'
import { InvalidArgumentError, toTsipfsError } from '../../core/errors.ts'

interface FormatOut { CidStr: string, Formatted: string, ErrorMsg: string }

/** The CID tools and codecs, loaded by the command that runs (not by every CLI start) */
const core = async (): Promise<typeof CidTools> => await import('../../core/cid.ts')

type Convert = (cid: string, convertCid: typeof CidTools.convertCid) => string

/** One result per CID, errors included as Kubo reports them; the command fails after if any did */

async function * convertEach (args: string[], convert: Convert): AsyncGenerator<FormatOut> {
  const { convertCid } = await core()
  let failed = false
  for (const a of args) {
    try {
      yield { CidStr: a, Formatted: convert(a, convertCid), ErrorMsg: '' }
    } catch (err) {
      failed = true
      yield { CidStr: a, Formatted: '', ErrorMsg: toTsipfsError(err).message }
    }
  }
  if (failed) throw new InvalidArgumentError('errors while displaying some entries')
}

const format = command<FormatOut>({
  path: ['cid', 'format'],
  tagline: 'Format and convert a CID in various useful ways.',
  description: `
Format and converts <cid>'s in various useful ways.

The optional format string is a printf style format string:
  %% literal %
  %b multibase name
  %B multibase code
  %v version string
  %V version number
  %c codec name
  %C codec code
  %h multihash name
  %H multihash code
  %L hash digest length
  %m multihash encoded in base %b (with multibase prefix)
  %M multihash encoded in base %b without multibase prefix
  %d hash digest encoded in base %b (with multibase prefix)
  %D hash digest encoded in base %b without multibase prefix
  %s cid string encoded in base %b (1)
  %S cid string encoded in base %b without multibase prefix
  %P cid prefix: %v-%c-%h-%L`,
  args: [{ name: 'cid', type: 'string', required: true, variadic: true, stdin: true, description: 'CIDs to format.' }],
  options: [
    { name: 'f', type: 'string', default: '%s', description: 'Printf style format string.' },
    { name: 'v', type: 'int', description: 'CID version to convert to.' },
    { name: 'mc', type: 'string', description: 'CID multicodec to convert to.' },
    { name: 'b', type: 'string', description: 'Multibase to display CID in.' }
  ],
  output: 'stream',
  repo: 'none',
  run: ({ args, options }) => convertEach(args, (a, convertCid) => convertCid(a, { format: String(options.f), version: options.v as number | undefined, codec: options.mc as string | undefined, base: options.b as string | undefined })),
  text: (out) => (out.ErrorMsg !== '' ? `${out.CidStr}: ${out.ErrorMsg}\n` : `${out.Formatted}\n`)
})

const base32 = command<FormatOut>({
  path: ['cid', 'base32'],
  tagline: 'Convert CIDs to Base32 CID version 1.',
  description: "'tsipfs cid base32' normalizes passed CIDs to their canonical case-insensitive encoding: CIDv1 in base32.",
  args: [{ name: 'cid', type: 'string', required: true, variadic: true, stdin: true, description: 'CIDs to convert.' }],
  output: 'stream',
  repo: 'none',
  run: ({ args }) => convertEach(args, (a, convertCid) => convertCid(a, { version: 1, base: 'base32' })),
  text: (out) => (out.ErrorMsg !== '' ? `${out.CidStr}: ${out.ErrorMsg}\n` : `${out.Formatted}\n`)
})

interface CodeAndName { Code: number, Name: string }

function listText (prefix: boolean, numeric: boolean) {
  return (out: Array<CodeAndName & { Prefix?: string }>): string => out.map(e => {
    if (prefix && e.Prefix !== undefined) return numeric ? `${e.Prefix} ${String(e.Code).padStart(5)}  ${e.Name}` : `${e.Prefix}  ${e.Name}`
    return numeric ? `${String(e.Code).padStart(5)}  ${e.Name}` : e.Name
  }).join('\n') + '\n'
}

const basesCmd = command<Array<CodeAndName & { Prefix: string }>>({
  path: ['cid', 'bases'],
  tagline: 'List available multibase encodings.',
  options: [
    { name: 'prefix', type: 'bool', default: false, description: 'also include the single letter prefixes in addition to the code' },
    { name: 'numeric', type: 'bool', default: false, description: 'also include numeric codes' }
  ],
  output: 'value',
  repo: 'none',
  async run () {
    const { MULTIBASES } = await core()
    return MULTIBASES.map(b => ({ Code: b.prefix.codePointAt(0) as number, Name: b.name, Prefix: b.prefix }))
      .sort((a, b) => a.Name.localeCompare(b.Name))
  },
  text: (out, options) => listText(options.prefix === true, options.numeric === true)(out)
})

const codecs = command<CodeAndName[]>({
  path: ['cid', 'codecs'],
  tagline: 'List available CID multicodecs.',
  options: [
    { name: 'numeric', aliases: ['n'], type: 'bool', default: false, description: 'also include numeric codes' },
    { name: 'supported', aliases: ['s'], type: 'bool', default: false, description: 'list only codecs supported by tsipfs commands' }
  ],
  output: 'value',
  repo: 'none',
  async run ({ options }) {
    const { CODEC_NAMES } = await core()
    const { CODECS } = await import('../../core/blocks/codecs.ts')
    // decodable codecs, plus those `block put` stores as given
    const supported = new Set<number>([...CODECS.map(c => c.code), 0x51, 0x72, 0x78])
    return Object.entries(CODEC_NAMES)
      .map(([code, name]) => ({ Code: Number(code), Name: name }))
      .filter(c => options.supported !== true || supported.has(c.Code))
      .sort((a, b) => a.Code - b.Code)
  },
  text: (out, options) => listText(false, options.numeric === true)(out)
})

const hashes = command<CodeAndName[]>({
  path: ['cid', 'hashes'],
  tagline: 'List available multihashes.',
  options: [
    { name: 'numeric', type: 'bool', default: false, description: 'also include numeric codes' },
    { name: 'supported', type: 'bool', default: false, description: 'list only hashes supported by tsipfs commands' }
  ],
  output: 'value',
  repo: 'none',
  async run ({ options }) {
    const { HASH_NAMES, supportedHashers } = await core()
    const supported = new Set<number>(supportedHashers().map(h => h.code))
    return Object.entries(HASH_NAMES)
      .map(([code, name]) => ({ Code: Number(code), Name: name }))
      .filter(h => options.supported !== true || supported.has(h.Code))
      .sort((a, b) => a.Code - b.Code)
  },
  text: (out, options) => listText(false, options.numeric === true)(out)
})

export default [format, base32, basesCmd, codecs, hashes] as Command[]
