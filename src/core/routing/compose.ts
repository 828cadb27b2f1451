/**
 * One Routing made of several (the DHTs, delegated HTTP routers…), as Bitswap, IPNS and the routing
 * commands see it. Every router is asked at once: providers and closest peers are merged as they arrive
 * (each peer once), the first peer record found wins, `get` keeps the best valid record of all routers
 * (IPNS: highest sequence, then longest validity) and `put`/`provide` go to every router. A router that
 * fails is skipped as long as another one answers; if all fail, the first failure is thrown.
 */
import type { Routing, Provider, Peer, RoutingOptions } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'
import { NotFoundError } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** Picks the better of two valid records for a key: a positive number if `a` is better */
export type RecordSelector = (key: Uint8Array, a: Uint8Array, b: Uint8Array) => number

/** Run one call on every router; resolve when all settled, fail only if every router failed */
async function all<T> (routers: Routing[], call: (r: Routing) => Promise<T>): Promise<Array<Awaited<T>>> {
  const results = await Promise.allSettled(routers.map(call))
  const ok = results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map(r => r.value)
  if (ok.length === 0 && results.length > 0) throw (results[0] as PromiseRejectedResult).reason
  return ok
}

/** Merge async iterables into one, in arrival order; a source that fails ends quietly unless all fail */
async function * merge<T> (sources: Array<AsyncIterable<T>>, signal?: AbortSignal): AsyncGenerator<T> {
  const queue: T[] = []
  let wake: (() => void) | undefined
  let running = sources.length
  const errors: unknown[] = []
  let yielded = 0
  for (const source of sources) {
    void (async () => {
      try {
        for await (const item of source) {
          queue.push(item)
          wake?.()
        }
      } catch (err) {
        errors.push(err)
      } finally {
        running--
        wake?.()
      }
    })()
  }
  while (true) {
    signal?.throwIfAborted()
    const item = queue.shift()
    if (item !== undefined) {
      yielded++
      yield item
      continue
    }
    if (running === 0) break
    await new Promise<void>(resolve => { wake = resolve })
    wake = undefined
  }
  if (yielded === 0 && errors.length === sources.length && errors.length > 0) throw errors[0]
}

export function composeRouting (routers: Routing[], options: { select?: RecordSelector } = {}): Routing {
  return {
    async provide (cid: CID, opts?: RoutingOptions) {
      await all(routers, async r => { await r.provide(cid, opts) })
    },

    async cancelReprovide (cid: CID, opts?: AbortOptions) {
      await all(routers, async r => { await r.cancelReprovide(cid, opts) })
    },

    async * findProviders (cid: CID, opts?: RoutingOptions): AsyncGenerator<Provider> {
      const seen = new Set<string>()
      for await (const p of merge(routers.map(r => r.findProviders(cid, opts)), opts?.signal)) {
        const id = p.id.toString()
        if (seen.has(id)) continue
        seen.add(id)
        yield p
      }
    },

    async put (key: Uint8Array, value: Uint8Array, opts?: RoutingOptions) {
      await all(routers, async r => { await r.put(key, value, opts) })
    },

    async get (key: Uint8Array, opts?: RoutingOptions): Promise<Uint8Array<ArrayBuffer>> {
      if (routers.length === 0) throw new NotFoundError('no routers configured')
      const found = await all(routers, async r => await r.get(key, opts))
      if (found.length === 0) throw new NotFoundError('routing: not found')
      const select = options.select
      let best = found[0] as Uint8Array<ArrayBuffer>
      for (const value of found.slice(1)) {
        if (select !== undefined && select(key, value, best) > 0) best = value
      }
      return best
    },

    async findPeer (peer: CID, opts?: RoutingOptions): Promise<Peer> {
      if (routers.length === 0) throw new NotFoundError('no peer routers configured')
      return await Promise.any(routers.map(async r => await r.findPeer(peer, opts))).catch((err: AggregateError) => {
        throw err.errors[0] ?? new NotFoundError('routing: not found')
      })
    },

    async * getClosestPeers (key: Uint8Array, opts?: RoutingOptions): AsyncGenerator<Peer> {
      const seen = new Set<string>()
      for await (const p of merge(routers.map(r => r.getClosestPeers(key, opts)), opts?.signal)) {
        const id = p.id.toString()
        if (seen.has(id)) continue
        seen.add(id)
        yield p
      }
    }
  }
}
