import { command, type Command, type InputEntry } from '../command.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import { HARD_MAX_BLOCK_SIZE } from '../../core/blocks/limits.ts'
import { CID } from 'multiformats/cid'
import { humanSize } from '../repo/index.ts'
import { checkCidBase, formatCid, isHashName, optionsFromPath, readAll } from '../util.ts'

const put = command({
  path: ['dag', 'put'],
  tagline: 'Add a DAG node to IPFS.',
  description: "'tsipfs dag put' accepts input from a file or stdin and parses it into an object of the specified format (--input-codec, default dag-json), then stores it encoded with --store-codec (default dag-cbor).",
  args: [{ name: 'object data', type: 'file', required: true, variadic: true, stdin: true, description: 'The object to put.' }],
  options: [
    { name: 'store-codec', type: 'string', default: 'dag-cbor', description: 'Codec that the stored object will be encoded with.' },
    { name: 'input-codec', type: 'string', default: 'dag-json', description: 'Codec that the input object is encoded in.' },
    { name: 'pin', type: 'bool', default: false, description: 'Pin this object when adding.' },
    { name: 'hash', type: 'string', default: 'sha2-256', description: 'Hash function to use.' },
    { name: 'allow-big-block', type: 'bool', default: false, description: 'Disable block size check and allow creation of blocks bigger than 1MiB.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, files, options, signal }) {
    checkCidBase(options)
    if (files === undefined) throw new InvalidArgumentError('argument "object data" is required')
    // Kubo reads --hash as a multicodec name
    if (!await isHashName(String(options.hash))) throw new InvalidArgumentError(`unknown multicodec: ${JSON.stringify(String(options.hash))}`)
    for await (const entry of files) {
      if (entry.content === undefined) throw new InvalidArgumentError(`${entry.path}: not a file`)
      const cid = await node.dag.put(await readAll(entry.content, HARD_MAX_BLOCK_SIZE * 2), {
        storeCodec: String(options['store-codec']),
        inputCodec: String(options['input-codec']),
        hash: String(options.hash),
        pin: options.pin === true,
        allowBigBlock: options['allow-big-block'] === true,
        signal
      })
      yield { Cid: { '/': formatCid(cid, options) } }
    }
  },
  text: (out) => `${out.Cid['/']}\n`
})

const get = command<Uint8Array>({
  path: ['dag', 'get'],
  tagline: 'Get a DAG node from IPFS.',
  description: "'tsipfs dag get' fetches a DAG node from IPFS and prints it out in the specified format (--output-codec, default dag-json). A path inside the node prints the value there.",
  args: [{ name: 'ref', type: 'string', required: true, description: 'The object to get.' }],
  options: [{ name: 'output-codec', type: 'string', default: 'dag-json', description: 'Format that the object will be encoded as.' }],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    const r = await node.dag.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal })
    const { codecByCode, codecCode } = await import('../../core/blocks/codecs.ts')
    const codec = codecByCode(codecCode(String(options['output-codec'])))
    if (codec.code === 0x55) {
      if (r.remainder.length > 0) throw new InvalidArgumentError('cannot output a path inside a node as raw bytes')
      yield await node.block.get(r.cid, { signal })
      return
    }
    yield codec.encode(r.value)
  }
})

