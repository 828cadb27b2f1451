/**
 * bench/transfer: moving one random file of --size MiB between peers on 127.0.0.1, in one run, each peer a
 * process of its own:
 *   - tsipfs → tsipfs: daemon A adds the file (`add -Q --cid-version=1`), daemon B connects to A and is
 *     asked to pin the CID through its RPC API (`POST /api/v0/pin/add`, as kubo-rpc-client asks), which
 *     fetches every block over Bitswap into B's store; the time is that request's, seen from this process,
 *     like Helia's, which is timed inside its fetcher (a CLI round trip, `tsipfs id`, is printed apart)
 *   - Helia → Helia: a provider Helia node (createHeliaLight + withLibp2pLight + withBitswap over TCP, noise,
 *     yamux, identify) imports the same bytes with ipfs-unixfs-importer ({ cidVersion: 1, rawLeaves: true },
 *     checked to make tsipfs's CID); a fetcher Helia node dials it and drains ipfs-unixfs-exporter's
 *     `entry.content()` over its blockstore; timed in the fetcher from the dial to the last byte
 *   - raw libp2p stream: two libp2p 3 nodes (TCP, noise, yamux); the provider writes --size MiB in 256 KiB
 *     chunks on a `/tsipfs-bench/1.0.0` stream, the fetcher reads them all; timed from the dial to the end
 *   - 3 providers: three daemons add the same file, a fourth connects to all three and runs `pin add`
 *   - Kubo (if scripts/setup-go-tools.sh installed it; bench/lib/kubo.ts): Kubo → Kubo, two `ipfs daemon`s
 *     (test profile) timed like tsipfs → tsipfs (the `pin/add` request to the fetcher's RPC API), and the mixed pairs
 *     Kubo → tsipfs and tsipfs → Kubo (each with at most 120 s)
 * Duplicate blocks: `bitswap stat` DupBlksReceived against BlocksReceived on the fetcher (the target).
 * Duplicate data on the wire: `stats bw --proto /ipfs/bitswap/1.2.0` TotalIn on the fetcher against the file size, so
 * it also counts Bitswap's own framing (CIDs, prefixes, protobuf; well under 1% here) and the DAG's
 * non-leaf nodes; `bitswap stat` BlocksSent on each provider gives the split between the three.
 * Targets: tsipfs → tsipfs >= 2x Helia → Helia; tsipfs → tsipfs >= 80% of the raw stream; 3 providers
 * faster than 1 (bench/providers measures that with each provider's uplink limited, as here the four
 * processes compete for the same cores); duplicate blocks < 5% of blocks received (1 and 3 providers). A fetch that fails or passes --timeout fails the
 * run after the table is printed.
 * Options: --size <MiB> (256), --timeout <s> (600, for each fetch).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomFile } from './lib/data.ts'
import { kubo, kuboDaemon, kuboInstalled, KUBO, type KuboDaemon } from './lib/kubo.ts'
import { option } from './lib/options.ts'
import { BITSWAP, launch, pinFetch, procs, provider, rpcPin, stop, stopAll, tsipfs, waitFor, type Daemon, type Fetch } from './lib/daemons.ts'

// ---- the children's scripts (plain ES modules, run with `node --input-type=module -e`) ----

const STACK_IMPORTS = `
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
`
/** the same stack as tsipfs's daemon, on loopback only; no HTTP gateways, no delegated routers */
const STACK = '{ addresses: { listen: process.env.LISTEN === "1" ? ["/ip4/127.0.0.1/tcp/0"] : [] }, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] }'

const HELIA_NODE = `
${STACK_IMPORTS}
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { identify } from '@libp2p/identify'
const helia = withBitswap(withLibp2pLight(createHeliaLight(), { ...${STACK}, services: { identify: identify() } }))
await helia.start()
`

/** env FILE: imports it, prints `cid <cid>` and `addr <multiaddr>`, then serves until killed */
const HELIA_PROVIDER = `
import { createReadStream } from 'node:fs'
import { importer } from 'ipfs-unixfs-importer'
${HELIA_NODE}
let root
const content = createReadStream(process.env.FILE, { highWaterMark: 1024 * 1024 })
for await (const entry of importer([{ content }], helia.blockstore, { cidVersion: 1, rawLeaves: true })) root = entry.cid
console.log('cid ' + root.toString())
console.log('addr ' + helia.libp2p.getMultiaddrs()[0].toString())
`

/** env ADDR, CID, TIMEOUT_MS: dials, reads the whole file through the exporter, prints `done <ms> <bytes>` */
const HELIA_FETCHER = `
import { exporter } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
${HELIA_NODE}
const signal = AbortSignal.timeout(Number(process.env.TIMEOUT_MS))
const start = performance.now()
await helia.libp2p.dial(multiaddr(process.env.ADDR), { signal })
const entry = await exporter(CID.parse(process.env.CID), helia.blockstore, { signal })
let bytes = 0
for await (const chunk of entry.content({ signal })) bytes += chunk.byteLength
console.log('done ' + (performance.now() - start) + ' ' + bytes)
await helia.stop()
process.exit(0)
`

