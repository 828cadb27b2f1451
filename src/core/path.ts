/**
 * Content paths: `/ipfs/<cid>/a/b`, `<cid>/a/b` and `/ipld/<cid>/…`. (`/ipns/` arrives with names.)
 */
import { CID } from 'multiformats/cid'
import { bases } from 'multiformats/basics'
import { InvalidCIDError, InvalidPathError } from './errors.ts'


export interface ContentPath {
  root: CID
  /** Path segments below the root, already split and unescaped */
  segments: string[]
  namespace: 'ipfs' | 'ipld'
}

export function parseCid (value: string): CID {
  try {
    return CID.parse(value.trim())
  } catch (err) {
    // base36 / other multibases need the matching decoder
    const text = value.trim()
    const base = Object.values(bases).find(b => b.prefix === text[0])
    if (base !== undefined) {
      try {
        return CID.decode(base.decoder.decode(text))
      } catch {}
    }
    throw new InvalidCIDError(`invalid cid: ${value}: ${(err as Error).message}`)
  }
}

export function parsePath (value: string): ContentPath {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidPathError('invalid path "": path is empty')
  if (value.length > 8192) throw new InvalidPathError('invalid path: too long')
  let parts = value.split('/')
  let namespace: ContentPath['namespace'] = 'ipfs'
  if (value.startsWith('/')) {
    const ns = parts[1]
    if (ns !== 'ipfs' && ns !== 'ipld') {
      throw new InvalidPathError(`invalid path "${value}": unknown namespace "${ns ?? ''}"`)
    }
    namespace = ns
    parts = parts.slice(2)
  }
  const [first, ...rest] = parts
  if (first === undefined || first === '') throw new InvalidPathError(`invalid path "${value}": no CID`)
  let root: CID
  try {
    root = parseCid(first)
  } catch (err) {
    // a bare word that is no CID: Kubo reads it as a path with no namespace
    if (!value.startsWith('/') && rest.length === 0) throw new InvalidPathError(`invalid path "${value}": path does not have enough components`)
    throw new InvalidPathError(`invalid path "${value}": ${(err as Error).message}`)
  }
  const segments = rest.filter(s => s !== '')
  return { root, segments, namespace }
}

export function formatPath (p: ContentPath, cid = p.root): string {
  return `/${p.namespace}/${cid.toString()}${p.segments.length > 0 ? '/' + p.segments.join('/') : ''}`
}