const resolve = command({
  path: ['dag', 'resolve'],
  tagline: 'Resolve IPLD block.',
  description: "'tsipfs dag resolve' fetches a DAG node from IPFS, prints its address and remaining path.",
  args: [{ name: 'ref', type: 'string', required: true, description: 'The path to resolve.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const r = await node.dag.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal })
    // Kubo's JSON holds the CID as it is (a link); only its text applies --cid-base, or the path's own base
    return { Cid: { '/': r.cid.toString() }, RemPath: r.remainder.join('/') }
  },
  // Kubo prints it without a newline
  text: (out, options, args) => `${formatCid(CID.parse(out.Cid['/']), optionsFromPath(args[0] ?? '', options))}${out.RemPath !== '' ? '/' + out.RemPath : ''}`
})

interface StatOut { UniqueBlocks: number, TotalSize: number, SharedSize?: number, Ratio: number, DagStats: Array<{ Cid: string, Size: number, NumBlocks: number }> }

/** A float32 as Go's encoding/json writes one: the shortest decimal that reads back as the same float32 */
function float32 (n: number): number {
  const f = Math.fround(n)
  for (let digits = 1; digits < 10; digits++) {
    const short = Number(f.toPrecision(digits))
    if (Math.fround(short) === f) return short
  }
  return f
}

const stat = command<StatOut>({
  path: ['dag', 'stat'],
  tagline: 'Gets stats for a DAG.',
  description: "'tsipfs dag stat' fetches a DAG and returns various statistics about it: the total size of its blocks and their count, per root and in total (blocks shared between roots counted once).",
  args: [{ name: 'root', type: 'string', required: true, variadic: true, description: 'CID of a DAG root to get statistics for.' }],
  options: [{ name: 'progress', aliases: ['p'], type: 'bool', default: false, description: 'Return progressive data while reading through the DAG.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options, signal }) {
    const seen = new Map<string, number>()
    const stats: StatOut['DagStats'] = []
    let redundant = 0
    for (const a of args) {
      const cid = await node.unixfs.resolve(await node.names.toIpfsPath(a, { signal }), { signal })
      let size = 0
      let numBlocks = 0
      for await (const b of node.dag.blocksOf(cid, { signal })) {
        size += b.bytes.byteLength
        numBlocks++
        seen.set(b.cid.multihash.bytes.toString(), b.bytes.byteLength)
      }
      redundant += size
      // Kubo's DagStat: the CID as a plain string
      stats.push({ Cid: formatCid(cid, options), Size: size, NumBlocks: numBlocks })
    }
    let total = 0
    for (const s of seen.values()) total += s
    // Kubo's DagStatSummary: SharedSize left out when 0 (omitempty), Ratio a float32
    const shared = redundant - total
    return { UniqueBlocks: seen.size, TotalSize: total, ...(shared > 0 ? { SharedSize: shared } : {}), Ratio: total === 0 ? 1 : float32(redundant / total), DagStats: stats }
  },
  text (out) {
    // Kubo's text: a tab-separated table whose CID column is as wide as the first CID and Blocks 15 wide, the
    // sizes also in go-humanize's words, and two empty lines at the end
    const width = out.DagStats[0]?.Cid.length ?? 0
    const lines = ['', `${'CID'.padEnd(width)}\t${'Blocks'.padEnd(15)}\tSize`]
    for (const s of out.DagStats) lines.push(`${s.Cid}\t${String(s.NumBlocks).padEnd(15)}\t${s.Size}`)
    const shared = out.SharedSize ?? 0
    lines.push('', 'Summary', `Total Size: ${out.TotalSize} (${humanSize(out.TotalSize)})`, `Unique Blocks: ${out.UniqueBlocks}`,
      `Shared Size: ${shared} (${humanSize(shared)})`, `Ratio: ${out.Ratio.toFixed(6)}`, '', '', '')
    return lines.join('\n')
  }
})

const exp = command<Uint8Array>({
  path: ['dag', 'export'],
  tagline: 'Streams the selected DAG as a .car stream on stdout.',
  description: "'tsipfs dag export' fetches a DAG and streams it out as a well-formed .car file (CARv1, blocks depth-first, each once), as Kubo writes it.",
  args: [{ name: 'root', type: 'string', required: true, description: 'CID of a root to recursively export.' }],
  options: [{ name: 'progress', aliases: ['p'], type: 'bool', default: false, description: 'Display progress on CLI.' }],
  output: 'bytes',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    const root = await node.unixfs.resolve(await node.names.toIpfsPath(args[0] as string, { signal }), { signal })
    // the root is there before the CAR header goes out: a missing root is only an error, as Kubo says it
    await node.block.stat(root, { signal, offline: options.offline === true })
    yield * node.dag.export(root, { signal })
  }
})

type ImportOut = { Root: { Cid: { '/': string }, PinErrorMsg: string } } | { Stats: { BlockCount: number, BlockBytesCount: number } }

const imp = command<ImportOut>({
  path: ['dag', 'import'],
  tagline: 'Import the contents of .car files.',
  description: "'tsipfs dag import' imports all blocks present in supplied .car (Content Address aRchive) files (CARv1 or CARv2), verifying each block against its CID, and by default recursively pins the roots named in the headers once every block is stored.",
  args: [{ name: 'path', type: 'file', required: true, variadic: true, stdin: true, description: 'The path of a .car file.' }],
  options: [
    { name: 'pin-roots', type: 'bool', default: true, description: 'Pin optional roots listed in the .car headers after importing.' },
    { name: 'silent', type: 'bool', default: false, description: 'No output.' },
    { name: 'stats', type: 'bool', default: false, description: 'Output stats.' },
    { name: 'allow-big-block', type: 'bool', default: false, description: 'Disable block size check and allow import of blocks bigger than 1MiB.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, files, options, signal }) {
    checkCidBase(options)
    if (files === undefined) throw new InvalidArgumentError('argument "path" is required')
    const sources = (async function * (entries: AsyncIterable<InputEntry>) {
      for await (const e of entries) {
        if (e.content === undefined) throw new InvalidArgumentError(`${e.path}: not a file`)
        yield e.content
      }
    })(files)
    const r = await node.dag.import(sources, { pinRoots: options['pin-roots'] !== false, allowBigBlock: options['allow-big-block'] === true, signal })
    if (options['pin-roots'] !== false) {
      for (const root of r.roots) yield { Root: { Cid: { '/': formatCid(root.cid, options) }, PinErrorMsg: root.pinError } }
    }
    if (options.stats === true) yield { Stats: { BlockCount: r.blockCount, BlockBytesCount: r.blockBytes } }
  },
  text (out, options) {
    if (options.silent === true) return ''
    if ('Stats' in out) return `Imported ${out.Stats.BlockCount} blocks (${out.Stats.BlockBytesCount} bytes)\n`
    return out.Root.PinErrorMsg === '' ? `Pinned root\t${out.Root.Cid['/']}\tsuccess\n` : `Pinned root\t${out.Root.Cid['/']}\tFAILED: ${out.Root.PinErrorMsg}\n`
  }
})

export default [put, get, resolve, stat, exp, imp] as Command[]
