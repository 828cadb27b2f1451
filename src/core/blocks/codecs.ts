/** IPLD codecs tsipfs knows by name (block put --cid-codec, dag put --store-codec/--input-codec, cid codecs) */
import * as dagPb from '@ipld/dag-pb'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as raw from 'multiformats/codecs/raw'
import * as json from 'multiformats/codecs/json'
import type { BlockCodec } from 'multiformats/codecs/interface'
import { UnsupportedError } from '../errors.ts'

/** Codecs that can decode blocks (and so have links to follow) */
export const CODECS: Array<BlockCodec<number, unknown>> = [dagPb, dagCbor, dagJson, raw, json] as Array<BlockCodec<number, unknown>>

/** Names Kubo accepts for codecs that we store without decoding */
const EXTRA_NAMES: Record<string, number> = { 'libp2p-key': 0x72, 'git-raw': 0x78, cbor: 0x51, identity: 0x00 }

export function codecCode (name: string): number {
  const c = CODECS.find(c => c.name === name)
  if (c !== undefined) return c.code
  const extra = EXTRA_NAMES[name]
  if (extra !== undefined) return extra
  // a number (decimal or 0x hex) is accepted as the code itself
  if (/^(0x[0-9a-f]+|\d+)$/i.test(name)) return Number(name)
  // go-multicodec's words, which Kubo prints for every codec option
  throw new UnsupportedError(`unknown multicodec: ${JSON.stringify(name)}`)
}

export function codecByCode (code: number): BlockCodec<number, unknown> {
  const c = CODECS.find(c => c.code === code)
  if (c === undefined) throw new UnsupportedError(`no decoder for codec 0x${code.toString(16)}`)
  return c
}

export function codecName (code: number): string {
  const c = CODECS.find(c => c.code === code)
  if (c !== undefined) return c.name
  const extra = Object.entries(EXTRA_NAMES).find(([, v]) => v === code)
  return extra?.[0] ?? `0x${code.toString(16)}`
}
