/**
 * Trustless responses (trustless-gateway spec): a single raw block, and CAR streams with the request's
 * dag-scope (block, entity, all), entity-bytes range, dups and order, built from blocks only, so a client
 * can verify every byte.
 */
import * as dagPb from '@ipld/dag-pb'
import { CarWriter } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import type { Resolved } from './backend.ts'
import { type GatewayContext, FORMATS, HttpError, IMMUTABLE, contentDisposition, sendRanged, sendStream, setRoots, setCaching } from './http.ts'
import { linksOf } from '../core/dag/links.ts'
import { codecByCode } from '../core/blocks/codecs.ts'
import { mhKey } from '../core/dag/walk.ts'
import { decodeData, TYPE } from '../core/files/pb-data.ts'
import { breathe } from '../core/breathe.ts'
import { unmarshalIPNSRecord } from 'ipns'
import { canonicalName, parseIpnsName } from '../core/names/index.ts'

export async function serveRaw (ctx: GatewayContext, resolved: Resolved): Promise<void> {
  const { res } = ctx
  // a path that ends at a field inside a block (not a link) is answered with that block, as Kubo does
  const bytes = await ctx.backend.block(resolved.cid, { signal: ctx.signal })
  setRoots(ctx, resolved.roots)
  setCaching(ctx, `"${resolved.cid.toString()}.raw"`)
  const filename = ctx.url.searchParams.get('filename') ?? `${resolved.cid.toString()}.bin`
  res.setHeader('Content-Disposition', contentDisposition('attachment', filename))
  res.setHeader('X-Content-Type-Options', 'nosniff')
  await sendRanged(ctx, bytes.byteLength, FORMATS.raw as string, (offset, length) => [bytes.subarray(offset, offset + length)] as unknown as AsyncIterable<Uint8Array>)
}

export interface CarParams {
  scope: 'all' | 'entity' | 'block'
  dups: boolean
  order: 'dfs' | 'unk'
  /** entity-bytes, as given: from (negative: from the end) and to (inclusive; negative: from the end; undefined: '*') */
  bytes?: { from: number, to?: number }
}

/** CAR parameters from the Accept header's media type parameters and the URL query */
export function carParams (ctx: GatewayContext): CarParams {
  const q = ctx.url.searchParams
  const version = ctx.params.version ?? q.get('car-version') ?? '1'
  if (version !== '1') throw new HttpError(400, `unsupported CAR version: only version=1 is supported, got ${version}`)
  const order = ctx.params.order ?? q.get('car-order') ?? 'dfs'
  if (order !== 'dfs' && order !== 'unk') throw new HttpError(400, `unsupported CAR order: ${order}`)
  const dups = ctx.params.dups ?? q.get('car-dups') ?? 'n'
  if (dups !== 'y' && dups !== 'n') throw new HttpError(400, `unsupported CAR dups: ${dups}`)
  const scope = q.get('dag-scope') ?? 'all'
  if (scope !== 'all' && scope !== 'entity' && scope !== 'block') throw new HttpError(400, `unsupported dag-scope: ${scope}`)
  const out: CarParams = { scope, dups: dups === 'y', order: 'dfs' }
  const eb = q.get('entity-bytes')
  if (eb !== null) {
    const m = /^(-?\d+):(-?\d+|\*)$/.exec(eb)
    if (m === null) throw new HttpError(400, `invalid entity-bytes: ${eb}`)
    const from = Number(m[1])
    const to = m[2] === '*' ? undefined : Number(m[2])
    if (to !== undefined && from >= 0 && to >= 0 && to < from) throw new HttpError(400, `invalid entity-bytes: ${eb}`)
    out.bytes = { from, to }
  }
  return out
}

interface Walk { blocks: (cid: CID) => Promise<Uint8Array>, seen: Set<string>, dups: boolean, signal: AbortSignal }

async function * emit (w: Walk, cid: CID): AsyncGenerator<{ cid: CID, bytes: Uint8Array } | undefined> {
  if (cid.multihash.code === 0x00) return
  const key = mhKey(cid)
  if (w.seen.has(key) && !w.dups) {
    yield undefined
    return
  }
  w.seen.add(key)
  yield { cid, bytes: await w.blocks(cid) }
}

