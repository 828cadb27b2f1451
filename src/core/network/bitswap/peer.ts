/**
 * One Bitswap partner: its ledger, the wants it sent us, and its outbox. Everything we send a peer (our
 * wants, the blocks and presences it asked for) goes through one outbox and one long-lived stream we open:
 * wants and blocks queued in the same tick leave in one message, messages stay under MAX_MESSAGE bytes,
 * and the stream's backpressure holds back the server (waitForRoom) instead of buffering without bound.
 */
import type { PeerId, Stream } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'
import { encodeEntry, encodeMessage, type Entry, type Payload, type Presence } from './message.ts'

/** Target size of one outgoing message (Kubo and Helia accept up to 4 MiB); one block always fits */
export const MAX_MESSAGE = 1024 * 1024
/** Blocks queued for a peer before the server waits for the stream to drain */
const OUTBOX_BYTES = 2 * MAX_MESSAGE
/** Most wantlist entries in one outgoing message */
const MAX_ENTRIES_OUT = 1024

export type Version = '1.0.0' | '1.1.0' | '1.2.0'

/** How long a stream may keep our message unsent before we give it up */
const SEND_TIMEOUT_MS = 60_000

/**
 * Resolves once the stream has handed everything we gave it to the muxer. Not `stream.onDrain()`: in
 * @libp2p/utils 7.4.1 its promise is never renewed, so after the first drain it resolves at once and the
 * stream's write buffer grew to 7 MB; yamux then sent it as one frame as large as the window, which the
 * receiver can read only once all of it has arrived (bench/transfer: bursts of 30 blocks, both daemons idle
 * half the time). With at most one message waiting here, a frame is at most one message.
 */
async function sent (stream: Stream): Promise<void> {
  if (stream.writeBufferLength === 0) return
  const signal = AbortSignal.timeout(SEND_TIMEOUT_MS)
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (stream.writeBufferLength > 0 && stream.status === 'open' && !signal.aborted) return
      stream.removeEventListener('idle', check)
      stream.removeEventListener('close', check)
      signal.removeEventListener('abort', check)
      if (stream.writeBufferLength === 0) resolve()
      else reject(signal.aborted ? new Error('timed out sending a Bitswap message') : new Error(`stream ${stream.status} with a message unsent`))
    }
    stream.addEventListener('idle', check)
    stream.addEventListener('close', check)
    signal.addEventListener('abort', check)
    check()
  })
}

export interface Ledger {
  bytesSent: number
  bytesRecv: number
  blocksSent: number
  blocksRecv: number
  /** blocks exchanged both ways (Kubo's ledger `Exchanged`) */
  exchanged: number
}

export interface TheirWant {
  cid: CID
  wantType: number
  sendDontHave: boolean
  priority: number
}

export interface Counters {
  blocksSent: number
  dataSent: number
  messagesSent: number
}

export class Peer {
  readonly id: PeerId
  readonly key: string
  version: Version = '1.2.0'
  readonly ledger: Ledger = { bytesSent: 0, bytesRecv: 0, blocksSent: 0, blocksRecv: 0, exchanged: 0 }
  /** what the peer wants from us, by multihash key */
  readonly wants = new Map<string, TheirWant>()
  /** our want-blocks it has not answered yet */
  inflight = 0
  /** when it last sent us a block we wanted */
  lastBlockAt = 0
  /** misbehaviour points (see bitswap/index.ts) */
  strikes = 0
  /** multihash keys we sent wants for recently: a block for one of them is late, not unrequested */
  readonly asked = new Map<string, number>()
  connected = true

  readonly #dial: (peer: Peer) => Promise<Stream>
  readonly #counters: Counters
  readonly #onError: (peer: Peer, err: unknown) => void
  #entries = new Map<string, Entry>()
  #blocks: Payload[] = []
  #blockBytes = 0
  #presences: Presence[] = []
  #stream?: Stream
  #flushing = false
  #scheduled = false
  #roomWaiters: Array<() => void> = []

  constructor (id: PeerId, dial: (peer: Peer) => Promise<Stream>, counters: Counters, onError: (peer: Peer, err: unknown) => void) {
    this.id = id
    this.key = id.toString()
    this.#dial = dial
    this.#counters = counters
    this.#onError = onError
  }

