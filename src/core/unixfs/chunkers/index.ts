/** Kubo's chunker strings: `size-N`, `rabin`, `rabin-AVG`, `rabin-MIN-AVG-MAX`, `buzhash` (boxo chunker/parse.go) */
import { fixedSize, type Chunker } from 'ipfs-unixfs-importer/chunker'
import { InvalidArgumentError } from '../../errors.ts'
import { buzhash } from './buzhash.ts'
import { kuboRabin } from './rabin.ts'

export const DEFAULT_CHUNK_SIZE = 262144
/** Chunks larger than this could not travel over bitswap (Kubo's limit: 2 MiB block minus overhead) */
export const CHUNK_SIZE_LIMIT = 2 * 1024 * 1024 - 1024

function int (text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new InvalidArgumentError(`invalid chunker ${what}: "${text ?? ''}"`)
  return Number(text)
}

function limit (n: number): number {
  if (n > CHUNK_SIZE_LIMIT) throw new InvalidArgumentError(`chunker parameters may not exceed the maximum chunk size of ${CHUNK_SIZE_LIMIT}`)
  return n
}

export function parseChunker (spec: string | undefined | null): Chunker {
  const s = spec ?? ''
  if (s === '' || s === 'default') return fixedSize({ chunkSize: DEFAULT_CHUNK_SIZE })
  if (s === 'buzhash') return buzhash()
  if (s.startsWith('size-')) {
    const size = int(s.slice(5), 'size')
    if (size <= 0) throw new InvalidArgumentError('chunker size must be greater than 0')
    return fixedSize({ chunkSize: limit(size) })
  }
  if (s === 'rabin' || s.startsWith('rabin-')) {
    const parts = s.split('-')
    // rabin-AVG: min = avg/3, max = avg + avg/2 (integer division, as Kubo)
    const fromAvg = (avg: number): Chunker => kuboRabin(Math.floor(avg / 3), avg, limit(avg + Math.floor(avg / 2)))
    if (parts.length === 1) return fromAvg(DEFAULT_CHUNK_SIZE)
    if (parts.length === 2) return fromAvg(int(parts[1], 'size'))
    if (parts.length === 4) {
      const label = (part: string | undefined, name: string): number => {
        const sub = (part ?? '').split(':')
        if (sub.length > 1 && sub[0] !== name) throw new InvalidArgumentError(`${name === 'min' ? 'first' : name === 'avg' ? 'second' : 'final'} label must be ${name}`)
        return int(sub[sub.length - 1], name)
      }
      const min = label(parts[1], 'min')
      const avg = label(parts[2], 'avg')
      const max = limit(label(parts[3], 'max'))
      if (min < 16) throw new InvalidArgumentError('rabin min must be greater than 16')
      if (max < min) throw new InvalidArgumentError('rabin max must not be less than min')
      return kuboRabin(min, avg, max)
    }
    throw new InvalidArgumentError("incorrect format (expected 'rabin' 'rabin-[avg]' or 'rabin-[min]-[avg]-[max]'")
  }
  throw new InvalidArgumentError(`unrecognized chunker option: ${s}`)
}
