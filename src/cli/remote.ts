/**
 * The CLI's client side of the RPC API: when a daemon runs (found through $IPFS_PATH/api, or --api), a
 * command is sent to it as Kubo's clients send it: arguments and options in the query string, file
 * inputs as a streamed multipart/form-data body, results read back as JSON, NDJSON or raw bytes.
 */
import { request, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Command, InputEntry, Options } from '../commands/command.ts'
import { GLOBAL_OPTIONS } from '../commands/command.ts'
import { TsipfsError } from '../core/errors.ts'
import { tcpAddress } from '../daemon/address.ts'
import { repoPathFrom } from './execute.ts'

export interface Endpoint { host: string, port: number }

/** The daemon's API address, if one answers */
export async function findDaemon (options: Options): Promise<Endpoint | undefined> {
  let ma = typeof options.api === 'string' && options.api !== '' ? options.api : undefined
  const given = ma !== undefined
  if (ma === undefined) {
    try {
      ma = (await readFile(join(repoPathFrom(options), 'api'), 'utf8')).trim()
    } catch {
      return undefined
    }
  }
  const { host, port } = tcpAddress(ma)
  const up = await new Promise<boolean>(resolve => {
    const socket = connect({ host, port })
    socket.setTimeout(2000)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
  if (!up && given) throw new TsipfsError(`cannot connect to the api at ${ma}: is the daemon running?`)
  return up ? { host, port } : undefined
}

/** Options that only mean something to this CLI process */
const LOCAL_ONLY = new Set(['repo-dir', 'api', 'help', 'debug', 'encoding'])

function query (cmd: Command, args: string[], given: Options): string {
  const params = new URLSearchParams()
  for (const a of args) params.append('arg', a)
  const known = new Set([...(cmd.options ?? []), ...GLOBAL_OPTIONS].map(o => o.name))
  for (const [name, value] of Object.entries(given)) {
    if (LOCAL_ONLY.has(name) || !known.has(name) || value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v))
  }
  params.set('encoding', 'json')
  return params.toString()
}

/** A multipart/form-data body made from input entries, streamed */
async function * multipartBody (entries: AsyncIterable<InputEntry>, boundary: string): AsyncGenerator<Uint8Array> {
  const enc = new TextEncoder()
  for await (const e of entries) {
    const type = e.type === 'directory' ? 'application/x-directory' : e.type === 'symlink' ? 'application/symlink' : 'application/octet-stream'
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(e.path)}"\r\nContent-Type: ${type}\r\n`
    if (e.mode !== undefined) head += `mode: ${e.mode.toString(8).padStart(4, '0')}\r\n`
    if (e.mtime !== undefined) {
      head += `mtime: ${e.mtime.secs}\r\n`
      if (e.mtime.nsecs !== undefined) head += `mtime-nsecs: ${e.mtime.nsecs}\r\n`
    }
    yield enc.encode(head + '\r\n')
    if (e.type === 'symlink') yield enc.encode(e.target ?? '')
    else if (e.type === 'file') yield * (e.content ?? [])
    yield enc.encode('\r\n')
  }
  yield enc.encode(`--${boundary}--\r\n`)
}

async function errorFrom (res: IncomingMessage): Promise<TsipfsError> {
  let text = ''
  for await (const c of res) {
    text += String(c)
    if (text.length > 64 * 1024) break
  }
  try {
    const body = JSON.parse(text) as { Message?: unknown }
    if (typeof body.Message === 'string') return new TsipfsError(body.Message)
  } catch {}
  return new TsipfsError(`${res.statusCode ?? 0} ${text.trim()}`)
}

/**
 * Send one command to the daemon; yields results as the local run would. The length the daemon states for a
 * `bytes` output (X-Content-Length) goes to `onLength` before the first result.
 */
export async function * runRemote (endpoint: Endpoint, cmd: Command, args: string[], given: Options, files: AsyncIterable<InputEntry> | undefined, signal: AbortSignal, onLength?: (bytes: number) => void): AsyncGenerator<unknown> {
  const boundary = `tsipfs-${randomBytes(12).toString('hex')}`
  const req = request({
    host: endpoint.host,
    port: endpoint.port,
    method: 'POST',
    path: `/api/v0/${cmd.path.join('/')}?${query(cmd, args, given)}`,
    headers: files !== undefined ? { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' } : {},
    signal
  })
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  if (files !== undefined) {
    const body = Readable.from(multipartBody(files, boundary))
    body.once('error', (err) => { req.destroy(err) })
    body.pipe(req)
  } else {
    req.end()
  }
  const res = await response
  if (res.statusCode !== 200) throw await errorFrom(res)
  const length = res.headers['x-content-length']
  if (typeof length === 'string' && /^\d+$/.test(length)) onLength?.(Number(length))
  if (res.headers['x-stream-output'] !== undefined) {
    for await (const chunk of res) yield chunk as Uint8Array
  } else if (res.headers['x-chunked-output'] !== undefined) {
    let buffered = ''
    for await (const chunk of res) {
      buffered += String(chunk)
      let nl = buffered.indexOf('\n')
      while (nl !== -1) {
        const line = buffered.slice(0, nl)
        buffered = buffered.slice(nl + 1)
        if (line.trim() !== '') yield JSON.parse(line)
        nl = buffered.indexOf('\n')
      }
    }
    if (buffered.trim() !== '') yield JSON.parse(buffered)
  } else {
    let text = ''
    for await (const chunk of res) text += String(chunk)
    // an empty body: the command returned nothing
    yield text.trim() === '' ? undefined : JSON.parse(text)
  }
  const trailer = res.trailers['x-stream-error']
  if (trailer !== undefined && trailer !== '') throw new TsipfsError(trailer)
}
