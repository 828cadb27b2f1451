/**
 * IPNS over pubsub (ipfs/specs "IPNS PubSub Router", Kubo's Ipns.UsePubsub): each name has the topic
 * `/record/` + base64url(`/ipns/` + the name's multihash bytes). Looking a name up subscribes to its topic;
 * records that arrive there are validated (signature, expiry, name) and kept in the record store when they
 * are newer than what it holds, so the next resolution finds them. Publishing sends the record on the topic.
 * When a peer joins a topic we hold and we have a record for the name, we send it, so a resolver that
 * subscribes after the publication still receives the current record (Kubo fetches it from the joining
 * peer with /libp2p/fetch instead; a Kubo resolver accepts what we send the same way).
 */
import type { AbortOptions } from '@libp2p/interface'
import { base64url } from 'multiformats/bases/base64'
import type { CID } from 'multiformats/cid'
import { canonicalName, parseIpnsName, type NamesApi } from '../names/index.ts'
import { IpnsPubsubNotEnabledError } from '../errors.ts'
import type { PubsubApi } from './index.ts'
import type { RouterMessage, ValidatorResult } from './service.ts'
import { logger } from '../log.ts'

const log = logger('tsipfs:namesys:pubsub')

/** `/ipns/` + the multihash bytes: the routing key of a name */
export function ipnsRoutingKey (cid: CID): Uint8Array {
  const prefix = new TextEncoder().encode('/ipns/')
  const out = new Uint8Array(prefix.byteLength + cid.multihash.bytes.byteLength)
  out.set(prefix)
  out.set(cid.multihash.bytes, prefix.byteLength)
  return out
}

/** The pubsub topic of a name, as go-libp2p-pubsub-router's KeyToTopic spells it */
export function ipnsTopic (name: string): string {
  return '/record/' + base64url.baseEncode(ipnsRoutingKey(parseIpnsName(name)))
}

export function createIpnsPubsub ({ pubsub, names }: { pubsub: PubsubApi, names: Pick<NamesApi, 'putRecord' | 'localRecord'> }) {
  /** canonical name → what lets go of its topic */
  const subs = new Map<string, { topic: string, release: () => void }>()

  async function stored (name: string): Promise<Uint8Array | undefined> {
    return await names.localRecord(name).catch(() => undefined)
  }

  /** Accept a record newer than ours, ignore one that is not, reject one that is invalid */
  async function validate (name: string, key: Uint8Array, msg: RouterMessage): Promise<ValidatorResult> {
    const [{ ipnsValidator }, { ipnsSelector }] = await Promise.all([import('ipns/validator'), import('ipns/selector')])
    try {
      await ipnsValidator(key, msg.data)
    } catch (err) {
      log.info(`refused an IPNS record for ${name} from pubsub: ${(err as Error).message}`)
      return 'reject'
    }
    const old = await stored(name)
    if (old === undefined) return 'accept'
    if (Buffer.from(old).equals(msg.data)) return 'ignore'
    return ipnsSelector(key, [msg.data, old]) === 0 ? 'accept' : 'ignore'
  }

  const api = {
    /** Is IPNS over pubsub on (Ipns.UsePubsub or --enable-namesys-pubsub, on a running network)? */
    enabled (): boolean {
      return pubsub.status().ipns
    },

    /** Subscribe to a name's topic (idempotent); records arriving there go to the record store */
    subscribe (name: string): void {
      if (!api.enabled()) throw new IpnsPubsubNotEnabledError()
      const canonical = canonicalName(parseIpnsName(name))
      if (subs.has(canonical)) return
      const topic = ipnsTopic(canonical)
      const key = ipnsRoutingKey(parseIpnsName(canonical))
      const release = pubsub.join(topic, {
        validate: async (msg) => await validate(canonical, key, msg),
        onMessage: (msg) => {
          void names.putRecord(canonical, msg.data).catch((err: unknown) => {
            log.info(`IPNS record for ${canonical} from pubsub not kept: ${(err as Error).message}`)
          })
        },
        // a peer that subscribes after the record was published gets it from us
        onPeerJoin: () => {
          void stored(canonical).then(async (bytes) => {
            if (bytes !== undefined) await pubsub.send(topic, bytes)
          }).catch((err: unknown) => { log.debug(`could not send the record of ${canonical} to a new subscriber: ${(err as Error).message}`) })
        }
      })
      subs.set(canonical, { topic, release })
    },

    /** Called on every lookup of a name: subscribe when IPNS over pubsub is on, as Kubo's resolver does */
    lookup (name: string): void {
      if (!api.enabled()) return
      try {
        api.subscribe(name)
      } catch (err) {
        log.debug(`no pubsub subscription for ${name}: ${(err as Error).message}`)
      }
    },

    /** Send a record on its name's topic (and hold the topic, so that newcomers receive it) */
    async publish (name: string, record: Uint8Array, options: AbortOptions = {}): Promise<void> {
      options.signal?.throwIfAborted()
      if (!api.enabled()) return
      api.subscribe(name)
      await pubsub.send(ipnsTopic(name), record)
    },

    /** The names subscribed to, as /ipns/<name> in base36 */
    subs (): string[] {
      if (!api.enabled()) throw new IpnsPubsubNotEnabledError()
      return [...subs.keys()].sort().map(n => `/ipns/${n}`)
    },

    /** Stop following a name; true if there was a subscription */
    cancel (name: string): boolean {
      if (!api.enabled()) throw new IpnsPubsubNotEnabledError()
      const canonical = canonicalName(parseIpnsName(name.replace(/^\/ipns\//, '')))
      const s = subs.get(canonical)
      if (s === undefined) return false
      subs.delete(canonical)
      s.release()
      return true
    }
  }
  return api
}

export type IpnsPubsubApi = ReturnType<typeof createIpnsPubsub>
