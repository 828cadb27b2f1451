/**
 * Multiaddrs as the swarm reads them, from a command or from the config (Bootstrap, Peering.Peers,
 * Swarm.RelayClient.StaticRelays): a /p2p/ peer ID may be written in any form (12D3…/Qm… base58btc, or a
 * CIDv1 libp2p-key such as k51…/bafz…) and comes out as base58btc, the form libp2p compares peer IDs in and
 * Kubo prints. The multiaddr module keeps a component's text as written; its bytes hold the bare multihash.
 */
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

/** Parse a multiaddr, its peer IDs in base58btc; throws on an invalid address */
export function readMultiaddr (text: string): Multiaddr {
  const ma = multiaddr(text)
  return ma.getComponents().some(c => c.name === 'p2p') ? multiaddr(ma.bytes) : ma
}
