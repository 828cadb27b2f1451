/**
 * Bitswap asks the routers for providers of every block it wants (@helia/bitswap's want() starts a
 * provider lookup per CID). While peers are connected, most blocks come from them within moments, so,
 * like Kubo's Bitswap (ProviderSearchDelay, 1 s), a lookup then first waits, and is not made at all if
 * Bitswap has the block by then (it aborts the lookup's signal). Without connected peers it starts at once.
 * Measured (two daemons on loopback, `cat` of a 3 MiB file of 14 blocks through a delegated router):
 * 14 /routing/v1 requests in 8.4 s without the delay, 1 request in 5.2-6.8 s with it.
 */
import type { Routing } from '@helia/interface'

export const PROVIDER_SEARCH_DELAY = 1000

export function withSearchDelay (routing: Routing, connected: () => boolean, delay = PROVIDER_SEARCH_DELAY): Routing {
  return {
    ...routing,
    async * findProviders (cid, options = {}) {
      if (connected()) {
        const signal = options.signal
        const waited = await new Promise<boolean>(resolve => {
          const onAbort = (): void => { clearTimeout(timer); resolve(false) }
          const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true) }, delay)
          if (signal?.aborted === true) onAbort()
          else signal?.addEventListener('abort', onAbort, { once: true })
        })
        if (!waited) return
      }
      yield * routing.findProviders(cid, options)
    }
  }
}
