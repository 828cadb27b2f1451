import { command } from './command.ts'
import { started } from './util.ts'
import { write } from '../cli/output.ts'
import { InvalidArgumentError } from '../core/errors.ts'

/** Kubo's cat draws no bar for an output it knows to be smaller than this */
const PROGRESS_MIN = 8 * 1024 * 1024

export default command<Uint8Array>({
  path: ['cat'],
  tagline: 'Show IPFS object data.',
  description: 'Displays the data contained by an IPFS or IPNS object(s) at the given path.',
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'The path to the IPFS object(s) to be outputted.' }],
  options: [
    { name: 'offset', aliases: ['o'], type: 'int', description: 'Byte offset to begin reading from.' },
    { name: 'length', aliases: ['l'], type: 'int', description: 'Maximum number of bytes to read.' },
    { name: 'progress', aliases: ['p'], type: 'bool', description: 'Stream progress data. Defaults to true when stderr is a terminal.' }
  ],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal, setLength }) {
    let offset = (options.offset as number | undefined) ?? 0
    const max = options.length as number | undefined
    if (offset < 0) throw new InvalidArgumentError('cannot specify negative offset')
    if (max !== undefined && max < 0) throw new InvalidArgumentError('cannot specify negative length')
    const offline = options.offline === true
    // as Kubo: every path is resolved and sized first; the offset and the length apply to the files end to end
    const reads: Array<{ path: string, offset: number, length: number }> = []
    let total = 0
    for (const arg of max === 0 ? [] : args) {
      const path = await node.names.toIpfsPath(arg, { signal })
      const size = await node.unixfs.fileSize(path, { signal, offline })
      if (offset > size) {
        offset -= size
        continue
      }
      const length = max !== undefined ? Math.min(size - offset, max - total) : size - offset
      reads.push({ path, offset, length })
      total += length
      offset = 0
      if (total === max) break
    }
    setLength?.(total)
    for (const r of reads) {
      if (r.length > 0) yield * node.unixfs.cat(r.path, { offset: r.offset, length: r.length, signal, offline })
    }
  },
  // Kubo's PostRun: the bytes on stdout, and a bar on a terminal's stderr unless the output is known to be small
  async consume (all, _options, _args, cli) {
    const results = await started(all)
    const length = cli.length() ?? 0
    const bar = length === 0 || length >= PROGRESS_MIN ? cli.bar(length) : undefined
    for await (const chunk of results) {
      await write(process.stdout, chunk)
      bar?.add(chunk.byteLength)
    }
    // Kubo clears the line at the end of the bytes, then draws the last frame
    bar?.clear()
    bar?.finish()
  }
})
