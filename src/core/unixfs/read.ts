/**
 * Reading a UnixFS file's bytes in order, with a bounded read-ahead. ipfs-unixfs-exporter's file reader
 * walks the DAG on its own and pushes every leaf into an unbounded queue, so a consumer slower than the
 * store (a pipe, a socket) makes it hold the whole file: measured 588 MB RSS to cat a 256 MiB file. This
 * walker reads a few leaves ahead of what was consumed and no more (memory flat in file size).
 */
import * as dagPb from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from '../blocks/store.ts'
import { decodeData, TYPE } from '../files/pb-data.ts'
import { WrongNodeTypeError } from '../errors.ts'

/** Leaves fetched ahead of the one being yielded */
const READ_AHEAD = 8

export interface ReadOptions extends AbortOptions {
  offset?: number
  length?: number
}

interface Span { cid: CID, start: number, size: number }

/** The file's bytes from `offset` for `length` bytes (default: to the end) */
export async function * readFile (blocks: BlockStore, cid: CID, options: ReadOptions = {}): AsyncGenerator<Uint8Array> {
  const start = Math.max(0, options.offset ?? 0)
  const end = options.length === undefined ? Number.POSITIVE_INFINITY : start + Math.max(0, options.length)
  if (end <= start) return
  // the spans still to read, in file order; at most READ_AHEAD of them have a read started
  const queue: Array<{ span: Span, bytes?: Promise<Uint8Array> }> = [{ span: { cid, start: 0, size: Number.POSITIVE_INFINITY } }]
  let started = 0
  const fill = (): void => {
    for (let i = 0; i < queue.length && started < READ_AHEAD; i++) {
      const item = queue[i] as { span: Span, bytes?: Promise<Uint8Array> }
      if (item.bytes !== undefined) continue
      item.bytes = blocks.get(item.span.cid, options)
      item.bytes.catch(() => {}) // awaited in order below; a failure surfaces there
      started++
    }
  }
  while (queue.length > 0) {
    options.signal?.throwIfAborted()
    fill()
    const { span, bytes: wait } = queue.shift() as { span: Span, bytes: Promise<Uint8Array> }
    const bytes = await wait
    started--
    if (span.cid.code !== dagPb.code) {
      yield * clip(bytes, span.start, start, end)
      continue
    }
    const node = dagPb.decode(bytes)
    const data = node.Data === undefined ? undefined : decodeData(node.Data)
    if (data === undefined || (data.type !== TYPE.file && data.type !== TYPE.raw)) throw new WrongNodeTypeError('this dag node is not a UnixFS file')
    const inline = data.data ?? new Uint8Array(0)
    yield * clip(inline, span.start, start, end)
    // its children come before everything still queued; those out of range are skipped
    const children: Array<{ span: Span }> = []
    let at = span.start + inline.byteLength
    for (let i = 0; i < node.Links.length; i++) {
      const size = data.blocksizes[i] ?? 0
      if (at + size > start && at < end) children.push({ span: { cid: (node.Links[i] as dagPb.PBLink).Hash, start: at, size } })
      at += size
    }
    queue.unshift(...children)
  }
}

function * clip (bytes: Uint8Array, at: number, start: number, end: number): Generator<Uint8Array> {
  const from = Math.max(0, start - at)
  const to = Math.min(bytes.byteLength, end - at)
  if (to > from) yield bytes.subarray(from, to)
}
