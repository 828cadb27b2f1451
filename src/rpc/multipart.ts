/**
 * A streaming multipart/form-data reader with backpressure. (it-multipart, via formidable, pushes every
 * chunk into an unbounded queue: a fast client can make the daemon hold a whole upload in memory, and its
 * copies cost an RPC add about half its speed. Measured with bench/rpc.) Body chunks are views of what the
 * socket delivered, not copies, except where a chunk ends inside a possible boundary.
 *
 * Parts come in order. If the next part is asked for before the current body has been read (the importer
 * reads ahead a few files), the rest of the current body is kept in memory, up to `maxBuffered` bytes.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { InvalidArgumentError, TooLargeError } from '../core/errors.ts'

export interface Part {
  headers: IncomingHttpHeaders
  body: AsyncIterable<Uint8Array>
}

const MAX_HEADER_BYTES = 64 * 1024

export async function * readMultipart (source: AsyncIterable<Uint8Array>, boundary: string, maxBuffered = 64 * 1024 * 1024): AsyncGenerator<Part> {
  const input = source[Symbol.asyncIterator]()
  // the body starts with "--boundary"; every later delimiter is "\r\n--boundary"
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  let pending: Buffer = Buffer.from('\r\n')
  let ended = false

  const more = async (): Promise<boolean> => {
    if (ended) return false
    const next = await input.next()
    if (next.done === true) {
      ended = true
      return false
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    return true
  }

  /** Consume up to and including the next delimiter; then say whether it closes the body ("--") */
  const afterDelimiter = async (): Promise<'part' | 'end'> => {
    while (pending.length < 2) {
      if (!await more()) throw new InvalidArgumentError('malformed multipart body: ended after a boundary')
    }
    if (pending[0] === 0x2d && pending[1] === 0x2d) return 'end'
    return 'part'
  }

  // preamble: skip to the first delimiter
  for (;;) {
    const at = pending.indexOf(delimiter)
    if (at !== -1) {
      pending = pending.subarray(at + delimiter.length)
      break
    }
    if (pending.length > MAX_HEADER_BYTES) throw new InvalidArgumentError('malformed multipart body: no boundary found')
    if (!await more()) throw new InvalidArgumentError('malformed multipart body: no boundary found')
  }

  while (await afterDelimiter() === 'part') {
    // headers end at an empty line; the line after the delimiter may carry transport padding
    let end = pending.indexOf('\r\n\r\n')
    while (end === -1) {
      if (pending.length > MAX_HEADER_BYTES) throw new TooLargeError('multipart part headers too large')
      if (!await more()) throw new InvalidArgumentError('malformed multipart body: part headers not terminated')
      end = pending.indexOf('\r\n\r\n')
    }
    const headers: IncomingHttpHeaders = {}
    for (const line of pending.subarray(0, end).toString('utf8').split('\r\n').slice(1)) {
      const colon = line.indexOf(':')
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    pending = pending.subarray(end + 4)

    let done = false
    const readBody = async function * (): AsyncGenerator<Uint8Array> {
      while (!done) {
        const at = pending.indexOf(delimiter)
        if (at !== -1) {
          if (at > 0) yield pending.subarray(0, at)
          pending = pending.subarray(at + delimiter.length)
          done = true
          return
        }
        // keep what could be the start of a delimiter split across chunks
        const safe = pending.length - (delimiter.length - 1)
        if (safe > 0) {
          const out = pending.subarray(0, safe)
          pending = pending.subarray(safe)
          yield out
        }
        if (!await more()) throw new InvalidArgumentError('malformed multipart body: part not terminated')
      }
    }
    const body = readBody()
    const buffered: Uint8Array[] = []
    let consumer: 'stream' | 'buffered' | undefined
    yield {
      headers,
      body: (async function * () {
        if (consumer === 'buffered') {
          yield * buffered
          return
        }
        consumer = 'stream'
        yield * body
      })()
    }
    if (!done) {
      // the consumer moved on before reading this body: keep the rest for it
      if (consumer === 'stream') throw new InvalidArgumentError('multipart parts must be read in order')
      consumer = 'buffered'
      let size = 0
      for await (const chunk of body) {
        size += chunk.byteLength
        if (size > maxBuffered) throw new TooLargeError(`multipart part read out of order is larger than ${maxBuffered} bytes`)
        buffered.push(Buffer.from(chunk))
      }
    }
  }
}
