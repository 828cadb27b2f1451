/**
 * PubSub: the typed API over the libp2p router (gossipsub with floodsub fallback, or floodsub), used by
 * the `pubsub` commands and by IPNS over pubsub (./ipns.ts). Topics are held with reference counts: the
 * router stays subscribed while any `pubsub sub` stream or IPNS name needs the topic. Every topic we
 * subscribe to gets the one validator below, which refuses data over Pubsub.MaxMessageSize and hands IPNS
 * topics to their record validator.
 */
import { pushable } from 'it-pushable'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { NetworkApi } from '../network/index.ts'
import { NotOnlineError, PubsubNotEnabledError, TooLargeError } from '../errors.ts'
import { DEFAULT_MAX_MESSAGE_SIZE, ENVELOPE_BYTES, type PubsubSettings } from './config.ts'
import type { PubsubRouter, RouterMessage, ValidatorResult } from './service.ts'
import { logger } from '../log.ts'

const log = logger('tsipfs:pubsub')

/** Messages a slow `pubsub sub` reader may have waiting before newer ones are dropped */
const MAX_QUEUED = 1024

export interface PubsubMessage {
  /** The sender's peer ID (absent on unsigned messages) */
  from?: string
  data: Uint8Array
  /** 8-byte big-endian sequence number (absent on unsigned messages) */
  seqno?: Uint8Array
  topic: string
}

/** A validator a part of the node adds for topics it owns (IPNS records) */
export type TopicValidator = (message: RouterMessage) => ValidatorResult | Promise<ValidatorResult>

function seqnoBytes (n: bigint | undefined): Uint8Array | undefined {
  if (n === undefined) return undefined
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, n))
  return out
}

