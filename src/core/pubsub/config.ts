/**
 * The Pubsub and Ipns.UsePubsub sections of the config, read as Kubo reads them (docs/config.md), plus the
 * daemon's --enable-pubsub-experiment and --enable-namesys-pubsub flags, which turn the features on for
 * one run without touching the config.
 */
import type { Config } from '../repo/config.ts'
import { parseDuration, parseSize } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'

/** go-libp2p-pubsub's DefaultMaxMessageSize: the largest RPC frame a peer may send us */
export const DEFAULT_MAX_MESSAGE_SIZE = 1 << 20
/** go-libp2p-pubsub's TimeCacheDuration, Kubo's default Pubsub.SeenMessagesTTL */
export const DEFAULT_SEEN_TTL_MS = 120_000
/**
 * What a message adds around its data on the wire (topic aside): from, seqno, signature, key and framing.
 * An Ed25519 peer needs ~130 bytes, an RSA-2048 one ~700; published data must leave this much of the limit
 * free, so that the frame we send is one a peer with the same limit accepts.
 */
export const ENVELOPE_BYTES = 1024

/** Build-time switches, as Kubo's daemon passes them (ExtraOpts "pubsub" and "ipnsps") */
export interface PubsubFlags {
  /** daemon --enable-pubsub-experiment */
  pubsub?: boolean
  /** daemon --enable-namesys-pubsub */
  ipnsps?: boolean
}

export interface PubsubSettings {
  /** A pubsub router runs (Pubsub.Enabled, or IPNS over pubsub needs one) */
  enabled: boolean
  /** Pubsub.Enabled or --enable-pubsub-experiment: the `pubsub` commands are served */
  commands: boolean
  /** Ipns.UsePubsub or --enable-namesys-pubsub */
  ipns: boolean
  router: 'gossipsub' | 'floodsub'
  /** StrictSign unless Pubsub.DisableSigning */
  signaturePolicy: 'StrictSign' | 'StrictNoSign'
  seenTTLms: number
  maxMessageSize: number
}

type Section = Record<string, unknown> | undefined

/** A Kubo `flag`: true, false, or null/absent for the default */
function flag (section: Section, key: string, path: string, fallback: boolean): boolean {
  const v = section?.[key]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') throw new InvalidConfigError(`${path} must be true, false or null, not ${JSON.stringify(v)}`)
  return v
}

export function pubsubSettings (config: Config, flags: PubsubFlags = {}): PubsubSettings {
  const ps = config.Pubsub as Section
  const ipnsSection = config.Ipns as Section
  const commands = flags.pubsub === true || flag(ps, 'Enabled', 'Pubsub.Enabled', false)
  const ipns = flags.ipnsps === true || flag(ipnsSection, 'UsePubsub', 'Ipns.UsePubsub', false)
  const routerName = ps?.Router ?? ''
  if (routerName !== '' && routerName !== null && routerName !== 'gossipsub' && routerName !== 'floodsub') {
    throw new InvalidConfigError(`unknown pubsub router ${String(routerName)} (Pubsub.Router: use "gossipsub" or "floodsub")`)
  }
  const disableSigning = flag(ps, 'DisableSigning', 'Pubsub.DisableSigning', false)
  const strict = flag(ps, 'StrictSignatureVerification', 'Pubsub.StrictSignatureVerification', true)
  if (!strict && !disableSigning) {
    // go-libp2p-pubsub's LaxSign (sign ours, accept unsigned) has no counterpart in js-libp2p's routers,
    // which know StrictSign and StrictNoSign only; refusing is better than silently staying strict
    throw new InvalidConfigError('Pubsub.StrictSignatureVerification=false is not supported while signing (js-libp2p routers verify strictly or not at all); set Pubsub.DisableSigning=true to send and accept unsigned messages')
  }
  let seenTTLms = DEFAULT_SEEN_TTL_MS
  const ttl = ps?.SeenMessagesTTL
  if (ttl !== undefined && ttl !== null) {
    if (typeof ttl !== 'string') throw new InvalidConfigError(`Pubsub.SeenMessagesTTL must be a duration such as "2m", not ${JSON.stringify(ttl)}`)
    seenTTLms = parseDuration(ttl)
    if (seenTTLms <= 0) throw new InvalidConfigError(`Pubsub.SeenMessagesTTL must be positive, not ${JSON.stringify(ttl)}`)
  }
  const strategy = ps?.SeenMessagesStrategy
  // js-libp2p's seen cache counts from the first sighting only; Kubo's default, last-seen, cannot be had
  if (strategy !== undefined && strategy !== null && strategy !== 'first-seen') {
    throw new InvalidConfigError(`unsupported Pubsub.SeenMessagesStrategy ${JSON.stringify(strategy)} (tsipfs supports "first-seen", its default)`)
  }
  let maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE
  const max = ps?.MaxMessageSize
  if (max !== undefined && max !== null) {
    if (typeof max !== 'string' && typeof max !== 'number') throw new InvalidConfigError(`Pubsub.MaxMessageSize must be a size such as "1MiB", not ${JSON.stringify(max)}`)
    maxMessageSize = parseSize(max)
    if (maxMessageSize < 4 * ENVELOPE_BYTES) throw new InvalidConfigError(`Pubsub.MaxMessageSize must be at least ${4 * ENVELOPE_BYTES} bytes`)
  }
  return {
    enabled: commands || ipns,
    commands,
    ipns,
    router: routerName === 'floodsub' ? 'floodsub' : 'gossipsub',
    signaturePolicy: disableSigning ? 'StrictNoSign' : 'StrictSign',
    seenTTLms,
    maxMessageSize
  }
}
