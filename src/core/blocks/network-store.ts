/**
 * The store the node's APIs read through: local blocks first; a block that is not here is fetched from
 * peers (Bitswap) while the daemon is online, hash-verified, stored, and then returned. `offline: true` in
 * the options (Gateway.NoFetch, GC, verify) keeps a read local. Blocks written here are announced to peers
 * that asked for them.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { BlockStore } from './store.ts'
import type { NetworkApi } from '../network/index.ts'
import { verifyBlock } from './verify.ts'
import { BlockNotFoundError } from '../errors.ts'

/**
 * Set (by the RPC server, for a command run with --offline) around everything a request does: block
 * reads under it never go to the network, without every command passing the option down
 */
export const offlineScope = new AsyncLocalStorage<boolean>()

export interface FetchOptions extends AbortOptions {
  /** Only local blocks: a missing block is BlockNotFoundError at once */
  offline?: boolean
}

export function withNetwork (local: BlockStore, network: Pick<NetworkApi, 'online' | 'want' | 'announce'>, provide?: { block: (cid: CID) => void }): BlockStore {
  return {
    has: async (cid, options) => await local.has(cid, options),
    async get (cid: CID, options: FetchOptions = {}): Promise<Uint8Array> {
      try {
        return await local.get(cid, options)
      } catch (err) {
        if (!(err instanceof BlockNotFoundError) || options.offline === true || !network.online || offlineScope.getStore() === true) throw err
      }
      const bytes = await network.want(cid, options)
      // never trust a peer: a block that does not match its CID is not stored and not used
      await verifyBlock(cid, bytes)
      await local.put(cid, bytes, options)
      provide?.block(cid)
      return bytes
    },
    async put (cid, bytes, options) {
      await local.put(cid, bytes, options)
      if (network.online) {
        void network.announce(cid)
        provide?.block(cid)
      }
    },
    delete: async (cid, options) => { await local.delete(cid, options) },
    keys: (options) => local.keys(options),
    stat: async (options) => await local.stat(options),
    sync: async () => { await local.sync() }
  }
}
