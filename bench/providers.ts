/**
 * bench/providers: one DAG fetched from one provider, then from three at once, when each provider's
 * upload is limited to --rate MB/s, as on a network where a provider's uplink sets the pace.
 *
 * bench/transfer runs the same cases on an unshaped loopback, where the CPUs set the pace instead: all the
 * daemons share this machine's cores, and with two cores the four processes of the three-provider case
 * keep them ~90% busy, as the two of the one-provider case do (/proc/stat over the fetch).
 * Three providers cost more CPU than one for the same bytes (each sends smaller writes), so there they
 * are slower. Here the CPUs have room, and the question is the one Bitswap sessions answer: do the wants
 * spread over every provider that has the DAG, without the same block arriving twice?
 *
 * The run starts itself again in a network namespace of its own (`unshare --net`, with --map-root-user
 * when not root; iproute2's `ip` and `tc` needed), brings that namespace's loopback up and shapes it with
 * tc: packets from 127.0.0.11, .12 and .13 (the providers' swarm addresses) each pass an htb class of
 * --rate; everything else is unlimited. The host's network is not touched, and the namespace ends with
 * the run.
 *
 * Each provider adds the file offline (`add --cid-version=1`) and runs a daemon; a fetcher connects to the
 * first provider only and is asked to pin the CID through its RPC API (timed); a second fetcher, on a
 * fresh repo, connects to all three and does the same. Printed: MB/s of each, the ratio, the blocks each
 * provider sent (`bitswap stat` BlocksSent) and the duplicates the fetcher received
 * (DupBlksReceived against BlocksReceived).
 * Targets: three providers faster than one; duplicate blocks < 5% of blocks received.
 * Options: --size <MiB> (128), --rate <MB/s> (25, per provider), --timeout <s> (600, per fetch).
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomFile } from './lib/data.ts'
import { option } from './lib/options.ts'
import { json, pinFetch, provider, stop, stopAll, type BitswapStat, type Daemon, type Fetch } from './lib/daemons.ts'

const INSIDE = 'TSIPFS_BENCH_NETNS'
const RUN = fileURLToPath(new URL('run.ts', import.meta.url))
const PROVIDERS = ['127.0.0.11', '127.0.0.12', '127.0.0.13']

/** Run this benchmark again inside a new network namespace; resolves with its exit code */
async function inNamespace (args: string[]): Promise<number> {
  const userns = process.getuid?.() === 0 ? [] : ['--map-root-user']
  const child = spawn('unshare', ['--net', ...userns, '--', process.execPath, RUN, 'providers', ...args], { stdio: 'inherit', env: { ...process.env, [INSIDE]: '1' } })
  return await new Promise((resolve) => {
    child.once('error', (err) => { console.error(`bench/providers needs util-linux's unshare: ${err.message}`); resolve(1) })
    child.once('close', (code) => { resolve(code ?? 1) })
  })
}