/** Every block of the DAG under `cid`, depth-first in link order */
async function * all (w: Walk, root: CID): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  const stack: CID[] = [root]
  while (stack.length > 0) {
    await breathe()
    w.signal.throwIfAborted()
    const cid = stack.pop() as CID
    const key = mhKey(cid)
    const dup = w.seen.has(key)
    if (dup && !w.dups) continue
    if (cid.multihash.code === 0x00) continue
    w.seen.add(key)
    const bytes = await w.blocks(cid)
    yield { cid, bytes }
    // with dups=y a repeated subtree is sent again, but its blocks' links were already walked once
    const links = cid.code === 0x55 ? [] : linksOf(codecByCode(cid.code), bytes)
    for (let i = links.length - 1; i >= 0; i--) stack.push((links[i] as { cid: CID }).cid)
  }
}

/** The blocks of a UnixFS file needed for bytes [start, end] (inclusive) */
async function * fileRange (w: Walk, cid: CID, bytes: Uint8Array, at: number, start: number, end: number): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  if (cid.code !== dagPb.code) return
  const node = dagPb.decode(bytes)
  const data = node.Data === undefined ? undefined : decodeData(node.Data)
  if (data === undefined) return
  let pos = at + (data.data?.byteLength ?? 0)
  for (let i = 0; i < node.Links.length; i++) {
    const size = data.blocksizes[i] ?? 0
    if (pos + size > start && pos <= end) {
      const child = (node.Links[i] as dagPb.PBLink).Hash
      for await (const b of emit(w, child)) {
        if (b === undefined) continue
        yield b
        yield * fileRange(w, b.cid, b.bytes, pos, start, end)
      }
    }
    pos += size
  }
}

/** The shard nodes below a sharded directory's node (links named by their prefix only), not its entries */
async function * shardNodes (w: Walk, node: dagPb.PBNode, fanout = 256): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  const pad = (fanout - 1).toString(16).length
  for (const l of node.Links) {
    if ((l.Name ?? '').length === pad) yield * entity(w, l.Hash)
  }
}

/** The blocks of the entity at `cid`: a whole file (or a byte range of it), a directory's own nodes, one block */
async function * entity (w: Walk, cid: CID, range?: CarParams['bytes']): AsyncGenerator<{ cid: CID, bytes: Uint8Array }> {
  let first: { cid: CID, bytes: Uint8Array } | undefined
  for await (const b of emit(w, cid)) first = b
  if (first === undefined) {
    // a duplicate (dups=n): still needed to walk into
    if (cid.multihash.code === 0x00) return
    first = { cid, bytes: await w.blocks(cid) }
  } else {
    yield first
  }
  if (cid.code !== dagPb.code) return
  const node = dagPb.decode(first.bytes)
  const data = node.Data === undefined ? undefined : decodeData(node.Data)
  if (data === undefined) return
  if (data.type === TYPE.hamt) {
    yield * shardNodes(w, node, data.fanout)
    return
  }
  if (data.type !== TYPE.file && data.type !== TYPE.raw) return
  const size = data.filesize ?? 0
  let start = 0
  let end = size - 1
  if (range !== undefined) {
    start = range.from >= 0 ? range.from : Math.max(0, size + range.from)
    end = range.to === undefined ? size - 1 : range.to >= 0 ? Math.min(range.to, size - 1) : size + range.to
    if (end < start) return
  }
  yield * fileRange(w, cid, first.bytes, 0, start, end)
}

/** The headers of a CAR response; `etagCid` names the content in the Etag. Returns the walk's state */
function carHeaders (ctx: GatewayContext, params: CarParams, roots: CID[], etagCid: CID): Walk {
  const { res } = ctx
  const key = `${params.scope}.${params.bytes === undefined ? '' : `${params.bytes.from}:${params.bytes.to ?? '*'}`}.${params.dups ? 'y' : 'n'}`
  setRoots(ctx, roots)
  setCaching(ctx, `W/"${etagCid.toString()}.car.${Buffer.from(key).toString('base64url')}"`)
  if (ctx.contentPath.startsWith('/ipfs/')) res.setHeader('Cache-Control', IMMUTABLE)
  // named after the /ipfs/ path it answers: `{root CID}_{last segment}.car`, `{root CID}.car` (as Kubo names it)
  const [root, ...segments] = (ctx.ipfsPath ?? `/ipfs/${etagCid.toString()}`).split('/').slice(2).filter(Boolean)
  const filename = ctx.url.searchParams.get('filename') ?? `${[root, ...segments.slice(-1)].join('_')}.car`
  res.setHeader('Content-Disposition', contentDisposition('attachment', filename))
  res.setHeader('Content-Type', `${FORMATS.car as string}; version=1; order=dfs; dups=${params.dups ? 'y' : 'n'}`)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Accept-Ranges', 'none')
  return { blocks: async (cid) => await ctx.backend.block(cid, { signal: ctx.signal }), seen: new Set(), dups: params.dups, signal: ctx.signal }
}

