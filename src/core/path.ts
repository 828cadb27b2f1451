/**
 * Content paths: `/ipfs/<cid>/a/b`, `<cid>/a/b` and `/ipld/<cid>/…`. (`/ipns/` arrives with names.)
 */
import { CID } from 'multiformats/cid'
import { posix } from 'node:path'
import { InvalidCIDError, InvalidPathError } from './errors.ts'
import { baseOfText } from './bases.ts'


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
    const base = baseOfText(text)
    if (base !== undefined) {
      try {
        return CID.decode(base.decoder.decode(text))
      } catch {}
    }
    throw new InvalidCIDError(`invalid cid: ${value}: ${(err as Error).message}`)
  }
}

/**
 * The segments of a path that starts with '/', checked as boxo's NewPath checks them (Kubo's words): cleaned as
 * Go's path.Clean cleans (`//`, `.` and `..`), at least a namespace and a root, a namespace tsipfs knows
 */
export function pathSegments (value: string): string[] {
  const segments = posix.normalize(value).split('/').filter(s => s !== '')
  if (!value.startsWith('/') || segments.length < 2) {
    throw new InvalidPathError(`invalid path ${JSON.stringify(value)}: path does not have enough components`)
  }
  const ns = segments[0] as string
  if (ns !== 'ipfs' && ns !== 'ipld' && ns !== 'ipns') throw new InvalidPathError(`invalid path ${JSON.stringify(value)}: unknown namespace: ${JSON.stringify(ns)}`)
  return segments
}

export function parsePath (value: string): ContentPath {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidPathError('invalid path "": path does not have enough components')
  if (value.length > 8192) throw new InvalidPathError('invalid path: too long')
  let parts = value.split('/')
  let namespace: ContentPath['namespace'] = 'ipfs'
  if (value.startsWith('/')) {
    parts = pathSegments(value)
    const ns = parts[0]
    if (ns !== 'ipfs' && ns !== 'ipld') throw new InvalidPathError(`invalid path ${JSON.stringify(value)}: not an immutable path`)
    namespace = ns
    parts = parts.slice(1)
  }
  const [first, ...rest] = parts
  if (first === undefined || first === '') throw new InvalidPathError(`invalid path "${value}": path does not have enough components`)
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
