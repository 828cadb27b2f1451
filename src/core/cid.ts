/** CID inspection and conversion for the `cid` commands: Kubo's %-format, bases, codecs and hashes. */
import { CID } from 'multiformats/cid'
import { bases } from 'multiformats/basics'
import type { MultibaseCodec } from 'multiformats/bases/interface'
import { parseCid } from './path.ts'
import { codecCode } from './blocks/codecs.ts'
import { supportedHashers } from './blocks/hashers.ts'
import { InvalidArgumentError } from './errors.ts'
import { MULTIBASES, baseByName, baseOfText } from './bases.ts'

export { MULTIBASES, baseByName }

/** The multihash names Kubo 0.42 lists in `cid hashes` (go-multihash's table: blake2b and blake2s in 8-bit steps) */
export const HASH_NAMES: Record<number, string> = {
  0x00: 'identity', 0x11: 'sha1', 0x12: 'sha2-256', 0x13: 'sha2-512', 0x14: 'sha3-512', 0x15: 'sha3-384',
  0x16: 'sha3-256', 0x17: 'sha3-224', 0x19: 'shake-256', 0x1a: 'keccak-224',
  0x1b: 'keccak-256', 0x1c: 'keccak-384', 0x1d: 'keccak-512', 0x1e: 'blake3', 0x56: 'dbl-sha2-256'
}
for (let bits = 160; bits <= 512; bits += 8) HASH_NAMES[0xb200 + bits / 8] = `blake2b-${bits}`
for (let bits = 160; bits <= 256; bits += 8) HASH_NAMES[0xb240 + bits / 8] = `blake2s-${bits}`

/** Names `cid format` %h also knows, beyond the listed ones */
const MORE_HASH_NAMES: Record<number, string> = { 0x18: 'shake-128', 0x22: 'murmur3-x64-64' }

/** Codec names Kubo lists in `cid codecs` (the common multicodec table entries) */
export const CODEC_NAMES: Record<number, string> = {
  0x55: 'raw', 0x70: 'dag-pb', 0x71: 'dag-cbor', 0x72: 'libp2p-key', 0x78: 'git-raw', 0x7b: 'torrent-info',
  0x7c: 'torrent-file', 0x81: 'leofcoin-block', 0x82: 'leofcoin-tx', 0x83: 'leofcoin-pr', 0x85: 'dag-jose',
  0x86: 'dag-cose', 0x90: 'eth-block', 0x91: 'eth-block-list', 0x92: 'eth-tx-trie', 0x93: 'eth-tx',
  0x94: 'eth-tx-receipt-trie', 0x95: 'eth-tx-receipt', 0x96: 'eth-state-trie', 0x97: 'eth-account-snapshot',
  0x98: 'eth-storage-trie', 0xb0: 'bitcoin-block', 0xb1: 'bitcoin-tx', 0xc0: 'zcash-block', 0xc1: 'zcash-tx',
  0xd0: 'stellar-block', 0xd1: 'stellar-tx', 0xe0: 'decred-block', 0xe1: 'decred-tx', 0xf0: 'dash-block',
  0xf1: 'dash-tx', 0x0129: 'dag-json', 0x0200: 'json', 0x51: 'cbor', 0x80: 'blake3-hashseq',
  0x99: 'eth-receipt-log-trie', 0x9a: 'eth-receipt-log', 0xb2: 'bitcoin-witness-commitment', 0xfa: 'swarm-manifest',
  0xfb: 'swarm-feed', 0xfc: 'beeson', 0x01f0: 'swhid-1-snp', 0xb403: 'rdfc-1', 0xb601: 'json-jcs'
}

/** Kubo's `cid format` specifiers (go-cidutil Format) */
const SPECIFIERS = '%sSbBvVcCdDhHLmMP'

/** The format string's mistakes, as go-cidutil says them (Kubo fails on them before any CID) */
export function checkFormat (format: string): void {
  if (!format.includes('%')) throw new InvalidArgumentError(`invalid format string: ${JSON.stringify(format)}`)
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue
    i++
    if (i >= format.length) throw new InvalidArgumentError('premature end of format string')
    if (!SPECIFIERS.includes(format[i] as string)) throw new InvalidArgumentError(`unrecognized specifier in format string: %${format[i] as string}`)
  }
}

/** Kubo's `cid format` placeholders */
export function formatCidString (cid: CID, format: string, base: MultibaseCodec<string>): string {
  const mh = cid.multihash
  const name = (code: number, table: Record<number, string>): string => table[code] ?? MORE_HASH_NAMES[code] ?? `0x${code.toString(16)}`
  return format.replace(/%([%sSbBvVcCdDhHLmMP])/g, (_all, c: string) => {
    switch (c) {
      case '%': return '%'
      case 's': return cid.version === 0 ? cid.toString() : cid.toString(base.encoder)
      case 'S': return cid.version === 0 ? cid.toString() : cid.toString(base.encoder).slice(1)
      case 'b': return cid.version === 0 ? 'base58btc' : base.name
      case 'B': return cid.version === 0 ? 'z' : base.prefix
      case 'v': return `cidv${cid.version}`
      case 'V': return String(cid.version)
      case 'c': return name(cid.code, CODEC_NAMES)
      case 'C': return String(cid.code)
      case 'h': return name(mh.code, HASH_NAMES)
      case 'H': return String(mh.code)
      case 'L': return String(mh.size)
      case 'm': return base.encoder.encode(mh.bytes)
      case 'M': return base.encoder.encode(mh.bytes).slice(1)
      case 'd': return base.encoder.encode(mh.digest)
      case 'D': return base.encoder.encode(mh.digest).slice(1)
      case 'P': return `cidv${cid.version}-${name(cid.code, CODEC_NAMES)}-${name(mh.code, HASH_NAMES)}-${mh.size}`
      default: return ''
    }
  })
}

/** Convert a CID string per `cid format -v/--mc/-b` */
export function convertCid (text: string, options: { version?: number, codec?: string, base?: string, format?: string }): string {
  let cid = parseCid(text)
  if (options.codec !== undefined && options.codec !== '') {
    const code = codecCode(options.codec)
    cid = cid.version === 0 && code !== 0x70 ? CID.createV1(code, cid.multihash) : CID.create(cid.version, code, cid.multihash)
  }
  if (options.version === 1) cid = cid.toV1()
  else if (options.version === 0) {
    if (cid.code !== 0x70 || cid.multihash.code !== 0x12) throw new InvalidArgumentError(`can't convert non-dag-pb nodes to cidv0`)
    cid = cid.toV0()
  } else if (options.version !== undefined) throw new InvalidArgumentError(`invalid cid version: ${options.version}`)
  if (options.base !== undefined && options.base !== '' && cid.version === 0) {
    if (options.version === 0) throw new InvalidArgumentError('cannot use base other than base58btc with cid version 0')
    cid = cid.toV1()
  }
  // without -b, the output keeps the input's multibase (base58btc for a CIDv0), as Kubo does
  const inputBase = text.trim().startsWith('Qm') ? bases.base58btc : baseOfText(text.trim()) ?? bases.base32
  const base = options.base !== undefined && options.base !== '' ? baseByName(options.base) : inputBase
  return formatCidString(cid, options.format ?? '%s', base as MultibaseCodec<string>)
}

export { supportedHashers }
