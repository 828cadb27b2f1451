/**
 * Kubo's rabin chunker (go-ipfs-chunker rabin.go over whyrusleeping/chunker): a Rabin fingerprint over a
 * 16-byte window with the degree-53 polynomial 17437180132763653; the first min-16 bytes of a chunk are not
 * fingerprinted; a chunk ends when the low log2(avg) bits of the digest are zero (at min bytes or more) or
 * at max bytes. Same constants and rules as Kubo, so the same boundaries and CIDs. (ipfs-unixfs-importer's
 * rabin chunker cuts elsewhere.) The 64-bit digest is kept as two 32-bit halves for speed; the tables are
 * built once with BigInt.
 */
import type { Chunker } from 'ipfs-unixfs-importer/chunker'

const POLYNOMIAL = 17437180132763653n
const WINDOW = 16

function degree (x: bigint): number {
  return x === 0n ? -1 : x.toString(2).length - 1
}

function polMod (x: bigint, pol: bigint): bigint {
  const d = degree(pol)
  while (degree(x) >= d) x ^= pol << BigInt(degree(x) - d)
  return x
}

interface Tables { outHi: Uint32Array, outLo: Uint32Array, modHi: Uint32Array, modLo: Uint32Array, shift: number }

let tables: Tables | undefined

function buildTables (): Tables {
  const k = degree(POLYNOMIAL)
  const outHi = new Uint32Array(256)
  const outLo = new Uint32Array(256)
  const modHi = new Uint32Array(256)
  const modLo = new Uint32Array(256)
  for (let b = 0; b < 256; b++) {
    let h = polMod(BigInt(b), POLYNOMIAL)
    for (let i = 0; i < WINDOW - 1; i++) h = polMod(h << 8n, POLYNOMIAL)
    outHi[b] = Number(h >> 32n)
    outLo[b] = Number(h & 0xffffffffn)
    const m = polMod(BigInt(b) << BigInt(k), POLYNOMIAL) | (BigInt(b) << BigInt(k))
    modHi[b] = Number(m >> 32n)
    modLo[b] = Number(m & 0xffffffffn)
  }
  // the top byte of the digest is bits k..k+7: in the high half, from bit k-32
  return { outHi, outLo, modHi, modLo, shift: k - 8 - 32 }
}

export function kuboRabin (min: number, avg: number, max: number): Chunker {
  const t = tables ??= buildTables()
  const mask = 2 ** Math.floor(Math.log2(avg)) - 1
  const pre = min - WINDOW
  return async function * rabinChunker (source) {
    const cur = new Uint8Array(max)
    const window = new Uint8Array(WINDOW)
    let count = 0
    let wpos = 0
    let hi = 0
    let lo = 0
    let emitted = false
    const reset = (): void => {
      window.fill(0)
      // the chunker slides one byte of value 1 into a fresh window
      window[0] = 1
      wpos = 1
      hi = 0
      lo = 1
      count = 0
    }
    reset()
    for await (const input of source) {
      for (let i = 0; i < input.length; i++) {
        const b = input[i] as number
        cur[count++] = b
        if (count <= pre) continue
        const out = window[wpos] as number
        window[wpos] = b
        hi ^= t.outHi[out] as number
        lo ^= t.outLo[out] as number
        wpos = (wpos + 1) & (WINDOW - 1)
        const index = hi >>> t.shift
        hi = ((hi << 8) | (lo >>> 24)) ^ (t.modHi[index] as number)
        lo = ((lo << 8) | b) ^ (t.modLo[index] as number)
        if (count < min) continue
        if (((lo & mask) >>> 0) === 0 || count >= max) {
          yield cur.slice(0, count)
          emitted = true
          reset()
        }
      }
    }
    if (count > 0 || !emitted) yield cur.slice(0, count)
  }
}
