/**
 * One add, measured in a process of its own so that its peak memory is its own. Prints one JSON line:
 * { ms, cid, maxRssMB }. Modes:
 *   tsipfs <repo> <path>  the core API (createNode + unixfs.add with Kubo's defaults, pinned), reading files
 *                         with the CLI's own reader
 *   helia  <dir> <path>   ipfs-unixfs-importer with the same options into blockstore-fs (Helia's store)
 */
import { createReadStream } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join, basename } from 'node:path'
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { FsBlockstore } from 'blockstore-fs'
import { createNode } from '../../src/core/node.ts'
import { localEntries } from '../../src/cli/inputs.ts'
import type { InputEntry } from '../../src/commands/command.ts'

async function * walk (abs: string, rel: string): AsyncGenerator<InputEntry> {
  const st = await lstat(abs)
  if (st.isDirectory()) {
    yield { path: rel, type: 'directory' }
    for (const name of (await readdir(abs)).sort()) yield * walk(join(abs, name), `${rel}/${name}`)
  } else {
    yield { path: rel, type: 'file', content: createReadStream(abs, { highWaterMark: 1024 * 1024 }) }
  }
}

const [mode, store, path] = process.argv.slice(2) as [string, string, string]
const start = performance.now()
let cid = ''
if (mode === 'tsipfs') {
  const node = await createNode({ repoPath: store })
  // the CLI's own reader of local files
  for await (const r of node.unixfs.add(localEntries([path], { recursive: true }))) cid = r.cid.toString()
  await node.stop()
} else {
  const bs = new FsBlockstore(store)
  await bs.open()
  const candidates = async function * (): AsyncGenerator<ImportCandidate> {
    for await (const e of walk(path, basename(path))) {
      yield e.type === 'file' ? { path: e.path, content: e.content ?? [] } : { path: e.path }
    }
  }
  for await (const r of importer(candidates(), bs, { cidVersion: 0, rawLeaves: false, chunker: fixedSize({ chunkSize: 262144 }), layout: balanced({ maxChildrenPerNode: 174 }), reduceSingleLeafToSelf: true })) cid = r.cid.toString()
  await bs.close()
}
const ms = performance.now() - start
console.log(JSON.stringify({ ms, cid, maxRssMB: process.resourceUsage().maxRSS / 1024 }))
