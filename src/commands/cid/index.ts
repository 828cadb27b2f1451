import { command, type Command } from '../command.ts'
import type * as CidTools from '../../core/cid.ts'
import type { CidInspectOut } from '../../core/cid-inspect.ts'
import { InvalidArgumentError, toTsipfsError } from '../../core/errors.ts'

interface FormatOut { CidStr: string, Formatted: string, ErrorMsg: string }

/** The CID tools and codecs, loaded by the command that runs (not by every CLI start) */
const core = async (): Promise<typeof CidTools> => await import('../../core/cid.ts')

type Convert = (cid: string, convertCid: typeof CidTools.convertCid) => string

/** One result per CID, errors included as Kubo reports them (the response itself does not fail) */
async function * convertEach (args: string[], convert: Convert): AsyncGenerator<FormatOut> {
  const { convertCid } = await core()
  for (const a of args) {
    try {
      yield { CidStr: a, Formatted: convert(a, convertCid), ErrorMsg: '' }
    } catch (err) {
      yield { CidStr: a, Formatted: '', ErrorMsg: toTsipfsError(err).message }
    }
  }
}

/**
 * Kubo's PostRun (streamResult), whatever --enc says: each CID on stdout, each failure on stderr, and then the
 * command fails if any did
 */
async function printEach (results: AsyncIterable<FormatOut>): Promise<void> {
  let failed = false
  for await (const r of results) {
    if (r.ErrorMsg !== '') {
      failed = true
      process.stderr.write(`${r.CidStr}: ${r.ErrorMsg}\n`)
    } else {
      process.stdout.write(`${r.Formatted}\n`)
    }
  }
  if (failed) throw new InvalidArgumentError('errors while displaying some entries')
}

/** The options Kubo checks before any CID: the format string, the codec, the version and the base */
async function checkFormatOptions (options: Record<string, unknown>): Promise<void> {
  const { checkFormat, baseByName } = await core()
  checkFormat(String(options.f))
  let codec: number | undefined
  if (typeof options.mc === 'string' && options.mc !== '') {
    const { codecCode } = await import('../../core/blocks/codecs.ts')
    codec = codecCode(options.mc)
  }
  const base = typeof options.b === 'string' && options.b !== '' ? options.b : undefined
  // a string, as in Kubo: '0', '1' or nothing ('' too)
  const version = options.v === undefined || options.v === '' ? undefined : String(options.v)
  if (version === '0') {
    if (codec !== undefined && codec !== 0x70) throw new InvalidArgumentError('cannot convert to CIDv0 with any codec other than dag-pb')
    if (base !== undefined && base !== 'base58btc') throw new InvalidArgumentError('cannot convert to CIDv0 with any multibase other than the implicit base58btc')
  } else if (version !== undefined && version !== '1') {
    throw new InvalidArgumentError(`invalid cid version: ${JSON.stringify(version)}`)
  }
  if (base !== undefined) baseByName(base)
}

