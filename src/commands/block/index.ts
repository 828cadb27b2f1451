import { command, type Command } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { HARD_MAX_BLOCK_SIZE } from '../../core/blocks/limits.ts'
import { checkCidBase, formatCid, isHashName, readAll } from '../util.ts'

const get = command<Uint8Array>({
  path: ['block', 'get'],
  tagline: 'Get a raw IPFS block.',
  description: "'tsipfs block get' is a plumbing command for retrieving raw IPFS blocks. It outputs to stdout, and <cid> is a base58 or multibase encoded CID.",
  args: [{ name: 'cid', type: 'string', required: true, stdin: true, description: 'The CID of an existing block to get.' }],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    yield await node.block.get(await node.unixfs.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal }), { signal, offline: options.offline === true })
  }
})

const stat = command({
  path: ['block', 'stat'],
  tagline: 'Print information of a raw IPFS block.',
  description: "'tsipfs block stat' is a plumbing command for retrieving information on raw IPFS blocks. It outputs:\n\n  Key: <cid>\n  Size: <size>",
  args: [{ name: 'cid', type: 'string', required: true, stdin: true, description: 'The CID of an existing block to stat.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const s = await node.block.stat(await node.unixfs.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal }), { signal, offline: options.offline === true })
    return { Key: formatCid(s.Key, options), Size: s.Size }
  },
  text: (out) => `Key: ${out.Key}\nSize: ${out.Size}\n`
})

/** Kubo's fix-ups of legacy --format names (coreiface options.Block.Format) */
const LEGACY_FORMATS: Record<string, string> = { v0: 'dag-pb', protobuf: 'dag-pb', cbor: 'dag-cbor' }

const put = command({
  path: ['block', 'put'],
  tagline: 'Store input as an IPFS block.',
  description: "'tsipfs block put' is a plumbing command for storing raw IPFS blocks. It reads data from stdin or the files given, and outputs the block's CID to stdout.\n\nBlocks over 1 MiB are refused unless --allow-big-block is given (at most 4 MiB).",
  args: [{ name: 'data', type: 'file', required: true, variadic: true, stdin: true, description: 'The data to be stored as an IPFS block.' }],
  options: [
    { name: 'cid-codec', type: 'string', default: 'raw', description: 'Multicodec to use in returned CID.' },
    { name: 'mhtype', type: 'string', default: 'sha2-256', description: 'Multihash hash function.' },
    { name: 'mhlen', type: 'int', default: -1, description: 'Multihash hash length.' },
    { name: 'pin', type: 'bool', default: false, description: 'Pin added blocks recursively.' },
    { name: 'allow-big-block', type: 'bool', default: false, description: 'Disable block size check and allow creation of blocks bigger than 1MiB. WARNING: such blocks won\'t be transferable over the standard bitswap.' },
    { name: 'format', aliases: ['f'], type: 'string', description: 'Use legacy format for returned CID (DEPRECATED): a codec name, or v0 for a CIDv0 dag-pb block.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, files, options, signal }) {
    checkCidBase(options)
    if (files === undefined) throw new InvalidArgumentError('argument "data" is required')
    // --format (legacy, still sent by kubo-rpc-client): a codec name, v0 for CIDv0 dag-pb, Kubo's old names
    const format = typeof options.format === 'string' && options.format !== '' ? options.format : undefined
    if (format !== undefined && options['cid-codec'] !== 'raw') throw new InvalidArgumentError('unable to use "format" (deprecated) and a custom "cid-codec" at the same time')
    if (!await isHashName(String(options.mhtype))) throw new InvalidArgumentError(`unrecognized multihash function: ${String(options.mhtype)}`)
    for await (const entry of files) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError(`${entry.path}: block put takes files, not directories`)
      const bytes = await readAll(entry.content, HARD_MAX_BLOCK_SIZE)
      const r = await node.block.put(bytes, {
        codec: format === undefined ? String(options['cid-codec']) : LEGACY_FORMATS[format] ?? format,
        cidVersion: format === 'v0' ? 0 : undefined,
        mhtype: String(options.mhtype),
        mhlen: Number(options.mhlen),
        pin: options.pin === true,
        allowBigBlock: options['allow-big-block'] === true,
        signal
      })
      yield { Key: formatCid(r.Key, options), Size: r.Size }
    }
  },
  text: (out) => `${out.Key}\n`
})

const rm = command({
  path: ['block', 'rm'],
  tagline: 'Remove IPFS block(s) from the local datastore.',
  description: "'tsipfs block rm' is a plumbing command for removing raw ipfs blocks. It takes a list of CIDs to remove from the local datastore. Pinned blocks are not removed.",
  args: [{ name: 'cid', type: 'string', required: true, variadic: true, stdin: true, description: 'CIDs of block(s) to remove.' }],
  options: [
    { name: 'force', aliases: ['f'], type: 'bool', default: false, description: 'Ignore nonexistent blocks.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write minimal output.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, args, options, signal }) {
    // paths are taken too, as Kubo takes them (a bad one fails the command before anything is removed)
    const cids = []
    for (const a of args) cids.push(await node.unixfs.resolve(await node.names.toIpfsPath(a, { signal }), { signal }))
    // as Kubo: one entry per CID, those that could not be removed with their error, the removed ones left out
    // with --quiet; the response itself does not fail (the CLI does, after printing)
    for await (const r of node.block.rm(cids, { force: options.force === true, signal })) {
      if (r.Error !== undefined) yield { Hash: formatCid(r.Hash, options), Error: r.Error }
      else if (options.quiet !== true) yield { Hash: formatCid(r.Hash, options) }
    }
  },
  text (out) {
    if (out.Error !== undefined && out.Error !== '') return `cannot remove ${out.Hash}: ${out.Error}\n`
    return `removed ${out.Hash}\n`
  },
  // Kubo's PostRun, whatever --enc says: removed ones on stdout, failures on stderr, then the command fails
  async consume (results) {
    let failed = false
    for await (const r of results) {
      if (r.Error !== undefined && r.Error !== '') {
        failed = true
        process.stderr.write(`cannot remove ${r.Hash}: ${r.Error}\n`)
      } else {
        process.stdout.write(`removed ${r.Hash}\n`)
      }
    }
    if (failed) throw new InvalidArgumentError('some blocks not removed')
  }
})

export default [get, stat, put, rm] as Command[]
