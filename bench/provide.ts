/**
 * bench/provide: announcing many CIDs into one local DHT, in one run.
 *
 * A network of --nodes (16) libp2p 3 nodes on 127.0.0.1 (TCP, noise, yamux, identify, ping and
 * @libp2p/kad-dht in server mode on /ipfs/lan/kad/1.0.0), every node bootstrapped from node 0 and its
 * routing table refreshed. Two provider nodes join it the same way; each announces its own --cids (10,000)
 * random raw-leaf CIDs:
 *   - kad-dht: @libp2p/kad-dht's provide(), one call per CID (a closest-peers lookup, then one ADD_PROVIDER
 *     stream per peer), --concurrency (10, as kad-dht's own reprovider) calls at a time. It runs at about
 *     2 CIDs/s on this network, so 10,000 would take well over an hour: it provides --kad-cids (500) of its
 *     CIDs and its time for --cids is scaled from that (printed as such); --kad-cids 10000 runs them all
 *   - tsipfs: provideBatch() of src/core/routing/batch-provide.ts (CIDs grouped by keyspace region,
 *     one lookup per region, every peer's records on one stream)
 * Messages: DHT messages the provider sent (FIND_NODE requests of its lookups and ADD_PROVIDER messages),
 * from the query events. After each run, --check (200) of its CIDs are looked up from a node of the
 * network (findProviders, 10 at a time) to show that the records are where the lookup finds them.
 * Target: tsipfs at least 3x faster than kad-dht.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, EventTypes, type KadDHT } from '@libp2p/kad-dht'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import * as raw from 'multiformats/codecs/raw'
import { randomBytes } from 'node:crypto'
import { provideBatch } from '../src/core/routing/batch-provide.ts'
import { option } from './lib/options.ts'

const PROTOCOL = '/ipfs/lan/kad/1.0.0'
type DhtNode = Libp2p<{ dht: KadDHT, identify: unknown, ping: unknown }>

async function dhtNode (): Promise<DhtNode> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { maxConnections: 1000, maxIncomingPendingConnections: 1000, inboundConnectionThreshold: 1000 },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ protocol: PROTOCOL, clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true })
    }
  }) as unknown as DhtNode
}

async function join (node: DhtNode, bootstrap: DhtNode): Promise<void> {
  await node.dial(bootstrap.getMultiaddrs()[0]!)
}

async function randomCids (n: number): Promise<CID[]> {
  return await Promise.all(Array.from({ length: n }, async () => CID.createV1(raw.code, await sha256.digest(randomBytes(32)))))
}

/** How many of `cids` a lookup from `finder` finds `provider` for (10 lookups at a time, 30 s each) */
async function check (finder: DhtNode, provider: DhtNode, cids: CID[]): Promise<number> {
  let found = 0
  const queue = [...cids]
  await Promise.all(Array.from({ length: 10 }, async () => {
    for (let cid = queue.shift(); cid !== undefined; cid = queue.shift()) {
      try {
        for await (const e of finder.services.dht.findProviders(cid, { signal: AbortSignal.timeout(30_000) })) {
          if (e.type === EventTypes.PROVIDER && e.providers.some(p => p.id.equals(provider.peerId))) { found++; break }
        }
      } catch {}
    }
  }))
  return found
}

export async function main (args: string[]): Promise<void> {
  const nodes = option(args, 'nodes', 16)
  const count = option(args, 'cids', 10_000)
  const concurrency = option(args, 'concurrency', 10)
  const checkCount = option(args, 'check', 200)
  const kadCount = Math.min(option(args, 'kad-cids', 500), count)
  const net: DhtNode[] = []
  for (let i = 0; i < nodes; i++) net.push(await dhtNode())
  const [kadProvider, ourProvider] = [await dhtNode(), await dhtNode()]
  const all = [...net, kadProvider, ourProvider]
  try {
    for (const n of all.slice(1)) await join(n, net[0]!)
    for (const n of all) await n.services.dht.refreshRoutingTable()
    // wait until every routing table holds the whole network (or 60 s)
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const sizes = all.map(n => (n.services.dht as unknown as { routingTable: { size: number } }).routingTable.size)
      if (sizes.every(s => s >= Math.min(nodes, 20) - 1)) break
      await new Promise(resolve => setTimeout(resolve, 200))
    }
    const sizes = all.map(n => (n.services.dht as unknown as { routingTable: { size: number } }).routingTable.size)
    console.log(`network: ${nodes} DHT servers + 2 providers on 127.0.0.1; ${count} CIDs per provider; routing table sizes ${Math.min(...sizes)}-${Math.max(...sizes)}`)

    // @libp2p/kad-dht's own provide, one query per CID
    const kadCids = await randomCids(kadCount)
    let kadMessages = 0
    let next = 0
    const t0 = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < kadCids.length) {
        const cid = kadCids[next++]!
        for await (const e of kadProvider.services.dht.provide(cid)) {
          if (e.type === EventTypes.SEND_QUERY) kadMessages++
        }
      }
    }))
    const kadMeasured = performance.now() - t0
    // scaled to --cids when only --kad-cids were provided (per-CID cost is flat: one lookup per CID)
    const kadMs = kadMeasured * count / kadCount
    kadMessages = kadMessages * count / kadCount

    // ours, batched
    const ourCids = await randomCids(count)
    const t1 = performance.now()
    const ours = await provideBatch({
      dht: ourProvider.services.dht,
      protocol: PROTOCOL,
      peerId: ourProvider.peerId,
      addresses: () => ourProvider.getMultiaddrs(),
      dialProtocol: async (peer, protocol, options) => await ourProvider.dialProtocol(peer, protocol, options)
    }, ourCids)
    const ourMs = performance.now() - t1

    const sample = (cids: CID[]): CID[] => cids.slice(0, Math.min(checkCount, cids.length))
    const kadFound = await check(net[nodes - 1]!, kadProvider, sample(kadCids))
    const ourFound = await check(net[nodes - 1]!, ourProvider, sample(ourCids))

    const row = (name: string, ms: number, msgs: number, found: number): string =>
      `${name.padEnd(22)} ${(ms / 1000).toFixed(2).padStart(9)} s ${(count / (ms / 1000)).toFixed(0).padStart(9)} CIDs/s ${(msgs / count).toFixed(1).padStart(8)} msgs/CID   found ${found}/${Math.min(checkCount, count)}`
    console.log(`${'provider'.padEnd(22)} ${'time'.padStart(11)} ${'rate'.padStart(16)} ${'messages'.padStart(17)}`)
    console.log(row(`kad-dht provide (x${concurrency})`, kadMs, kadMessages, kadFound) + (kadCount < count ? `   (measured ${(kadMeasured / 1000).toFixed(1)} s for ${kadCount} CIDs, scaled)` : ''))
    console.log(row('tsipfs provideBatch', ourMs, ours.messages, ourFound))
    console.log(`tsipfs batch: ${ours.lookups} lookups, ${ours.peers} peers written, ${ours.failedPeers} failed${ours.errors.length > 0 ? ` (${ours.errors.join('; ')})` : ''}`)
    console.log(`ratio: tsipfs is ${(kadMs / ourMs).toFixed(1)}x faster (target >= 3x), ${(kadMessages / Math.max(ours.messages, 1)).toFixed(1)}x fewer messages`)
  } finally {
    await Promise.all(all.map(async n => { await n.stop() }))
  }
}
