/**
 * The pieces of Routing.Type custom (Kubo's Routing.Routers and Routing.Methods): a router per method,
 * sequential routers (the first that answers wins), and per-child Timeout, ExecuteAfter and IgnoreErrors.
 */
import type { Routing, RoutingOptions } from '@helia/interface'
import { NotFoundError } from '@libp2p/interface'
import type { RoutingMethod } from './plan.ts'

/** Each method answered by the router Routing.Methods names for it */
export function methodRouting (by: Record<RoutingMethod, Routing>): Routing {
  return {
    provide: async (cid, o) => { await by.provide.provide(cid, o) },
    cancelReprovide: async (cid, o) => { await by.provide.cancelReprovide(cid, o) },
    findProviders: (cid, o) => by['find-providers'].findProviders(cid, o),
    put: async (key, value, o) => { await by['put-ipns'].put(key, value, o) },
    get: async (key, o) => await by['get-ipns'].get(key, o),
    findPeer: async (peer, o) => await by['find-peers'].findPeer(peer, o),
    getClosestPeers: (key, o) => by['find-peers'].getClosestPeers(key, o)
  }
}

function scoped (options: RoutingOptions | undefined, timeoutMs: number): RoutingOptions {
  if (timeoutMs <= 0) return options ?? {}
  const signals = [AbortSignal.timeout(timeoutMs), ...(options?.signal !== undefined ? [options.signal] : [])]
  return { ...options, signal: AbortSignal.any(signals) }
}

/** A child of a parallel or sequential router: started after `executeAfterMs`, bounded by `timeoutMs` */
export function withTimeout (r: Routing, c: { timeoutMs: number, ignoreErrors: boolean, executeAfterMs: number }): Routing {
  const wait = async (signal?: AbortSignal): Promise<void> => {
    if (c.executeAfterMs <= 0) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, c.executeAfterMs)
      signal?.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
    })
    signal?.throwIfAborted()
  }
  const guard = async <T>(fn: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      if (c.ignoreErrors) return fallback
      throw err
    }
  }
  return {
    provide: async (cid, o) => { await guard(async () => { await wait(o?.signal); await r.provide(cid, scoped(o, c.timeoutMs)) }, undefined) },
    cancelReprovide: async (cid, o) => { await r.cancelReprovide(cid, o) },
    async * findProviders (cid, o) {
      await wait(o?.signal)
      try {
        yield * r.findProviders(cid, scoped(o, c.timeoutMs))
      } catch (err) {
        if (!c.ignoreErrors) throw err
      }
    },
    put: async (key, value, o) => { await guard(async () => { await wait(o?.signal); await r.put(key, value, scoped(o, c.timeoutMs)) }, undefined) },
    get: async (key, o) => { await wait(o?.signal); return await r.get(key, scoped(o, c.timeoutMs)) },
    findPeer: async (peer, o) => { await wait(o?.signal); return await r.findPeer(peer, scoped(o, c.timeoutMs)) },
    async * getClosestPeers (key, o) {
      await wait(o?.signal)
      try {
        yield * r.getClosestPeers(key, scoped(o, c.timeoutMs))
      } catch (err) {
        if (!c.ignoreErrors) throw err
      }
    }
  }
}

/** Routers asked one after another: the first that answers (or yields anything) wins */
export function sequentialRouting (routers: Routing[]): Routing {
  async function first<T> (call: (r: Routing) => Promise<T>): Promise<T> {
    let error: unknown = new NotFoundError('routing: not found')
    for (const r of routers) {
      try {
        return await call(r)
      } catch (err) {
        error = err
      }
    }
    throw error
  }
  return {
    provide: async (cid, o) => { for (const r of routers) await r.provide(cid, o) },
    cancelReprovide: async (cid, o) => { for (const r of routers) await r.cancelReprovide(cid, o) },
    async * findProviders (cid, o) {
      for (const r of routers) {
        let any = false
        for await (const p of r.findProviders(cid, o)) { any = true; yield p }
        if (any) return
      }
    },
    put: async (key, value, o) => { for (const r of routers) await r.put(key, value, o) },
    get: async (key, o) => await first(async r => await r.get(key, o)),
    findPeer: async (peer, o) => await first(async r => await r.findPeer(peer, o)),
    async * getClosestPeers (key, o) {
      for (const r of routers) {
        let any = false
        for await (const p of r.getClosestPeers(key, o)) { any = true; yield p }
        if (any) return
      }
    }
  }
}
