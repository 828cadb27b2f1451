/**
 * IPNS records (ipfs/specs ipns-record): names in every textual form, routing keys, validation with a
 * clear reason, the choice of the best of several records, and `name inspect`'s view of a record.
 */
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import { base58btc } from 'multiformats/bases/base58'
import { baseOfText } from '../bases.ts'
import * as Digest from 'multiformats/hashes/digest'
import type { IPNSRecord } from 'ipns'
import { InvalidArgumentError, InvalidRecordError } from '../errors.ts'

// ipns and @libp2p/peer-id (with @libp2p/crypto under them, ~100 modules) are loaded when a record is
// read or checked, not by every command that opens the repo: names are parsed with multiformats alone

const LIBP2P_KEY = 0x72
const IDENTITY = 0x00
const SHA2_256 = 0x12

/**
 * A peer ID's multihash: sha2-256 of a public key (RSA, ECDSA), or the identity multihash of a small one
 * (Ed25519, secp256k1), which holds the key's protobuf: field 1 its type (0-3), field 2 its bytes
 */
function checkPeerMultihash (mh: Digest.Digest<number, number>): void {
  if (mh.code === SHA2_256 && mh.size === 32) return
  const d = mh.digest
  if (mh.code === IDENTITY && d.byteLength >= 4 && d[0] === 0x08 && (d[1] as number) <= 3 && d[2] === 0x12 && d[3] === d.byteLength - 4) return
  throw new Error('not the multihash of a public key')
}

/** An IPNS name in any textual form (base36/base32 CIDv1 libp2p-key, base58 peer ID `12D3…`/`Qm…`) → its CID */
export function parseIpnsName (name: string): CID {
  const text = name.replace(/^\/ipns\//, '')
  try {
    let mh: Digest.Digest<number, number>
    if (text.startsWith('1') || text.startsWith('Q')) {
      mh = Digest.decode(base58btc.baseDecode(text))
    } else {
      const base = baseOfText(text)
      if (base === undefined) throw new Error('not a base58btc multihash or a multibase CID')
      const cid = CID.decode(base.decoder.decode(text))
      if (cid.code !== LIBP2P_KEY) throw new Error(`a CID of codec 0x${cid.code.toString(16)}, not libp2p-key`)
      mh = cid.multihash
    }
    checkPeerMultihash(mh)
    return CID.createV1(LIBP2P_KEY, mh)
  } catch (err) {
    throw new InvalidArgumentError(`invalid IPNS name ${JSON.stringify(name)}: ${(err as Error).message}`)
  }
}

/** The canonical text form of a name: CIDv1 libp2p-key in base36 */
export function canonicalName (cid: CID): string {
  return cid.toString(base36)
}

/** `/ipns/` + the name's multihash, the key under which routing keeps its records */
export function routingKey (cid: CID): Uint8Array {
  const prefix = new TextEncoder().encode('/ipns/')
  const out = new Uint8Array(prefix.byteLength + cid.multihash.bytes.byteLength)
  out.set(prefix)
  out.set(cid.multihash.bytes, prefix.byteLength)
  return out
}

/** Check a record for a name: size, protobuf/CBOR agreement, key matching the name, V2 signature, expiry */
export async function validateRecord (cid: CID, bytes: Uint8Array): Promise<IPNSRecord> {
  const [{ ipnsValidator }, { unmarshalIPNSRecord }] = await Promise.all([import('ipns/validator'), import('ipns')])
  try {
    await ipnsValidator(routingKey(cid), bytes)
    return unmarshalIPNSRecord(bytes)
  } catch (err) {
    throw new InvalidRecordError(`invalid IPNS record for ${canonicalName(cid)}: ${(err as Error).message.replace(/^Record /, 'record ')}`)
  }
}

/** The better of two valid records for the same name: highest sequence, then longest validity. true if `a` */
export async function isBetter (cid: CID, a: Uint8Array, b: Uint8Array): Promise<boolean> {
  const { ipnsSelector } = await import('ipns/selector')
  return ipnsSelector(routingKey(cid), [a, b]) === 0
}

/** Milliseconds since the epoch at which a record stops being valid */
export function expiresAt (record: IPNSRecord): number {
  return Date.parse(record.validity)
}

/** Go's hex.Dump layout (offset, 16 bytes in two groups of 8, printable characters) */
export function hexDump (bytes: Uint8Array): string {
  let out = ''
  for (let off = 0; off < bytes.byteLength; off += 16) {
    const row = bytes.subarray(off, off + 16)
    let hex = ''
    for (let i = 0; i < 16; i++) {
      hex += i < row.byteLength ? `${(row[i] as number).toString(16).padStart(2, '0')} ` : '   '
      if (i === 7) hex += ' '
    }
    const text = [...row].map(b => b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.').join('')
    out += `${off.toString(16).padStart(8, '0')}  ${hex} |${text}|\n`
  }
  return out
}

export interface InspectResult {
  Entry: { Value: string, ValidityType: number, Validity: string, Sequence: number, TTL: number }
  PbSize: number
  SignatureType: string
  HexDump: string
  Validation: { Valid: boolean, Reason: string, Name: string } | null
}

/** `name inspect`: a record's fields, optionally checked against a name */
export async function inspectRecord (bytes: Uint8Array, options: { verify?: string, dump?: boolean } = {}): Promise<InspectResult> {
  const { unmarshalIPNSRecord } = await import('ipns')
  let record: IPNSRecord
  try {
    record = unmarshalIPNSRecord(bytes)
  } catch (err) {
    throw new InvalidRecordError(`record is malformed: ${(err as Error).message}`)
  }
  let validation: InspectResult['Validation'] = null
  if (options.verify !== undefined && options.verify !== '') {
    const cid = parseIpnsName(options.verify)
    const name = canonicalName(cid)
    try {
      await validateRecord(cid, bytes)
      validation = { Valid: true, Reason: '', Name: name }
    } catch (err) {
      const reason = (err as Error).message.replace(/^invalid IPNS record for [^:]+: /, '').replace(/^record signature/, 'signature')
      validation = { Valid: false, Reason: reason, Name: name }
    }
  }
  return {
    Entry: {
      Value: record.value,
      ValidityType: String(record.validityType) === 'EOL' ? 0 : 1,
      Validity: record.validity,
      Sequence: Number(record.sequence),
      TTL: Number(record.ttl ?? 0n)
    },
    PbSize: bytes.byteLength,
    SignatureType: 'signatureV1' in record ? 'V1+V2' : 'V2',
    HexDump: options.dump === false ? '' : hexDump(bytes),
    Validation: validation
  }
}