const RAW_NODE = `
import { createLibp2p } from 'libp2p'
${STACK_IMPORTS}
const PROTOCOL = '/tsipfs-bench/1.0.0'
const node = await createLibp2p(${STACK})
`

/** env SIZE: answers every stream on the protocol with SIZE bytes, 256 KiB a send; prints `addr <multiaddr>` */
const RAW_PROVIDER = `
import { randomBytes } from 'node:crypto'
${RAW_NODE}
const size = Number(process.env.SIZE)
const chunk = randomBytes(256 * 1024)
await node.handle(PROTOCOL, async (stream) => {
  try {
    for (let left = size; left > 0; left -= chunk.byteLength) {
      if (!stream.send(left >= chunk.byteLength ? chunk : chunk.subarray(0, left))) await stream.onDrain()
    }
    await stream.close()
  } catch (err) {
    console.error('provider: ' + err.stack)
    stream.abort(err)
  }
})
console.log('addr ' + node.getMultiaddrs()[0].toString())
`

/** env ADDR, TIMEOUT_MS: dials, reads the stream to its end, prints `done <ms> <bytes>` */
const RAW_FETCHER = `
${RAW_NODE}
const signal = AbortSignal.timeout(Number(process.env.TIMEOUT_MS))
const start = performance.now()
const stream = await node.dialProtocol(multiaddr(process.env.ADDR), PROTOCOL, { signal })
signal.addEventListener('abort', () => { stream.abort(new Error('timed out')) })
let bytes = 0
for await (const chunk of stream) bytes += chunk.byteLength
console.log('done ' + (performance.now() - start) + ' ' + bytes)
await stream.close().catch(() => {})
await node.stop()
process.exit(0)
`

/** A provider child and a fetcher child: the fetcher prints `done <ms> <bytes>` */
async function childFetch (name: string, providerScript: string, fetcherScript: string, env: Record<string, string>, size: number, timeoutMs: number, cid?: string): Promise<Fetch & { cid?: string }> {
  const provider = launch(`${name} provider`, process.execPath, ['--input-type=module', '-e', providerScript], { ...env, LISTEN: '1' })
  try {
    const addr = (await waitFor(provider, /^addr (\S+)$/m, 600_000))[1] as string
    const theirs = /^cid (\S+)$/m.exec(provider.out)?.[1]
    if (cid !== undefined && theirs !== cid) throw new Error(`${name}: the provider made ${String(theirs)}, tsipfs ${cid}`)
    const fetcher = launch(`${name} fetcher`, process.execPath, ['--input-type=module', '-e', fetcherScript], { LISTEN: '0', TIMEOUT_MS: String(timeoutMs), ADDR: addr, CID: theirs ?? '' })
    const m = await waitFor(fetcher, /^done (\S+) (\d+)$/m, timeoutMs + 60_000)
    if (Number(m[2]) !== size) throw new Error(`${name}: the fetcher read ${m[2] as string} bytes, not ${size}`)
    return { ms: Number(m[1]), cid: theirs }
  } finally {
    await Promise.all(procs.filter(p => p.name.startsWith(name)).map(stop))
  }
}

