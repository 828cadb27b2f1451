/**
 * Peers this node will not talk to for a while: Bitswap bans a peer it cut off for misbehaving, so that
 * the peer cannot redial at once and start again. The libp2p connection gater reads the list: no dial to a
 * banned peer, and an inbound connection from one is dropped once its peer ID is known (after the
 * encryption handshake). Bans expire; the list is bounded.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'

/** Most peers banned at once; past it the ban that ends first goes */
const MAX_BANS = 4096

export class PeerBans {
  readonly #until = new Map<string, number>()

  ban (peer: PeerId, ms: number): void {
    const now = Date.now()
    for (const [k, until] of this.#until) if (until <= now) this.#until.delete(k)
    if (this.#until.size >= MAX_BANS) {
      const first = [...this.#until].sort((a, b) => a[1] - b[1])[0]
      if (first !== undefined) this.#until.delete(first[0])
    }
    this.#until.set(peer.toString(), Math.max(this.#until.get(peer.toString()) ?? 0, now + ms))
  }

  banned (peer: PeerId): boolean {
    const key = peer.toString()
    const until = this.#until.get(key)
    if (until === undefined) return false
    if (until > Date.now()) return true
    this.#until.delete(key)
    return false
  }

  gater (): ConnectionGater {
    return {
      denyDialPeer: (peer: PeerId) => this.banned(peer),
      denyInboundEncryptedConnection: (peer: PeerId) => this.banned(peer),
      denyOutboundEncryptedConnection: (peer: PeerId) => this.banned(peer)
    }
  }
}
