/**
 * Content routing as Bitswap sees it (@helia/interface Routing). Until the DHT and delegated routers land
 * (the routing issue), there are no routers: Bitswap asks the peers it is connected to, and finding
 * providers, peers or records elsewhere answers "none" rather than pretending.
 */
import type { Routing } from '@helia/interface'
import { NotFoundError } from '@libp2p/interface'

export function localRouting (): Routing {
  return {
    async provide () {},
    async cancelReprovide () {},
    async * findProviders () {},
    async put () {},
    async get () { throw new NotFoundError('no content routers configured') },
    async findPeer () { throw new NotFoundError('no peer routers configured') },
    async * getClosestPeers () {}
  }
}