/** Loopback up; traffic from each provider address through an htb class of `rate` MB/s */
function shape (rate: number): void {
  const run = (cmd: string, args: string[]): void => { execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] }) }
  const mbit = `${Math.round(rate * 8)}mbit`
  run('ip', ['link', 'set', 'lo', 'up'])
  run('tc', ['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '99'])
  run('tc', ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:99', 'htb', 'rate', '100gbit', 'quantum', '65536'])
  for (const [i, ip] of PROVIDERS.entries()) {
    run('tc', ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', `1:${i + 1}`, 'htb', 'rate', mbit, 'ceil', mbit, 'burst', '256k', 'cburst', '256k', 'quantum', '65536'])
    run('tc', ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'src', `${ip}/32`, 'flowid', `1:${i + 1}`])
  }
}

/** `pinFetch`, with what each provider sent during this fetch only (their counters run on across fetches) */
async function fetchFrom (fetcher: Daemon, providers: Daemon[], cid: string, timeoutMs: number): Promise<Fetch> {
  const before = await Promise.all(providers.map(async p => (await json<BitswapStat>(p, ['bitswap', 'stat'])).BlocksSent))
  const r = await pinFetch(fetcher, providers, cid, timeoutMs)
  return { ...r, sent: r.sent?.map((n, i) => n - (before[i] ?? 0)) }
}

export async function main (args: string[]): Promise<void> {
  if (process.env[INSIDE] !== '1') {
    process.exitCode = await inNamespace(args)
    return
  }
  const sizeMiB = option(args, 'size', 128)
  const rate = option(args, 'rate', 25)
  const timeoutMs = option(args, 'timeout', 600) * 1000
  const size = sizeMiB * 1024 * 1024
  try {
    shape(rate)
  } catch (err) {
    console.error(`bench/providers could not shape its loopback (ip and tc from iproute2 are needed): ${(err as Error).message}`)
    process.exitCode = 1
    return
  }
  const dir = await mkdtemp(join(tmpdir(), 'tsipfs-bench-providers-'))
  const onSignal = (): void => { void stopAll().finally(() => rm(dir, { recursive: true, force: true })).finally(() => process.exit(130)) }
  process.once('SIGINT', onSignal)
  try {
    const file = join(dir, 'data.bin')
    await randomFile(file, size, 'providers')
    const providers: Daemon[] = []
    let cid = ''
    for (const [i, ip] of PROVIDERS.entries()) {
      const p = await provider(`provider ${i + 1}`, join(dir, `p${i + 1}`), file, `/ip4/${ip}/tcp/0`)
      providers.push(p.daemon)
      cid = p.cid as string
    }
    const first = (await provider('fetcher of 1', join(dir, 'f1'), undefined)).daemon
    const one = await fetchFrom(first, providers.slice(0, 1), cid, timeoutMs)
    // it has the DAG now, on an unshaped address, and announced it to the first provider's DHT: the second
    // fetcher would find it and fetch from it
    await stop(first.proc)
    const three = await fetchFrom((await provider('fetcher of 3', join(dir, 'f3'), undefined)).daemon, providers, cid, timeoutMs)

    const mbs = (r: Fetch): number => size / 1e6 / (r.ms / 1000)
    const dups = (r: Fetch): number => (r.dupBlocks ?? 0) / Math.max(1, r.blocks ?? 0)
    console.log(`bench/providers: ${sizeMiB} MiB random file, CID ${cid}; each provider's uplink ${rate} MB/s (tc htb in a network namespace of this run)`)
    for (const [name, r] of [['1 provider', one], ['3 providers', three]] as const) {
      console.log(`  ${name.padEnd(12)} ${mbs(r).toFixed(1).padStart(7)} MB/s  ${(r.ms / 1000).toFixed(2)} s  blocks received ${r.blocks ?? '?'}, duplicates ${r.dupBlocks ?? '?'} (${(dups(r) * 100).toFixed(2)}%), sent by each provider ${r.sent?.join(' / ') ?? '?'}`)
    }
    for (const [name, r] of [['1 provider', one], ['3 providers', three]] as const) {
      const sent = (r.sent ?? []).reduce((a, b) => a + b, 0)
      if (sent !== r.blocks) throw new Error(`${name}: the fetcher received ${r.blocks ?? '?'} blocks but the providers sent ${sent}: another peer served some`)
    }
    const ratio = mbs(three) / mbs(one)
    console.log('targets:')
    console.log(`  3 providers faster than 1:          ${ratio.toFixed(2)}x  ${ratio > 1 ? 'met' : 'NOT MET'}`)
    console.log(`  duplicate blocks < 5%, 3 providers: ${(dups(three) * 100).toFixed(2)}%  ${dups(three) < 0.05 ? 'met' : 'NOT MET'}`)
  } finally {
    process.off('SIGINT', onSignal)
    await stopAll()
    await rm(dir, { recursive: true, force: true })
  }
}
