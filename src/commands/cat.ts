import { command } from './command.ts'
import { InvalidArgumentError } from '../core/errors.ts'

export default command<Uint8Array>({
  path: ['cat'],
  tagline: 'Show IPFS object data.',
  description: 'Displays the data contained by an IPFS or IPNS object(s) at the given path.',
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'The path to the IPFS object(s) to be outputted.' }],
  options: [
    { name: 'offset', aliases: ['o'], type: 'int', description: 'Byte offset to begin reading from.' },
    { name: 'length', aliases: ['l'], type: 'int', description: 'Maximum number of bytes to read.' },
    { name: 'progress', aliases: ['p'], type: 'bool', default: true, description: 'Stream progress data.' }
  ],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    const offset = options.offset as number | undefined
    let length = options.length as number | undefined
    if (offset !== undefined && offset < 0) throw new InvalidArgumentError('cannot specify negative offset')
    if (length !== undefined && length < 0) throw new InvalidArgumentError('cannot specify negative length')
    for (const path of args) {
      if (length === 0) return
      for await (const chunk of node.unixfs.cat(await node.names.toIpfsPath(path, { signal }), { offset, length, signal, offline: options.offline === true })) {
        if (length !== undefined) length -= chunk.byteLength
        yield chunk
      }
    }
  }
})