/** The empty identity CID (bafkqaaa): the header root of a CAR that proves a path does not exist */
const NOTHING = CID.createV1(0x55, identity.digest(new Uint8Array(0)))

/**
 * A CAR for a path that does not exist (Kubo 0.24+): 200, the header root bafkqaaa, and the blocks of the
 * path up to the last segment that exists (`steps`, root first), which show that the next segment is not
 * there; of a sharded directory, all its shard nodes (the ones the lookup needs are among them).
 * X-Ipfs-Roots and the Etag name the path's root CID.
 */
export async function serveCarProof (ctx: GatewayContext, rootCid: CID, steps: CID[]): Promise<void> {
  const w = carHeaders(ctx, carParams(ctx), [rootCid], rootCid)
  await streamCar(ctx, NOTHING, async (put) => {
    let last: { cid: CID, bytes: Uint8Array } | undefined
    for (const cid of steps) {
      for await (const b of emit(w, cid)) {
        if (b === undefined) continue
        await put(b)
        last = b
      }
    }
    // the name is missing from a sharded directory: its shard nodes too (the lookup's are among them)
    if (last?.cid.code === dagPb.code) {
      const node = dagPb.decode(last.bytes)
      const data = node.Data === undefined ? undefined : decodeData(node.Data)
      if (data?.type === TYPE.hamt) for await (const b of shardNodes(w, node, data.fanout)) await put(b)
    }
  })
}

export async function serveCar (ctx: GatewayContext, resolved: Resolved, rootCid: CID): Promise<void> {
  const params = carParams(ctx)
  const w = carHeaders(ctx, params, resolved.roots, resolved.cid)
  // the blocks that prove the path, then the terminal element's blocks for the scope. The header's root is
  // the terminal element (the specs leave it open and tell clients to ignore it; Kubo names the terminal).
  // A path that ends at a field inside a block (not a link) has that block as its terminal element, as in
  // Kubo: the scope is the block's. X-Ipfs-Roots repeats a block for each segment inside it: once here
  const path = resolved.roots.filter((cid, i, all) => i === 0 || !cid.equals(all[i - 1]))
  await streamCar(ctx, resolved.cid, async (put) => {
    for (const cid of path.slice(0, -1)) {
      for await (const b of emit(w, cid)) if (b !== undefined) await put(b)
    }
    const blocks = params.scope === 'all'
      ? all(w, resolved.cid)
      : params.scope === 'entity' ? entity(w, resolved.cid, params.bytes) : (async function * () { for await (const b of emit(w, resolved.cid)) if (b !== undefined) yield b })()
    for await (const b of blocks) await put(b)
  })
}

/** Answer 200 with a CARv1 of header root `root`, its blocks written by `fill` while the response streams */
async function streamCar (ctx: GatewayContext, root: CID, fill: (put: (block: { cid: CID, bytes: Uint8Array }) => Promise<void>) => Promise<void>): Promise<void> {
  const { writer, out } = CarWriter.create([root])
  const filling = (async () => {
    try {
      await fill(async (block) => { await writer.put(block) })
    } finally {
      await writer.close()
    }
  })()
  filling.catch(() => {})
  await sendStream(ctx, 200, out)
  await filling
}

/** The signed IPNS record of a name (application/vnd.ipfs.ipns-record), exactly as stored */
export async function serveIpnsRecord (ctx: GatewayContext, name: string, rest: string): Promise<void> {
  if (rest !== '') throw new HttpError(400, 'ipns-record responses are for /ipns/{name} without a path')
  if (name.includes('.')) throw new HttpError(400, `${name} is a DNSLink name, not a key: it has no IPNS record`)
  const bytes = await ctx.backend.ipnsRecord(name, { signal: ctx.signal })
  const record = unmarshalIPNSRecord(bytes)
  const ttl = Math.floor(Number(record.ttl ?? 0n) / 1e9)
  const { res } = ctx
  res.setHeader('Content-Type', FORMATS['ipns-record'] as string)
  res.setHeader('Content-Disposition', contentDisposition('attachment', ctx.url.searchParams.get('filename') ?? `${canonicalName(parseIpnsName(name))}.ipns-record`))
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Etag', `"${Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('base64url')}"`)
  if (ttl > 0) res.setHeader('Cache-Control', `public, max-age=${ttl}`)
  res.setHeader('Content-Length', bytes.byteLength)
  await sendStream(ctx, 200, [bytes] as unknown as AsyncIterable<Uint8Array>)
}
