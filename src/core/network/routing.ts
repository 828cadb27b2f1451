/**
 * Content routing as Bitswap sees it (@helia/interface Routing). Until the DHT lands (the routing issue),
 * the only routers are delegated HTTP routers (src/core/routing/http-client.ts): used when Routing.Type
 * is `delegated`, or `auto`/`autoclient` with Routing.DelegatedRouters set. Without them, Bitswap asks the
 * peers it is connected to, and finding providers, peers or records elsewhere answers "none".
 */
import type { Routing } from '@helia/interface'
import { NotFoundError, type PeerStore } from '@libp2p/interface'
import type { Config } from '../repo/config.ts'
import { httpRouters } from '../routing/http-client.ts'

export type StartableRouting = Routing & { start(): Promise<void>, stop(): Promise<void> }

export function localRouting (): StartableRouting {
  return {
    async start () {},
    async stop () {},
    async provide () {},
    async cancelReprovide () {},
    async * findProviders () {},
    async put () {},
    async get () { throw new NotFoundError('no content routers configured') },
    async findPeer () { throw new NotFoundError('no peer routers configured') },
    async * getClosestPeers () {}
  }
}

/** The routers the config asks for, asked one after the other */
export function configuredRouting (config: Config, peerStore: PeerStore): StartableRouting {
  const routing = (config.Routing ?? {}) as { Type?: string | null, DelegatedRouters?: unknown }
  const urls = Array.isArray(routing.DelegatedRouters) ? routing.DelegatedRouters.filter((u): u is string => typeof u === 'string' && u !== '' && u !== 'auto') : []
  if (!['auto', 'autoclient', 'delegated'].includes(routing.Type ?? 'auto') || urls.length === 0) return localRouting()
  const routers = httpRouters(urls, { peerStore })
  const first = async <T>(call: (r: Routing) => Promise<T>): Promise<T> => {
    let failure: unknown = new NotFoundError('no router answered')
    for (const r of routers) {
      try { return await call(r) } catch (err) { failure = err }
    }
    throw failure
  }
  return {
    async start () { await Promise.all(routers.map(async r => { await r.start() })) },
    async stop () { await Promise.all(routers.map(async r => { await r.stop() })) },
    async provide () {},
    async cancelReprovide () {},
    async * findProviders (cid, options) { for (const r of routers) yield * r.findProviders(cid, options) },
    async put (key, value, options) { await Promise.all(routers.map(async r => { await r.put(key, value, options) })) },
    async get (key, options) { return await first(async r => await r.get(key, options)) },
    async findPeer (peer, options) { return await first(async r => await r.findPeer(peer, options)) },
    async * getClosestPeers () {}
  }
}