  /** Remember that we asked this peer for `key` (bounded: the oldest are forgotten) */
  noteAsked (key: string): void {
    this.asked.delete(key)
    this.asked.set(key, Date.now())
    if (this.asked.size > 8192) {
      for (const k of this.asked.keys()) {
        this.asked.delete(k)
        if (this.asked.size <= 4096) break
      }
    }
  }

  queueEntry (key: string, entry: Entry): void {
    if (!this.connected) return
    this.#entries.set(key, entry)
    if (!entry.cancel) this.noteAsked(key)
    this.#schedule()
  }

  queueBlock (block: Payload): void {
    if (!this.connected) return
    this.#blocks.push(block)
    this.#blockBytes += block.data.byteLength
    this.#schedule()
  }

  queuePresence (presence: Presence): void {
    if (!this.connected || this.version !== '1.2.0') return
    this.#presences.push(presence)
    this.#schedule()
  }

  /** Resolves when the outbox has room for more blocks */
  async waitForRoom (): Promise<void> {
    while (this.connected && this.#blockBytes > OUTBOX_BYTES) {
      await new Promise<void>(resolve => { this.#roomWaiters.push(resolve) })
    }
  }

  /** The peer went away: drop what was queued, wake waiters, close our stream */
  close (): void {
    this.connected = false
    this.#entries.clear()
    this.#blocks = []
    this.#blockBytes = 0
    this.#presences = []
    this.#wake()
    const s = this.#stream
    this.#stream = undefined
    if (s !== undefined) void s.close().catch(() => { s.abort(new Error('closed')) })
  }

  #wake (): void {
    const waiters = this.#roomWaiters
    this.#roomWaiters = []
    for (const w of waiters) w()
  }

  #schedule (): void {
    if (this.#scheduled || this.#flushing) return
    this.#scheduled = true
    // wants and blocks queued in the same turn of the event loop leave in one message
    setImmediate(() => {
      this.#scheduled = false
      void this.#flush()
    })
  }

  get #pending (): boolean {
    return this.#entries.size > 0 || this.#blocks.length > 0 || this.#presences.length > 0
  }

  async #flush (): Promise<void> {
    if (this.#flushing) return
    this.#flushing = true
    try {
      while (this.connected && this.#pending) {
        // open first: the peer's protocol version decides how wants and blocks are encoded
        const stream = this.#stream ?? await this.#open()
        const v120 = this.version === '1.2.0'
        const entries: Uint8Array[] = []
        let size = 0
        for (const [key, e] of this.#entries) {
          if (entries.length >= MAX_ENTRIES_OUT) break
          const enc = encodeEntry(e, v120)
          entries.push(enc)
          size += enc.byteLength
          this.#entries.delete(key)
        }
        const presences = this.#presences.splice(0, MAX_ENTRIES_OUT)
        const blocks: Payload[] = []
        let data = 0
        while (this.#blocks.length > 0) {
          const b = this.#blocks[0] as Payload
          if (blocks.length > 0 && size + b.data.byteLength > MAX_MESSAGE) break
          this.#blocks.shift()
          blocks.push(b)
          size += b.data.byteLength + b.prefix.byteLength + 8
          data += b.data.byteLength
        }
        this.#blockBytes -= data
        if (this.#blockBytes <= OUTBOX_BYTES) this.#wake()
        const msg = encodeMessage({ entries, blocks, presences }, this.version)
        stream.send(msg)
        await sent(stream)
        this.#counters.messagesSent++
        this.#counters.blocksSent += blocks.length
        this.#counters.dataSent += data
        this.ledger.blocksSent += blocks.length
        this.ledger.bytesSent += data
        this.ledger.exchanged += blocks.length
      }
    } catch (err) {
      const s = this.#stream
      this.#stream = undefined
      s?.abort(err instanceof Error ? err : new Error(String(err)))
      this.#onError(this, err)
    } finally {
      this.#flushing = false
      if (this.connected && this.#pending) this.#schedule()
    }
  }

  async #open (): Promise<Stream> {
    const stream = await this.#dial(this)
    this.version = (stream.protocol.split('/').pop() ?? '1.2.0') as Version
    stream.addEventListener('close', () => { if (this.#stream === stream) this.#stream = undefined })
    this.#stream = stream
    return stream
  }
}
