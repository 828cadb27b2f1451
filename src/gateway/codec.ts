/**
 * Responses in an IPLD codec (path-gateway spec, IPIP-524): a dag-json, dag-cbor, json or cbor block
 * served as its own bytes. Conversion between codecs is not offered (406, as Kubo's default), a path that
 * ends inside a block's fields is 501, and json/cbor are only the blocks already in that encoding.
 */
import type { Resolved } from './backend.ts'
import { type GatewayContext, FORMATS, HttpError, contentDisposition, sendRanged, setCaching, setRoots } from './http.ts'

const CODEC_FORMAT: Record<number, string> = {
  0x0129: FORMATS['dag-json'] as string,
  0x71: FORMATS['dag-cbor'] as string,
  0x0200: FORMATS.json as string,
  0x51: FORMATS.cbor as string
}

/** Formats that accept a block of these codecs as it is */
const AS_IS: Record<string, number[]> = {
  [FORMATS.json as string]: [0x0200, 0x0129],
  [FORMATS.cbor as string]: [0x51, 0x71],
  [FORMATS['dag-json'] as string]: [0x0129],
  [FORMATS['dag-cbor'] as string]: [0x71]
}

export function codecFormat (code: number): string | undefined {
  return CODEC_FORMAT[code]
}

export async function serveCodec (ctx: GatewayContext, resolved: Resolved): Promise<void> {
  const { res } = ctx
  // path-gateway.md §Traversing through DAG-JSON and DAG-CBOR: a path that ends at a field that is not a link
  // is 501 (as in Kubo; raw and CAR responses serve the block holding the field, trustless.ts)
  if (resolved.remainder.length > 0) {
    const parts = (ctx.ipfsPath ?? '').split('/').filter(Boolean)
    const block = `/${parts.slice(0, Math.max(2, parts.length - resolved.remainder.length)).join('/')}`
    throw new HttpError(501, `"/${resolved.remainder.join('/')}" could not be returned: reading IPLD Kinds other than Links (CBOR Tag 42) is not implemented: try reading "${block}" instead, or the block with ?format=raw`)
  }
  const code = resolved.cid.code
  const format = ctx.format === '' ? CODEC_FORMAT[code] : ctx.format
  if (format === undefined) throw new HttpError(500, `no content type for codec 0x${code.toString(16)}`)
  const accepted = AS_IS[format]
  if (accepted === undefined) throw new HttpError(400, 'requested format is not supported for this content')
  if (!accepted.includes(code)) {
    if (format === FORMATS.json || format === FORMATS.cbor) throw new HttpError(400, `format ${format} requested but the block's codec 0x${code.toString(16)} is not ${format === FORMATS.json ? 'JSON' : 'CBOR'}`)
    throw new HttpError(406, `format "${format}" requested but block has codec 0x${code.toString(16)}: codec conversion is not supported, fetch raw block with ?format=raw and convert client-side`)
  }
  const bytes = await ctx.backend.block(resolved.cid, { signal: ctx.signal })
  setRoots(ctx, resolved.roots)
  setCaching(ctx, `"${resolved.cid.toString()}.${format.slice(format.lastIndexOf('/') + 1).replace(/^vnd\.ipld\./, '')}"`)
  const json = format.endsWith('json')
  const filename = ctx.url.searchParams.get('filename') ?? `${resolved.cid.toString()}.${json ? 'json' : 'cbor'}`
  const download = ctx.url.searchParams.get('download') === 'true'
  res.setHeader('Content-Disposition', contentDisposition(download || !json ? 'attachment' : 'inline', filename))
  res.setHeader('X-Content-Type-Options', 'nosniff')
  await sendRanged(ctx, bytes.byteLength, format, (offset, length) => [bytes.subarray(offset, offset + length)] as unknown as AsyncIterable<Uint8Array>)
}
