/**
 * Providing many CIDs at once. @libp2p/kad-dht's provide() runs one closest-peers lookup per CID (a dozen
 * or more FIND_NODE round trips) and then opens one stream per ADD_PROVIDER. Here the CIDs are sorted by
 * their Kademlia key, so that CIDs of one keyspace region are handled together:
 *
 * 1. one lookup of the k closest peers to a CID of the region. Every peer closer to that CID than the
 *    farthest of the k was returned (the lookup is complete), so all peers whose key shares m+1 leading
 *    bits with it (m: the bits it shares with the farthest) are known; that prefix is the region the lookup
 *    covers. When fewer than k peers come back, the whole network is known and the lookup covers everything.
 * 2. each CID of the region goes to its k closest peers among those known;
 * 3. each peer gets all its ADD_PROVIDER messages on one stream, written together.
 *
 * bench/provide.ts compares this with kad-dht's own provide() on one 16-node network (10,000 CIDs).
 */
import { EventTypes, type KadDHT } from '@libp2p/kad-dht'
import type { PeerId, AbortOptions, Stream } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

export interface BatchProvideParts {
  dht: KadDHT
  protocol: string
  peerId: PeerId
  /** Our addresses as this DHT announces them (the LAN DHT private ones, the Amino DHT public ones) */
  addresses: () => Multiaddr[]
  dialProtocol: (peer: PeerId, protocol: string, options?: AbortOptions) => Promise<Stream>
  /** Replication factor: how many peers store each provider record (kad-dht's k, 20) */
  k?: number
  /** Peers written to at once */
  concurrency?: number
}

export interface BatchProvideResult {
  /** CIDs announced to at least one peer */
  provided: number
  /** Closest-peer lookups run */
  lookups: number
  /** DHT messages sent: lookups' FIND_NODE requests and ADD_PROVIDER messages */
  messages: number
  /** Peers that could not be written to */
  failedPeers: number
}

export interface BatchProgress { done: number, total: number }

interface Known { id: PeerId, key: Uint8Array }

async function kadKey (bytes: Uint8Array): Promise<Uint8Array> {
  return (await sha256.digest(bytes)).digest
}

function compare (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return 0
}

/** Leading bits two keys share */
export function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = (a[i] as number) ^ (b[i] as number)
    if (x !== 0) return i * 8 + Math.clz32(x) - 24
  }
  return a.length * 8
}

/** XOR distance, compared byte by byte */
function closer (target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const d = ((a[i] as number) ^ (target[i] as number)) - ((b[i] as number) ^ (target[i] as number))
    if (d !== 0) return d
  }
  return 0
}

function varint (n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n >>>= 7 }
  out.push(n)
  return out
}

function field (tag: number, bytes: Uint8Array): number[] {
  return [tag, ...varint(bytes.length), ...bytes]
}

/**
 * An ADD_PROVIDER message of the DHT protocol (libp2p/specs kad-dht: Message.type = 2, key = the
 * multihash, providerPeers = [{ id, addrs }]). Encoded here because @libp2p/kad-dht does not export its
 * message codec; the layout is the spec's and the messages are read by kad-dht's and go-libp2p's servers.
 */
export function addProviderMessage (multihash: Uint8Array, peer: PeerId, addrs: Multiaddr[]): Uint8Array {
  const peerBytes = [...field(0x0a, peer.toMultihash().bytes), ...addrs.flatMap(a => field(0x12, a.bytes))]
  return Uint8Array.from([0x08, 2, ...field(0x12, multihash), ...field(0x4a, Uint8Array.from(peerBytes))])
}

/** A PING message (Message.type = 5) */
const PING = Uint8Array.from([0x08, 5])

export async function provideBatch (parts: BatchProvideParts, cids: CID[], options: AbortOptions & { onProgress?: (p: BatchProgress) => void } = {}): Promise<BatchProvideResult> {
  const k = parts.k ?? 20
  const result: BatchProvideResult = { provided: 0, lookups: 0, messages: 0, failedPeers: 0 }
  const addrs = parts.addresses()
  if (addrs.length === 0 || cids.length === 0) return result

  // one entry per multihash (CIDs of one multihash are one record), sorted by Kademlia key
  const byHash = new Map<string, Uint8Array>()
  for (const cid of cids) byHash.set(Buffer.from(cid.multihash.bytes).toString('base64'), cid.multihash.bytes)
  const items = await Promise.all([...byHash.values()].map(async mh => ({ mh, key: await kadKey(mh) })))
  items.sort((a, b) => compare(a.key, b.key))

  const known = new Map<string, Known>()
  let cover: { key: Uint8Array, bits: number, peers: Known[] } | undefined
  const perPeer = new Map<string, { id: PeerId, hashes: Uint8Array[] }>()

  for (const item of items) {
    options.signal?.throwIfAborted()
    if (cover === undefined || commonPrefixLength(cover.key, item.key) < cover.bits) {
      const found: Known[] = []
      for await (const e of parts.dht.getClosestPeers(item.mh, { signal: options.signal })) {
        if (e.type === EventTypes.SEND_QUERY) result.messages++
        if (e.type === EventTypes.FINAL_PEER && !e.peer.id.equals(parts.peerId)) {
          const s = e.peer.id.toString()
          const entry = known.get(s) ?? { id: e.peer.id, key: await kadKey(e.peer.id.toMultihash().bytes) }
          known.set(s, entry)
          found.push(entry)
        }
      }
      result.lookups++
      found.sort((a, b) => closer(item.key, a.key, b.key))
      const farthest = found[found.length - 1]
      const bits = found.length < k || farthest === undefined ? 0 : Math.min(commonPrefixLength(item.key, farthest.key) + 1, 256)
      cover = { key: item.key, bits, peers: found }
    }
    // candidates: the covering lookup's peers and every known peer inside the covered region
    const candidates = new Set(cover.peers)
    for (const p of known.values()) if (commonPrefixLength(p.key, cover.key) >= cover.bits) candidates.add(p)
    const closest = [...candidates].sort((a, b) => closer(item.key, a.key, b.key)).slice(0, k)
    for (const p of closest) {
      const s = p.id.toString()
      let entry = perPeer.get(s)
      if (entry === undefined) { entry = { id: p.id, hashes: [] }; perPeer.set(s, entry) }
      entry.hashes.push(item.mh)
    }
  }

  // every peer gets its records on one stream, a few peers at a time
  const sent = new Set<Uint8Array>()
  const queue = [...perPeer.values()]
  let done = 0
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const peer = next
      try {
        const stream = await parts.dialProtocol(peer.id, parts.protocol, { signal: options.signal })
        const lp = lpStream(stream)
        for (let i = 0; i < peer.hashes.length; i += 256) {
          const chunk = peer.hashes.slice(i, i + 256)
          await lp.writeV(chunk.map(mh => addProviderMessage(mh, parts.peerId, addrs)), { signal: options.signal })
          result.messages += chunk.length
          for (const mh of chunk) sent.add(mh)
        }
        // ADD_PROVIDER has no answer, and a server may stop reading once our side is closed (kad-dht checks
        // before each message): a PING last, answered only after everything before it was handled
        await lp.write(PING, { signal: options.signal })
        await lp.read({ signal: options.signal })
        result.messages++
        await stream.close({ signal: options.signal })
      } catch {
        result.failedPeers++
      }
      done++
      options.onProgress?.({ done, total: perPeer.size })
    }
  }
  await Promise.all(Array.from({ length: Math.min(parts.concurrency ?? 16, queue.length) }, worker))
  result.provided = sent.size
  return result
}
