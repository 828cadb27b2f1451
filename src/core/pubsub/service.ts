/**
 * The libp2p pubsub service, built from PubsubSettings: @libp2p/gossipsub (meshsub 1.0–1.3, which also
 * speaks /floodsub/1.0.0 to peers that only know floodsub), or @libp2p/floodsub for Pubsub.Router
 * "floodsub". Both expose the same surface (subscribe, publish, topic validators, `message` events), which
 * is all tsipfs uses of them: the rest of the node sees only the PubsubRouter type below.
 */
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'
import type { PeerId, PublicKey, TypedEventTarget } from '@libp2p/interface'
import type { PubsubSettings } from './config.ts'

export interface RouterMessage {
  type: 'signed' | 'unsigned'
  topic: string
  data: Uint8Array
  from?: PeerId
  sequenceNumber?: bigint
  signature?: Uint8Array
  key?: PublicKey
}

/** What a topic validator answers, as both routers spell it ('accept' | 'ignore' | 'reject') */
export type ValidatorResult = 'accept' | 'ignore' | 'reject'

export interface PubsubRouter extends TypedEventTarget<{ message: CustomEvent<RouterMessage> }> {
  globalSignaturePolicy: 'StrictSign' | 'StrictNoSign'
  topicValidators: Map<string, (peer: PeerId, message: RouterMessage) => ValidatorResult | Promise<ValidatorResult>>
  getPeers(): PeerId[]
  getTopics(): string[]
  getSubscribers(topic: string): PeerId[]
  subscribe(topic: string): void
  unsubscribe(topic: string): void
  publish(topic: string, data?: Uint8Array): Promise<{ recipients: PeerId[] }>
}

/** The `pubsub` entry for libp2p's services */
export function pubsubService (settings: PubsubSettings): (components: any) => PubsubRouter {
  if (settings.router === 'floodsub') {
    return floodsub({
      globalSignaturePolicy: settings.signaturePolicy,
      seenTTL: settings.seenTTLms,
      canRelayMessage: true,
      emitSelf: true
    }) as unknown as (components: any) => PubsubRouter
  }
  return gossipsub({
    globalSignaturePolicy: settings.signaturePolicy,
    fallbackToFloodsub: true,
    // as Kubo: our own messages go to every subscribed peer, not only the mesh (reliable IPNS delivery)
    floodPublish: true,
    // publishing on a topic nobody is subscribed to yet is not an error (Kubo's Publish returns nil)
    allowPublishToZeroTopicPeers: true,
    seenTTL: settings.seenTTLms,
    // Kubo runs gossipsub without peer scoring; js-libp2p always scores, so the two penalties that apply
    // without topic parameters are turned off: IP colocation (every peer on loopback or behind one NAT
    // would count against each other) and behaviour (broken IWANT promises on a loaded node graylisted
    // a peer for good, and its IPNS records with it)
    scoreParams: { IPColocationFactorWeight: 0, behaviourPenaltyWeight: 0 },
    // go-libp2p-pubsub's rule: a frame over the limit ends the stream it came on
    maxInboundDataLength: settings.maxMessageSize,
    // as go-libp2p-pubsub: a subscriber on this node receives what this node publishes
    emitSelf: true
  }) as unknown as (components: any) => PubsubRouter
}
