/**
 * `cid inspect`: a CID's parts as Kubo 0.42 breaks them down (its text and JSON). The CID is read with
 * multiformats; one that does not decode is said as `invalid CID: <the reason>` (the reasons are multiformats',
 * not Go's decoders' words), and a base58 PeerID given instead gets Kubo's note with its CID.
 */
import { CID } from 'multiformats/cid'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { base58btc } from 'multiformats/bases/base58'
import * as Digest from 'multiformats/hashes/digest'
import { baseOfText } from './bases.ts'
import { HASH_NAMES } from './cid.ts'
import { MULTICODEC_NAMES } from './multicodec-names.ts'

export interface CidInspectOut {
  cid: string
  version: number
  multibase: { prefix: string, name: string }
  multicodec: { code: number, name: string }
  multihash: { code: number, name: string, length: number, digest: string }
  /** only for a dag-pb, sha2-256, 32-byte CID */
  cidV0?: string
  cidV1: string
  /** the CID did not decode: the rest is empty (Kubo answers with it, and its text encoder fails with it) */
  errorMsg?: string
}

/** Hashes go-multihash names beyond those `cid hashes` lists; Kubo says "unknown" for the others */
const MORE_HASH_NAMES: Record<number, string> = {
  0x18: 'shake-128', 0x22: 'murmur3-x64-64', 0xd5: 'md5', 0x1012: 'sha2-256-trunc254-padded', 0x1100: 'x11',
  0xb401: 'poseidon-bls12_381-a2-fc1'
}
for (let n = 1; n < 20; n++) {
  MORE_HASH_NAMES[0xb200 + n] = `blake2b-${n * 8}`
  MORE_HASH_NAMES[0xb240 + n] = `blake2s-${n * 8}`
}

/** A CID as go-cid reads a text: a 46-character `Qm…` is CIDv0, anything else a multibase string */
function decode (text: string): CID {
  if (text.length === 46 && text.startsWith('Qm')) return CID.parse(text)
  const base = baseOfText(text)
  if (base === undefined) throw new Error('selected encoding not supported')
  return CID.decode(base.decoder.decode(text))
}

/** A base58 PeerID (`Qm…`, `1…`) as its libp2p-key CID in base36, or nothing */
function peerIdCid (text: string): string | undefined {
  if (!text.startsWith('Qm') && !text.startsWith('1')) return undefined
  try {
    return CID.createV1(0x72, Digest.decode(base58btc.baseDecode(text))).toString(base36)
  } catch {
    return undefined
  }
}

/** `cid inspect`'s answer for one CID text; a CID that does not decode gives its error in `errorMsg` */
export function inspectCid (text: string): CidInspectOut {
  let cid: CID
  try {
    cid = decode(text)
  } catch (err) {
    let errorMsg = `invalid CID: invalid cid: ${(err as Error).message}`
    const peer = peerIdCid(text)
    if (peer !== undefined) errorMsg += `\nNote: the value is a PeerID; inspect its CID representation instead:\n  ${peer}`
    return {
      cid: text,
      version: 0,
      multibase: { prefix: '', name: '' },
      multicodec: { code: 0, name: '' },
      multihash: { code: 0, name: '', length: 0, digest: '' },
      cidV1: '',
      errorMsg
    }
  }
  // go-cid reads the prefix as one byte: a base whose prefix is not ASCII (the emoji's) has no name there
  const base = baseOfText(text)
  const ascii = base !== undefined && base.prefix.charCodeAt(0) < 0x80
  const { code, digest } = cid.multihash
  const v1 = CID.createV1(cid.code, cid.multihash)
  // Kubo's field order: cidV0 (when there is one) before cidV1
  return {
    cid: text,
    version: cid.version,
    multibase: cid.version === 0 ? { prefix: 'z', name: 'base58btc' } : { prefix: ascii ? base.prefix : '\uFFFD', name: ascii ? base.name : '' },
    multicodec: { code: cid.code, name: MULTICODEC_NAMES[cid.code] ?? 'unknown' },
    multihash: { code, name: HASH_NAMES[code] ?? MORE_HASH_NAMES[code] ?? 'unknown', length: digest.length, digest: Buffer.from(digest).toString('hex') },
    ...(cid.code === 0x70 && code === 0x12 && digest.length === 32 ? { cidV0: cid.toV0().toString() } : {}),
    cidV1: v1.toString(cid.code === 0x72 ? base36 : base32)
  }
}
