import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { command, type OutputBar } from './command.ts'
import { started } from './util.ts'
import { InvalidArgumentError, WrongNodeTypeError } from '../core/errors.ts'
import { parsePath } from '../core/path.ts'

/** The gzip level with --compress (Kubo's getCompressOptions: 1-9 when given, the default level when not) */
function level (options: Record<string, unknown>): number {
  const l = typeof options['compression-level'] === 'number' ? options['compression-level'] : -1
  if (l !== -1 && (l < 1 || l > 9)) throw new InvalidArgumentError('compression level must be between 1 and 9')
  return l
}

/** The file an archive is written to, named as Kubo names it: .tar unless it ends so already, then .gz */
function archiveFile (name: string, options: Record<string, unknown>): string {
  let file = name
  if (options.archive === true && !file.endsWith('.tar') && !file.endsWith('.tar.gz')) file += '.tar'
  if (options.compress === true && !file.endsWith('.gz')) file += '.gz'
  return file
}

/** `get -C` without -a: a file's bytes gzipped, as Kubo writes them; anything else is not a regular file */
async function * gzipFile (source: AsyncIterable<Uint8Array>, level: number): AsyncGenerator<Uint8Array> {
  const gzip = createGzip({ level })
  const input = (async () => {
    try {
      for await (const chunk of source) if (!gzip.write(chunk)) await new Promise(resolve => gzip.once('drain', resolve))
      gzip.end()
    } catch (err) {
      gzip.destroy(err === null || typeof err !== 'object' ? new Error(String(err)) : err as Error)
    }
  })()
  for await (const chunk of gzip) yield chunk as Uint8Array
  await input
}

/** The bytes as they pass, counted on a progress bar */
async function * counted (source: AsyncIterable<Uint8Array>, bar: OutputBar | undefined): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    yield chunk
    bar?.add(chunk.byteLength)
  }
}

/** The name the output gets: -o, or the last path segment, or the CID */
function outputName (path: string, options: Record<string, unknown>): string {
  if (typeof options.output === 'string' && options.output !== '') return options.output
  return lastSegment(path)
}

/** The last segment of a path (`/ipfs/<cid>/a/b` gives b, `/ipns/<name>` the name), the CID of a bare one */
function lastSegment (path: string): string {
  if (path.startsWith('/ipns/')) return path.split('/').filter(s => s !== '').at(-1) ?? path
  const p = parsePath(path)
  return p.segments.at(-1) ?? p.root.toString()
}

export default command<Uint8Array>({
  path: ['get'],
  tagline: 'Download IPFS objects.',
  description: `
Stores to disk the data contained an IPFS or IPNS object(s) at the given path.

By default, the output will be stored at './<ipfs-path>', but an alternate path can be specified with
'--output=<path>' or '-o=<path>'.

To output a TAR archive instead of unpacked files, use '--archive' or '-a'.

To compress the output with GZIP compression, use '--compress' or '-C'. You may also specify the level of
compression by specifying '-l=<1-9>'.

Names in the DAG that could lead outside the output path ('..', names with '/') are refused.`,
  args: [{ name: 'ipfs-path', type: 'string', required: true, stdin: true, description: 'The path to the IPFS object(s) to be outputted.' }],
  options: [
    { name: 'output', aliases: ['o'], type: 'string', description: 'The path where the output should be stored.' },
    { name: 'archive', aliases: ['a'], type: 'bool', default: false, description: 'Output a TAR archive.' },
    { name: 'compress', aliases: ['C'], type: 'bool', default: false, description: 'Compress the output with GZIP compression.' },
    { name: 'compression-level', aliases: ['l'], type: 'int', default: -1, description: 'The level of compression (1-9).' },
    { name: 'progress', aliases: ['p'], type: 'bool', description: 'Stream progress data. Defaults to true when stderr is a terminal.' }
  ],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal, setLength }) {
    const compress = options.compress === true
    const lvl = compress ? level(options) : -1
    const name = lastSegment(args[0] as string)
    const path = await node.names.toIpfsPath(args[0] as string, { signal })
    // Kubo states the size of what the path holds, whatever the archive or the compression makes of it
    setLength?.(await node.unixfs.size(path, { signal }))
    if (compress && options.archive !== true) {
      const bytes = node.unixfs.cat(path, { signal })
      let first: IteratorResult<Uint8Array>
      const it = bytes[Symbol.asyncIterator]()
      try {
        first = await it.next()
      } catch (err) {
        if (err instanceof WrongNodeTypeError) throw new InvalidArgumentError('file is not regular')
        throw err
      }
      yield * gzipFile((async function * () {
        if (first.done !== true) yield first.value
        for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value
      })(), lvl)
      return
    }
    yield * node.unixfs.tar(path, name, { signal, gzipLevel: compress ? lvl : undefined })
  },
  async consume (all, options, args, cli) {
    const name = outputName(args[0] as string, options)
    if (options.compress === true) level(options)
    // the root is resolved and its first bytes read before anything is said, so that a path that cannot be
    // fetched prints only its error (as Kubo does), not 'Saving file(s) to'
    const results = await started(all)
    const size = cli.length() ?? 0
    // Kubo says where it saves on stdout; its bar counts the archive's bytes, or the files' as they are written
    if (options.archive === true || options.compress === true) {
      const file = archiveFile(name, options)
      process.stdout.write(`Saving archive to ${file}\n`)
      const bar = cli.bar(size)
      // an archive already there is replaced, as Kubo's os.Create replaces it
      await pipeline(Readable.from(counted(results, bar)), createWriteStream(file))
      bar?.clear()
      bar?.finish()
      return
    }
    process.stdout.write(`Saving file(s) to ${name}\n`)
    const bar = cli.bar(size)
    const { extractTar } = await import('../cli/extract.ts')
    await extractTar(results, name, (n) => { bar?.add(n) })
    // done: the whole size, as Kubo's last frame shows it
    bar?.set(size)
    bar?.finish()
  }
})
