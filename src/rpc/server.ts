/**
 * The /api/v0 server, generated from the command tree: every command that is not CLI-only is served at
 * POST /api/v0/<path>. Outputs: one JSON value; NDJSON with X-Chunked-Output for streams; raw bytes with
 * X-Stream-Output. An error before output is Kubo's {"Message","Code","Type":"error"}; after output has
 * started it goes in the X-Stream-Error trailer. A client that goes away aborts the command.
 */
import { offlineScope } from '../core/blocks/network-store.ts'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Command, RunContext } from '../commands/command.ts'
import type { TsipfsNode } from '../core/node.ts'
import type { TsipfsError} from '../core/errors.ts';
import { toTsipfsError, UnknownCommandError } from '../core/errors.ts'
import { signalFor } from '../cli/execute.ts'
import { toJSON, formatResult } from '../cli/output.ts'
import { parseQuery, multipartEntries } from './request.ts'
import { checkAccess, corsHeaders } from './security.ts'
import type { Metrics } from '../daemon/metrics.ts'
import { logger } from '../core/log.ts'

export interface RpcOptions {
  node: TsipfsNode
  commands: Command[]
  /** Called by the `shutdown` command */
  shutdown: () => void
  metrics?: Metrics
}

const log = logger('tsipfs:rpc')

const EXPOSE = 'X-Stream-Output, X-Chunked-Output, X-Content-Length'

function sendError (res: ServerResponse, status: number, err: TsipfsError): void {
  if (res.headersSent) return
  const body = JSON.stringify({ Message: err.message, Code: err.code, Type: 'error' })
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function write (res: ServerResponse, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.write(chunk)) resolve()
    else {
      const onDrain = (): void => { res.off('close', onClose); resolve() }
      const onClose = (): void => { res.off('drain', onDrain); reject(new Error('client went away')) }
      res.once('drain', onDrain)
      res.once('close', onClose)
    }
  })
}

export function createRpcHandler (opts: RpcOptions) {
  const byPath = new Map(opts.commands.filter(c => c.cliOnly !== true).map(c => [c.path.join('/'), c]))
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname === '/debug/metrics/prometheus' && req.method === 'GET' && opts.metrics !== undefined) {
      const body = await opts.metrics.render(opts.node)
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
      res.end(body)
      return
    }
    if (!url.pathname.startsWith('/api/v0/')) {
      sendError(res, 404, new UnknownCommandError('404 page not found'))
      return
    }
    const access = checkAccess(req, url.pathname, opts.node.components.repo.config)
    if (!access.ok) {
      res.writeHead(403, { 'Content-Type': 'text/plain' })
      res.end(`403 - Forbidden${access.reason !== undefined ? ': ' + access.reason : ''}\n`)
      return
    }
    const cors = corsHeaders(req, opts.node.components.repo.config)
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type, Authorization, X-Requested-With, Range, User-Agent' })
      res.end()
      return
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain' })
      res.end('405 - Method Not Allowed\n')
      return
    }
    const cmd = byPath.get(url.pathname.slice('/api/v0/'.length).replace(/\/+$/, ''))
    if (cmd === undefined) {
      sendError(res, 404, new UnknownCommandError(`unknown command "${url.pathname.slice('/api/v0/'.length).replaceAll('/', ' ')}"`))
      return
    }
    let parsed
    try {
      parsed = parseQuery(cmd, url.searchParams)
    } catch (err) {
      sendError(res, 400, toTsipfsError(err))
      return
    }
    const controller = new AbortController()
    res.on('close', () => { if (!res.writableFinished) controller.abort() })
    const hasFiles = (cmd.args ?? []).some(a => a.type === 'file')
    // --offline: every block read of this request stays local (see blocks/network-store.ts)
    offlineScope.enterWith(parsed.options.offline === true)
    const ctx: RunContext = {
      node: opts.node,
      args: parsed.args,
      options: parsed.options,
      files: hasFiles ? multipartEntries(req) : undefined,
      signal: signalFor(parsed.options, controller.signal),
      mode: 'daemon',
      shutdown: opts.shutdown
    }
    const base = { ...cors, 'Access-Control-Expose-Headers': EXPOSE, 'Cache-Control': 'no-cache', Vary: 'Origin' }
    // the length a `bytes` command states for its output, sent as Kubo sends it
    let length: number | undefined
    ctx.setLength = (n) => { length = n }
    let started = false
    let failed = false
    // ?encoding=text gives what the CLI prints; JSON otherwise
    const text = parsed.options.encoding === 'text' && cmd.text !== undefined
    const startStream = (): void => {
      if (started) return
      res.writeHead(200, {
        ...base,
        'Content-Type': cmd.output === 'bytes' || text ? 'text/plain' : 'application/json',
        [cmd.output === 'bytes' ? 'X-Stream-Output' : 'X-Chunked-Output']: '1',
        ...(length !== undefined ? { 'X-Content-Length': String(length) } : {}),
        Trailer: 'X-Stream-Error'
      })
      res.flushHeaders()
      started = true
    }
    if (cmd.output === 'stream') ctx.ready = startStream
    try {
      const encode = (value: unknown): string => (text ? formatResult(cmd, value, parsed.options, parsed.args) : toJSON(value) + '\n')
      const result = cmd.run(ctx)
      if (cmd.output === 'value') {
        const value = await (result as Promise<unknown>)
        // a command with nothing to say answers with an empty body, as Kubo's do
        const body = value === undefined ? '' : encode(value)
        res.writeHead(200, { ...base, 'Content-Type': text ? 'text/plain' : 'application/json', 'Content-Length': Buffer.byteLength(body) })
        res.end(body)
        return
      }
      const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      // the first result (or error) decides between an error response and a stream
      let next = await iterator.next()
      startStream()
      while (next.done !== true) {
        await write(res, cmd.output === 'bytes' ? next.value as Uint8Array : encode(next.value))
        next = await iterator.next()
      }
      res.end()
    } catch (err) {
      failed = true
      const e = toTsipfsError(err)
      if (!started) {
        // as Kubo: a request that cannot be parsed is 400, any error from the command itself is 500
        sendError(res, 500, e)
      } else if (!res.destroyed) {
        res.addTrailers({ 'X-Stream-Error': e.message })
        res.end()
      }
    } finally {
      opts.metrics?.countRequest(cmd.path.join(' '), failed)
      log.debug(`${cmd.path.join(' ')} ${failed ? 'failed' : 'ok'}`)
    }
  }
}

export interface RpcServer {
  server: Server
  port: number
  host: string
  close(): Promise<void>
}

export async function startRpcServer (host: string, port: number, opts: RpcOptions): Promise<RpcServer> {
  const handler = createRpcHandler(opts)
  const server = createServer({ requestTimeout: 0, highWaterMark: 1024 * 1024 }, (req, res) => {
    handler(req, res).catch((err: unknown) => { sendError(res, 500, toTsipfsError(err)) })
  })
  server.headersTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  const addr = server.address()
  const bound = typeof addr === 'object' && addr !== null ? addr.port : port
  return {
    server,
    port: bound,
    host,
    async close () {
      await new Promise<void>(resolve => {
        server.close(() => { resolve() })
        server.closeIdleConnections()
      })
    }
  }
}