export function createPubsubApi ({ network }: { network: Pick<NetworkApi, 'pubsub'> }) {
  const refs = new Map<string, number>()
  const validators = new Map<string, TopicValidator>()
  const listeners = new Set<(msg: RouterMessage) => void>()
  /** topic → told when a peer subscribes to it */
  const joinHandlers = new Map<string, (peer: PeerId) => void>()
  // the router of the running network that we attached our message listener to
  let attached: PubsubRouter | undefined

  function state (): { router: PubsubRouter, settings: PubsubSettings } {
    const ps = network.pubsub
    if (ps === undefined) throw new NotOnlineError()
    if (ps.router === undefined) throw new PubsubNotEnabledError()
    const router = ps.router
    if (attached !== router) {
      attached = router
      refs.clear()
      router.addEventListener('message', (evt) => {
        for (const l of listeners) {
          try {
            l(evt.detail)
          } catch (err) {
            log.warn(`pubsub listener failed: ${(err as Error).message}`)
          }
        }
      })
      ;(router as unknown as EventTarget).addEventListener('subscription-change', (evt) => {
        const detail = (evt as CustomEvent<{ peerId: PeerId, subscriptions: Array<{ topic: string, subscribe: boolean }> }>).detail
        for (const s of detail.subscriptions) {
          if (s.subscribe) joinHandlers.get(s.topic)?.(detail.peerId)
        }
      })
    }
    return { router, settings: ps.settings }
  }

  /** The `pubsub` commands are served only with Pubsub.Enabled or --enable-pubsub-experiment (as Kubo) */
  function commandState (): { router: PubsubRouter, settings: PubsubSettings } {
    const s = state()
    if (!s.settings.commands) throw new PubsubNotEnabledError()
    return s
  }

  function validatorFor (topic: string, settings: PubsubSettings) {
    return async (_peer: PeerId, msg: RouterMessage): Promise<ValidatorResult> => {
      if (msg.data.byteLength > settings.maxMessageSize) return 'reject'
      const own = validators.get(topic)
      return own === undefined ? 'accept' : await own(msg)
    }
  }

  /** Hold a subscription to `topic`; the returned function lets go of it */
  function hold (topic: string): () => void {
    const { router, settings } = state()
    const n = refs.get(topic) ?? 0
    if (n === 0) {
      router.topicValidators.set(topic, validatorFor(topic, settings))
      router.subscribe(topic)
    }
    refs.set(topic, n + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (refs.get(topic) ?? 1) - 1
      if (left > 0) {
        refs.set(topic, left)
        return
      }
      refs.delete(topic)
      if (network.pubsub?.router === router) {
        router.unsubscribe(topic)
        router.topicValidators.delete(topic)
      }
    }
  }

  async function send (router: PubsubRouter, settings: PubsubSettings, topic: string, data: Uint8Array): Promise<number> {
    const room = settings.maxMessageSize - ENVELOPE_BYTES - new TextEncoder().encode(topic).byteLength
    if (data.byteLength > room) {
      throw new TooLargeError(`message too large: ${data.byteLength} bytes, at most ${Math.max(room, 0)} on this topic (Pubsub.MaxMessageSize is ${settings.maxMessageSize})`)
    }
    const { recipients } = await router.publish(topic, data)
    return recipients.length
  }

  const api = {
    /** Is a router running, and are the `pubsub` commands served? */
    status (): { router: boolean, commands: boolean, ipns: boolean } {
      const ps = network.pubsub
      return { router: ps?.router !== undefined, commands: ps?.settings.commands === true && ps.router !== undefined, ipns: ps?.settings.ipns === true && ps.router !== undefined }
    },

    /** Pubsub.MaxMessageSize of the running router */
    maxMessageSize (): number {
      return network.pubsub?.settings.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE
    },

    /** Publish `data` on `topic`; resolves with the number of peers it was sent to */
    async publish (topic: string, data: Uint8Array, options: AbortOptions = {}): Promise<number> {
      options.signal?.throwIfAborted()
      const { router, settings } = commandState()
      return await send(router, settings, topic, data)
    },

    /** Messages on `topic` from the moment of the call until the signal aborts */
    async * subscribe (topic: string, options: AbortOptions & { onReady?: () => void } = {}): AsyncGenerator<PubsubMessage> {
      options.signal?.throwIfAborted()
      commandState()
      const queue = pushable<PubsubMessage>({ objectMode: true })
      let dropped = 0
      const listener = (msg: RouterMessage): void => {
        if (msg.topic !== topic) return
        if (queue.readableLength >= MAX_QUEUED) {
          if (dropped++ % 100 === 0) log.warn(`pubsub sub ${topic}: reader too slow, ${dropped} message(s) dropped`)
          return
        }
        queue.push({ from: msg.from?.toString(), data: msg.data, seqno: seqnoBytes(msg.sequenceNumber), topic: msg.topic })
      }
      const release = hold(topic)
      listeners.add(listener)
      const onAbort = (): void => { queue.end() }
      options.signal?.addEventListener('abort', onAbort)
      try {
        options.onReady?.()
        yield * queue
      } finally {
        options.signal?.removeEventListener('abort', onAbort)
        listeners.delete(listener)
        release()
      }
    },

    /** Topics this node is subscribed to */
    ls (): string[] {
      const { router } = commandState()
      return router.getTopics().sort()
    },

    /** Peers we exchange pubsub messages with, or those subscribed to `topic` */
    peers (topic?: string): string[] {
      const { router } = commandState()
      const list = topic === undefined || topic === '' ? router.getPeers() : router.getSubscribers(topic)
      return [...new Set(list.map(p => p.toString()))].sort()
    },

    /**
     * For the node's own parts (IPNS over pubsub), which need the router without the `pubsub` commands
     * being enabled: hold a topic with a validator, a message handler and (optionally) a handler told when
     * a peer subscribes to it; the returned function lets go.
     */
    join (topic: string, handlers: { validate: TopicValidator, onMessage: (msg: RouterMessage) => void, onPeerJoin?: (peer: PeerId) => void }): () => void {
      validators.set(topic, handlers.validate)
      const listener = (msg: RouterMessage): void => { if (msg.topic === topic) handlers.onMessage(msg) }
      let release: () => void
      try {
        release = hold(topic)
      } catch (err) {
        validators.delete(topic)
        throw err
      }
      listeners.add(listener)
      if (handlers.onPeerJoin !== undefined) joinHandlers.set(topic, handlers.onPeerJoin)
      return () => {
        listeners.delete(listener)
        validators.delete(topic)
        joinHandlers.delete(topic)
        release()
      }
    },

    /** Publish for the node's own parts (no `pubsub` commands check) */
    async send (topic: string, data: Uint8Array): Promise<number> {
      const { router, settings } = state()
      return await send(router, settings, topic, data)
    }
  }
  return api
}

export type PubsubApi = ReturnType<typeof createPubsubApi>