const format = command<FormatOut>({
  path: ['cid', 'format'],
  tagline: 'Format and convert a CID in various useful ways.',
  description: `
Format and converts <cid>'s in various useful ways.

For a human-readable breakdown of a CID, see 'tsipfs cid inspect'.

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
    { name: 'v', type: 'string', description: 'CID version to convert to.' },
    { name: 'mc', type: 'string', description: 'CID multicodec to convert to.' },
    { name: 'b', type: 'string', description: 'Multibase to display CID in.' }
  ],
  output: 'stream',
  repo: 'none',
  async * run ({ args, options }) {
    await checkFormatOptions(options)
    yield * convertEach(args, (a, convertCid) => convertCid(a, { format: String(options.f), version: options.v === undefined || options.v === '' ? undefined : Number(options.v), codec: options.mc as string | undefined, base: options.b as string | undefined }))
  },
  text: (out) => (out.ErrorMsg !== '' ? `${out.CidStr}: ${out.ErrorMsg}\n` : `${out.Formatted}\n`),
  consume: printEach
})

const base32 = command<FormatOut>({
  path: ['cid', 'base32'],
  tagline: 'Convert CIDs to Base32 CID version 1.',
  description: "'tsipfs cid base32' normalizes passed CIDs to their canonical case-insensitive encoding: CIDv1 in base32.",
  args: [{ name: 'cid', type: 'string', required: true, variadic: true, stdin: true, description: 'CIDs to convert.' }],
  output: 'stream',
  repo: 'none',
  run: ({ args }) => convertEach(args, (a, convertCid) => convertCid(a, { version: 1, base: 'base32' })),
  text: (out) => (out.ErrorMsg !== '' ? `${out.CidStr}: ${out.ErrorMsg}\n` : `${out.Formatted}\n`),
  consume: printEach
})

interface CodeAndName { Code: number, Name: string }

function listText (numeric: boolean) {
  return (out: CodeAndName[]): string => out.map(e => numeric ? `${String(e.Code).padStart(5)}  ${e.Name}` : e.Name).join('\n') + '\n'
}

/**
 * Kubo's `cid bases` text: sorted by prefix letter, ignoring case, the lowercase one first; the prefix shown
 * (a blank for one that does not print), the code 7 wide
 */
function basesText (out: CodeAndName[], prefix: boolean, numeric: boolean): string {
  const lower = (c: number): number => String.fromCodePoint(c).toLowerCase().codePointAt(0) as number
  const sorted = [...out].sort((a, b) => (lower(a.Code) - lower(b.Code)) || (b.Code - a.Code))
  return sorted.map(e => {
    const p = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(e.Code)) ? String.fromCodePoint(e.Code) : ' '
    if (prefix && numeric) return `${p} ${String(e.Code).padStart(7)}  ${e.Name}\n`
    if (prefix) return `${p}  ${e.Name}\n`
    if (numeric) return `${String(e.Code).padStart(7)}  ${e.Name}\n`
    return `${e.Name}\n`
  }).join('')
}

const basesCmd = command<CodeAndName[]>({
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
    // Kubo's entries are a code and a name
    return MULTIBASES.map(b => ({ Code: b.prefix.codePointAt(0) as number, Name: b.name }))
  },
  text: (out, options) => basesText(out, options.prefix === true, options.numeric === true)
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
  text: (out, options) => listText(options.numeric === true)(out)
})

const hashes = command<CodeAndName[]>({
  path: ['cid', 'hashes'],
  tagline: 'List available multihashes.',
  options: [
    { name: 'numeric', aliases: ['n'], type: 'bool', default: false, description: 'also include numeric codes' },
    { name: 'supported', aliases: ['s'], type: 'bool', default: false, description: 'list only hashes supported by tsipfs commands' }
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
  text: (out, options) => listText(options.numeric === true)(out)
})

const inspect = command<CidInspectOut>({
  path: ['cid', 'inspect'],
  tagline: 'Inspect and display detailed information about a CID.',
  description: `
'tsipfs cid inspect' breaks down a CID and displays its components:
- CID version (0 or 1)
- Multibase encoding (explicit for CIDv1, implicit for CIDv0)
- Multicodec (DAG type)
- Multihash (hash algorithm, length, and digest)
- Equivalent CIDv0 and CIDv1 representations

For CIDv0, multibase, multicodec, and multihash are marked as
implicit because they are not explicitly encoded in the binary.

If a PeerID string is provided instead of a CID, a helpful error
with the equivalent CID representation is returned.

Use --enc=json for machine-readable output same as the HTTP RPC API:
a CID that does not decode is then answered with its "errorMsg"
(exit status 0), where the text output fails with it.`,
  args: [{ name: 'cid', type: 'string', required: true, stdin: true, description: 'CID to inspect.' }],
  output: 'value',
  repo: 'none',
  async run ({ args }) {
    const { inspectCid } = await import('../../core/cid-inspect.ts')
    return inspectCid(args[0] as string)
  },
  text (out) {
    // Kubo's text encoder fails with the error the answer carries
    if (out.errorMsg !== undefined && out.errorMsg !== '') throw new InvalidArgumentError(out.errorMsg)
    return inspectText(out)
  }
})

/** Kubo's text for `cid inspect` (here: the command tree must not load the decoder at start-up) */
function inspectText (res: CidInspectOut): string {
  const implicit = res.version === 0 ? ', implicit' : ''
  const mc = res.multicodec
  const mh = res.multihash
  const lines = [
    `CID:        ${res.cid}`,
    `Version:    ${res.version}`,
    res.version === 0 ? `Multibase:  ${res.multibase.name} (implicit)` : `Multibase:  ${res.multibase.name} (${res.multibase.prefix})`,
    `Multicodec: ${mc.name} (0x${mc.code.toString(16)}${implicit})`,
    `Multihash:  ${mh.name} (0x${mh.code.toString(16)}${implicit})`,
    `  Length:   ${mh.length} bytes`,
    `  Digest:   ${mh.digest}`
  ]
  if (res.cidV0 !== undefined && res.cidV0 !== '') lines.push(`CIDv0:      ${res.cidV0}`)
  else if (mc.code !== 0x70) lines.push(`CIDv0:      not possible, requires dag-pb (0x70), got ${mc.name} (0x${mc.code.toString(16)})`)
  else if (mh.code !== 0x12) lines.push(`CIDv0:      not possible, requires sha2-256 (0x12), got ${mh.name} (0x${mh.code.toString(16)})`)
  else if (mh.length !== 32) lines.push(`CIDv0:      not possible, requires 32-byte digest, got ${mh.length}`)
  lines.push(`CIDv1:      ${res.cidV1}`)
  return lines.join('\n') + '\n'
}

export default [inspect, format, base32, basesCmd, codecs, hashes] as Command[]
