/**
 * bench/rpc: the daemon and its RPC API, in one run:
 *   - time from `tsipfs daemon` to "Daemon is ready" on an initialised repo (median of 5)
 *   - add of a large file through the RPC API (the CLI streaming a multipart upload to the daemon) next to
 *     the offline add of the same file with the CLI on a fresh repo (target: at least 80%)
 *   - cat of that file over the RPC API on loopback (target: at least 500 MB/s)
 * Options: --size <MiB> (default 256).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomFile } from './lib/data.ts'
import { tcpAddress } from '../src/daemon/address.ts'
import { option } from './lib/options.ts'

const BIN = fileURLToPath(new URL('../bin/tsipfs.js', import.meta.url))

function init (repo: string): void {
  execFileSync(process.execPath, [BIN, 'init', '--profile=test'], { env: { ...process.env, IPFS_PATH: repo }, stdio: 'ignore' })
}

async function daemon (repo: string): Promise<{ readyMs: number, url: string, stop: () => Promise<void> }> {
  const start = performance.now()
  const child = spawn(process.execPath, [BIN, 'daemon'], { env: { ...process.env, IPFS_PATH: repo }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('Daemon is ready')) resolve()
    })
    child.once('close', () => { reject(new Error(`daemon exited: ${out}`)) })
  })
  const readyMs = performance.now() - start
  const { host, port } = tcpAddress((await readFile(join(repo, 'api'), 'utf8')).trim())
  const closed = new Promise(resolve => child.once('close', resolve))
  return { readyMs, url: `http://${host}:${port}`, stop: async () => { child.kill('SIGTERM'); await closed } }
}

function timed (repo: string, args: string[]): { ms: number, out: string } {
  execFileSync('sync')
  const start = performance.now()
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tsipfs ${args.join(' ')}: ${r.stderr}`)
  return { ms: performance.now() - start, out: r.stdout.trim() }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

export async function main (args: string[]): Promise<void> {
  const sizeMiB = option(args, 'size', 256)
  const mb = sizeMiB * 1024 * 1024 / 1e6
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-rpc-'))
  try {
    const file = join(dir, 'big.bin')
    await randomFile(file, sizeMiB * 1024 * 1024)
    const repo = join(dir, 'repo')
    init(repo)
    const ready: number[] = []
    for (let i = 0; i < 5; i++) {
      const d = await daemon(repo)
      ready.push(d.readyMs)
      await d.stop()
    }
    console.log(`bench/rpc: ${sizeMiB} MiB file`)
    console.log(`daemon start to ready: ${median(ready).toFixed(0)} ms (median of 5; target < 1000 ms)`)
    const offlineRates: number[] = []
    const rpcRates: number[] = []
    const catRates: number[] = []
    for (let i = 0; i < 3; i++) {
      const offRepo = join(dir, `off-${i}`)
      init(offRepo)
      const off = timed(offRepo, ['add', '-Q', file])
      offlineRates.push(mb / (off.ms / 1000))
      const rpcRepo = join(dir, `rpc-${i}`)
      init(rpcRepo)
      const d = await daemon(rpcRepo)
      try {
        const viaRpc = timed(rpcRepo, ['add', '-Q', file])
        if (viaRpc.out !== off.out) throw new Error(`CIDs differ: ${off.out} offline, ${viaRpc.out} over RPC`)
        rpcRates.push(mb / (viaRpc.ms / 1000))
        const start = performance.now()
        const res = await fetch(`${d.url}/api/v0/cat?arg=${viaRpc.out}`, { method: 'POST' })
        let bytes = 0
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength
        if (bytes !== sizeMiB * 1024 * 1024) throw new Error(`cat returned ${bytes} bytes`)
        catRates.push(bytes / 1e6 / ((performance.now() - start) / 1000))
      } finally {
        await d.stop()
      }
    }
    const off = median(offlineRates)
    const rpc = median(rpcRates)
    console.log(`add, CLI offline:         ${off.toFixed(0).padStart(6)} MB/s`)
    console.log(`add, CLI through the RPC: ${rpc.toFixed(0).padStart(6)} MB/s  (${(rpc / off * 100).toFixed(0)}% of offline; target >= 80%)`)
    console.log(`cat over the RPC API:     ${median(catRates).toFixed(0).padStart(6)} MB/s  (target >= 500 MB/s)`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
