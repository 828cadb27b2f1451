/**
 * Swarm test helpers: edit a harness repo's config before its daemon starts, start an online daemon and
 * read its peer ID and first swarm address, make plain libp2p nodes in the test process, and wait for a
 * condition (no timing assertion: the test's own timeout is the only limit).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import type { ConnectionEncrypter, PrivateKey, Transport } from '@libp2p/interface'
import { harness, type Harness } from './cli.ts'
import { startDaemon, swarmAddr, swarmAddrs, type Daemon } from './daemon.ts'
import { setKey, type JSONValue } from '../../src/core/repo/config.ts'

export async function configure (h: Pick<Harness, 'repo'>, mutate: (c: Record<string, any>) => void): Promise<void> {
  const file = join(h.repo, 'config')
  const c = JSON.parse(await readFile(file, 'utf8')) as Record<string, any>
  mutate(c)
  await writeFile(file, JSON.stringify(c, null, 2))
}

/**
 * Set config keys, dotted, as `tsipfs config --json <key> <value>` sets them (its setKey), in the repo's config file
 * before its daemon starts: one CLI start per key cost a second or more of CPU on a loaded machine
 * (the config command itself is tested in config.test.ts)
 */
export async function setConfig (h: Pick<Harness, 'repo'>, entries: Record<string, unknown>): Promise<void> {
  await configure(h, c => {
    for (const [key, value] of Object.entries(entries)) setKey(c, key, value as JSONValue)
  })
}

export interface Online { h: Harness, d: Daemon, id: string, addr: string, addrs: string[] }

export async function online (t: TestContext, options: { init?: string[], mutate?: (c: Record<string, any>) => void, env?: Record<string, string>, before?: (h: Harness) => Promise<void> } = {}): Promise<Online> {
  const h = await harness(t, { init: options.init === undefined })
  if (options.init !== undefined) await h.ok(['init', '--profile=test', ...options.init])
  if (options.mutate !== undefined) await configure(h, options.mutate)
  await options.before?.(h)
  const d = await startDaemon(t, h, [], options.env)
  const addrs = swarmAddrs(d)
  const addr = swarmAddr(d)
  return { h, d, id: addr.split('/p2p/').at(-1) as string, addr, addrs }
}

export async function plainNode (t: TestContext, options: { transports?: Array<(c: any) => Transport>, encrypters?: Array<(c: any) => ConnectionEncrypter>, listen?: string[], privateKey?: PrivateKey, services?: Record<string, (c: any) => unknown> } = {}): Promise<Libp2p<{ identify: unknown, ping: unknown } & Record<string, unknown>>> {
  const node = await createLibp2p({
    ...(options.privateKey === undefined ? {} : { privateKey: options.privateKey }),
    addresses: { listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    transports: options.transports ?? [tcp()],
    connectionEncrypters: options.encrypters ?? [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping(), ...options.services }
  })
  t.after(async () => { await node.stop() })
  return node
}

/** Poll until `check` holds; the test's timeout bounds it */
export async function until (check: () => Promise<boolean> | boolean, what: string, signal?: AbortSignal): Promise<void> {
  for (;;) {
    if (await check()) return
    if (signal?.aborted === true) throw new Error(`gave up waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

export async function peersOf (h: Pick<Harness, 'ok'>): Promise<Array<{ Peer: string, Addr: string }>> {
  return (JSON.parse(await h.ok(['swarm', 'peers', '--enc=json'])) as { Peers: Array<{ Peer: string, Addr: string }> | null }).Peers ?? []
}
