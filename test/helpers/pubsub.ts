/**
 * Pubsub test helpers: daemons with pubsub on, a `pubsub sub` stream read over the RPC API (NDJSON),
 * libp2p nodes in the test process with gossipsub or floodsub, and a bounded wait for a condition.
 */
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'
import { multiaddr } from '@multiformats/multiaddr'
import { base64url } from 'multiformats/bases/base64'
import type { PrivateKey } from '@libp2p/interface'
import { harness, type Harness } from './cli.ts'
import { startDaemon, swarmAddr, type Daemon } from './daemon.ts'
import { setConfig } from './swarm.ts'
import type { PubsubRouter } from '../../src/core/pubsub/service.ts'

export interface Peer { h: Harness, d: Daemon, id: string, addr: string }

/** Wait (bounded) until `check` returns a value other than undefined/false */
export async function waitFor<T> (check: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** A daemon; `config` keys (dotted, as `config --json` takes them) are set in its config file before it starts */
export async function daemon (t: TestContext, config: Record<string, unknown> = {}, args: string[] = []): Promise<Peer> {
  const h = await harness(t)
  await setConfig(h, config)
  const d = await startDaemon(t, h, args)
  const addr = swarmAddr(d)
  return { h, d, addr, id: addr.split('/p2p/')[1] as string }
}

export const u = (text: string): string => base64url.encode(new TextEncoder().encode(text))
export const fromU = (text: string): Uint8Array => base64url.decode(text)

export interface WireMessage { from?: string, data?: string, seqno?: string, topicIDs?: string[] }

export interface RpcSubscription {
  messages: WireMessage[]
  /** The first message (already received or yet to come) whose data decodes to `text` */
  waitData(text: string): Promise<WireMessage>
  close(): void
}

/** POST /api/v0/pubsub/sub and collect the NDJSON messages as they stream in */
export async function rpcSub (t: TestContext, url: string, topic: string): Promise<RpcSubscription> {
  const controller = new AbortController()
  t.after(() => { controller.abort() })
  const res = await fetch(`${url}/api/v0/pubsub/sub?arg=${u(topic)}`, { method: 'POST', signal: controller.signal })
  assert.equal(res.status, 200, await (res.status === 200 ? Promise.resolve('') : res.text()))
  assert.equal(res.headers.get('x-chunked-output'), '1')
  const messages: WireMessage[] = []
  void (async () => {
    const reader = res.body?.getReader()
    if (reader === undefined) return
    let buffered = ''
    const decoder = new TextDecoder()
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffered += decoder.decode(value, { stream: true })
        let nl = buffered.indexOf('\n')
        while (nl !== -1) {
          const line = buffered.slice(0, nl).trim()
          buffered = buffered.slice(nl + 1)
          if (line !== '') messages.push(JSON.parse(line) as WireMessage)
          nl = buffered.indexOf('\n')
        }
      }
    } catch {}
  })()
  const dataOf = (m: WireMessage): string => m.data === undefined ? '' : new TextDecoder().decode(fromU(m.data))
  return {
    messages,
    waitData: async (text) => await waitFor(() => messages.find(m => dataOf(m) === text), `message ${JSON.stringify(text.slice(0, 40))} on ${topic}`),
    close: () => { controller.abort() }
  }
}

/**
 * The subscribers of `topic` that `p` sees, by `pubsub peers` on its RPC API: waits poll this every 100 ms,
 * and a CLI start each time was most of their CPU (the CLI's `pubsub peers` is checked in pubsub.test.ts)
 */
export async function peersOn (p: Peer, topic: string): Promise<string[]> {
  const res = await fetch(`${p.d.url}/api/v0/pubsub/peers?arg=${u(topic)}`, { method: 'POST' })
  const text = await res.text()
  assert.equal(res.status, 200, text)
  return (JSON.parse(text) as { Strings: string[] | null }).Strings ?? []
}

export type TestNode = Libp2p<{ identify: unknown, pubsub: PubsubRouter }>

/** A libp2p node in this process speaking gossipsub (which falls back to floodsub) or floodsub only */
export async function libp2pNode (t: TestContext, router: 'gossipsub' | 'floodsub', policy: 'StrictSign' | 'StrictNoSign' = 'StrictSign', privateKey?: PrivateKey): Promise<TestNode> {
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: (router === 'gossipsub'
        ? gossipsub({ globalSignaturePolicy: policy, allowPublishToZeroTopicPeers: true, emitSelf: false })
        : floodsub({ globalSignaturePolicy: policy })) as unknown as (c: any) => PubsubRouter
    }
  })
  t.after(async () => { await node.stop() })
  return node
}

export async function dialDaemon (node: TestNode, p: Peer): Promise<void> {
  await node.dial(multiaddr(p.addr))
}

/** Messages a test node receives on a topic, by data text */
export function collect (node: TestNode, topic: string): { texts: string[], waitData(text: string): Promise<unknown> } {
  const texts: string[] = []
  node.services.pubsub.addEventListener('message', (evt) => {
    if (evt.detail.topic === topic) texts.push(new TextDecoder().decode(evt.detail.data))
  })
  node.services.pubsub.subscribe(topic)
  return { texts, waitData: async (text) => await waitFor(() => texts.includes(text), `${JSON.stringify(text)} at the test node`) }
}
