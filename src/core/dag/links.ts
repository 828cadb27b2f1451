/** The links of a block, whatever its codec, in the order the codec stores them */
import { CID } from 'multiformats/cid'
import type { BlockCodec } from 'multiformats/codecs/interface'
import type { PBNode } from '@ipld/dag-pb'

export interface Link {
  cid: CID
  name?: string
}

function * linksInValue (value: unknown, path: string[]): Generator<Link> {
  if (value === null || typeof value !== 'object') return
  const asCid = CID.asCID(value)
  if (asCid !== null) {
    yield { cid: asCid, name: path.join('/') }
    return
  }
  if (value instanceof Uint8Array) return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield * linksInValue(value[i], [...path, String(i)])
    return
  }
  for (const [k, v] of Object.entries(value)) yield * linksInValue(v, [...path, k])
}

export function linksOf (codec: BlockCodec<number, unknown>, bytes: Uint8Array): Link[] {
  if (codec.code === 0x55 || codec.code === 0x00) return []
  const value = codec.decode(bytes)
  if (codec.code === 0x70) {
    return (value as PBNode).Links.map(l => ({ cid: l.Hash, name: l.Name }))
  }
  return [...linksInValue(value, [])]
}