export async function main (args: string[]): Promise<void> {
  const sizeMiB = option(args, 'size', 256)
  const timeoutMs = option(args, 'timeout', 600) * 1000
  const size = sizeMiB * 1024 * 1024
  const mb = size / 1e6
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-transfer-'))
  const onSignal = (): void => { void stopAll().finally(() => rm(dir, { recursive: true, force: true })).finally(() => process.exit(130)) }
  process.once('SIGINT', onSignal)
  const failures: string[] = []
  const results = new Map<string, Fetch>()
  const attempt = async (name: string, run: () => Promise<Fetch>): Promise<void> => {
    try {
      results.set(name, await run())
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`)
    }
  }
  try {
    const file = join(dir, 'data.bin')
    await randomFile(file, size, 'transfer')
    let cid = ''
    let cliMs = 0

    await attempt('tsipfs → tsipfs', async () => {
      const a = await provider('daemon A', join(dir, 'a'), file)
      const b = await provider('daemon B', join(dir, 'b'), undefined)
      cid = a.cid as string
      try {
        const rounds: number[] = []
        for (let i = 0; i < 3; i++) {
          const start = performance.now()
          await tsipfs(b.daemon.repo, ['id'])
          rounds.push(performance.now() - start)
        }
        cliMs = [...rounds].sort((x, y) => x - y)[1] as number
        return await pinFetch(b.daemon, [a.daemon], cid, timeoutMs)
      } finally {
        await Promise.all([stop(a.daemon.proc), stop(b.daemon.proc)])
      }
    })

    await attempt('Helia → Helia', async () => {
      const r = await childFetch('Helia', HELIA_PROVIDER, HELIA_FETCHER, { FILE: file }, size, timeoutMs, cid === '' ? undefined : cid)
      if (cid === '') cid = r.cid ?? ''
      return r
    })

    await attempt('raw libp2p stream', async () => await childFetch('raw', RAW_PROVIDER, RAW_FETCHER, { SIZE: String(size) }, size, timeoutMs))

    await attempt('3 tsipfs → tsipfs', async () => {
      const ps: Daemon[] = []
      try {
        for (const i of [1, 2, 3]) {
          const p = await provider(`provider ${i}`, join(dir, `p${i}`), file)
          ps.push(p.daemon)
          if (cid !== '' && p.cid !== cid) throw new Error(`provider ${i} made ${String(p.cid)}, daemon A ${cid}`)
          cid = p.cid as string
        }
        const f = await provider('fetcher', join(dir, 'f'), undefined)
        ps.push(f.daemon)
        return await pinFetch(f.daemon, ps.slice(0, 3), cid, timeoutMs)
      } finally {
        await Promise.all(ps.map(async d => { await stop(d.proc) }))
      }
    })

    if (kuboInstalled()) {
      // `ipfs pin add` on a Kubo fetcher, or `tsipfs pin add` on a tsipfs one, after a swarm connect
      const fetchInto = async (fetcher: { kubo?: KuboDaemon, ours?: Daemon }, providerAddr: string, want: string, ms: number): Promise<Fetch> => {
        const run = async (args: string[], t?: number): Promise<string> => fetcher.kubo !== undefined ? await kubo(fetcher.kubo.repo, args, t) : await tsipfs((fetcher.ours as Daemon).repo, args, t)
        await run(['swarm', 'connect', providerAddr])
        const start = performance.now()
        const out = await rpcPin(fetcher.kubo?.repo ?? (fetcher.ours as Daemon).repo, want, ms)
        if (!out.includes(want)) throw new Error(`pin/add answered ${JSON.stringify(out)}`)
        return { ms: performance.now() - start }
      }
      const cross = Math.min(timeoutMs, 120_000)
      await attempt('Kubo → Kubo', async () => {
        const a = await kuboDaemon(join(dir, 'ka'), file)
        try {
          const b = await kuboDaemon(join(dir, 'kb'))
          try {
            if (cid !== '' && a.cid !== cid) throw new Error(`Kubo made ${String(a.cid)}, tsipfs ${cid}`)
            return await fetchInto({ kubo: b.daemon }, a.daemon.addr, a.cid as string, timeoutMs)
          } finally { await b.daemon.stop() }
        } finally { await a.daemon.stop() }
      })
      await attempt('Kubo → tsipfs', async () => {
        const a = await kuboDaemon(join(dir, 'kc'), file)
        try {
          const b = await provider('fetcher of Kubo', join(dir, 'tc'), undefined)
          try { return await fetchInto({ ours: b.daemon }, a.daemon.addr, a.cid as string, cross) } finally { await stop(b.daemon.proc) }
        } finally { await a.daemon.stop() }
      })
      await attempt('tsipfs → Kubo', async () => {
        const a = await provider('provider for Kubo', join(dir, 'td'), file)
        try {
          const b = await kuboDaemon(join(dir, 'kd'))
          try { return await fetchInto({ kubo: b.daemon }, a.daemon.addr, a.cid as string, cross) } finally { await b.daemon.stop() }
        } finally { await stop(a.daemon.proc) }
      })
    } else {
      console.log(`Kubo not installed (${KUBO}): no Kubo cases (bash scripts/setup-go-tools.sh installs it)`)
    }

    // ---- report ----
    const rate = (r: Fetch | undefined): number | undefined => r === undefined ? undefined : mb / (r.ms / 1000)
    const one = rate(results.get('tsipfs → tsipfs'))
    const helia = rate(results.get('Helia → Helia'))
    const raw = rate(results.get('raw libp2p stream'))
    const three = rate(results.get('3 tsipfs → tsipfs'))
    const kuboRate = rate(results.get('Kubo → Kubo'))
    const ratio = (x: number | undefined, base: number | undefined): string => x === undefined || base === undefined ? '' : `${(x / base).toFixed(2)}x`
    console.log(`bench/transfer: ${sizeMiB} MiB random file (${mb.toFixed(1)} MB), CID ${cid === '' ? '?' : cid}, all peers on 127.0.0.1, each in its own process`)
    const head = ['case', 'MB/s', 'seconds', 'vs Helia', 'vs raw', 'vs Kubo']
    const table: string[][] = [head]
    const names = ['tsipfs → tsipfs', 'Helia → Helia', 'raw libp2p stream', '3 tsipfs → tsipfs', ...(kuboInstalled() ? ['Kubo → Kubo', 'Kubo → tsipfs', 'tsipfs → Kubo'] : [])]
    for (const name of names) {
      const r = results.get(name)
      const x = rate(r)
      table.push(r === undefined || x === undefined ? [name, 'FAILED', '', '', '', ''] : [name, x.toFixed(1), (r.ms / 1000).toFixed(2), ratio(x, helia), ratio(x, raw), ratio(x, kuboRate)])
    }
    const widths = head.map((_, c) => Math.max(...table.map(row => (row[c] as string).length)))
    for (const row of table) console.log(row.map((cell, c) => c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)).join('  '))
    if (one !== undefined) {
      const cli = mb / ((results.get('tsipfs → tsipfs') as Fetch).ms / 1000 + cliMs / 1000)
      console.log(`the times are the \`pin/add\` RPC request's; a CLI round trip (\`tsipfs id\`, median of 3) takes ${(cliMs / 1000).toFixed(2)} s, so \`tsipfs pin add\` from a shell would make tsipfs → tsipfs ${cli.toFixed(1)} MB/s`)
    }

    const dup = (r: Fetch | undefined): number | undefined => r?.wireIn === undefined ? undefined : (r.wireIn - size) / size
    for (const name of ['tsipfs → tsipfs', '3 tsipfs → tsipfs']) {
      const r = results.get(name)
      if (r === undefined) continue
      const split = (r.sent ?? []).length > 1 ? `; blocks sent by each provider: ${(r.sent ?? []).join(' / ')} (still connected to ${r.connected}/${(r.sent ?? []).length})` : ''
      const dups = r.dupBlocks === undefined ? 'duplicates not counted' : `${r.dupBlocks} duplicate blocks (${r.dupData} B)`
      console.log(`${name}: ${r.blocks} blocks, ${r.data} block bytes received, ${dups} (bitswap stat); ${BITSWAP} in: ${r.wireIn} B, ${((dup(r) ?? 0) * 100).toFixed(2)}% over the file size (Bitswap framing and the DAG's non-leaf nodes included)${split}`)
    }

    const verdict = (ok: boolean | undefined): string => ok === undefined ? 'n/a (a case failed)' : ok ? 'PASS' : 'FAIL'
    const both = (x: number | undefined, y: number | undefined, f: (x: number, y: number) => boolean): boolean | undefined => x === undefined || y === undefined ? undefined : f(x, y)
    // duplicate blocks as a share of blocks received (bitswap stat); the share of extra bytes on the wire
    // where the daemon does not count duplicates
    const dupShare = (r: Fetch | undefined): number | undefined => r?.dupBlocks !== undefined && r.blocks !== undefined && r.blocks > 0 ? r.dupBlocks / r.blocks : dup(r)
    const d1 = dupShare(results.get('tsipfs → tsipfs'))
    const d3 = dupShare(results.get('3 tsipfs → tsipfs'))
    console.log('targets:')
    console.log(`  tsipfs → tsipfs >= 2x Helia → Helia:      ${ratio(one, helia).padStart(7)}  ${verdict(both(one, helia, (x, y) => x >= 2 * y))}`)
    console.log(`  tsipfs → tsipfs >= 80% of the raw stream: ${(one === undefined || raw === undefined ? '' : `${(one / raw * 100).toFixed(0)}%`).padStart(7)}  ${verdict(both(one, raw, (x, y) => x >= 0.8 * y))}`)
    console.log(`  3 providers faster than 1:                ${ratio(three, one).padStart(7)}  ${verdict(both(three, one, (x, y) => x > y))}`)
    console.log('    (all daemons share this machine\'s cores here; `npm run bench -- providers` limits each provider\'s uplink instead)')
    console.log(`  duplicate blocks < 5%, 1 provider:        ${(d1 === undefined ? '' : `${(d1 * 100).toFixed(2)}%`).padStart(7)}  ${verdict(d1 === undefined ? undefined : d1 < 0.05)}`)
    console.log(`  duplicate blocks < 5%, 3 providers:       ${(d3 === undefined ? '' : `${(d3 * 100).toFixed(2)}%`).padStart(7)}  ${verdict(d3 === undefined ? undefined : d3 < 0.05)}`)
    if (failures.length > 0) throw new Error(`failed:\n  ${failures.join('\n  ')}`)
  } finally {
    process.removeListener('SIGINT', onSignal)
    await stopAll()
    await rm(dir, { recursive: true, force: true })
  }
}
