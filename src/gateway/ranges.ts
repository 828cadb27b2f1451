/** HTTP byte ranges (RFC 9110 §14): parse a Range header against a file size. */

export interface ByteRange { start: number, end: number }

/**
 * The ranges asked for, clipped to the file: undefined when the header is absent or malformed (serve the
 * whole file), [] when none can be satisfied (416).
 */
export function parseRange (header: string | undefined, size: number): ByteRange[] | undefined {
  if (header === undefined) return undefined
  const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header)
  if (m === null) return undefined
  const out: ByteRange[] = []
  for (const part of (m[1] as string).split(',')) {
    const r = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(part)
    if (r === null) return undefined
    const [, a, b] = r as unknown as [string, string, string]
    if (a === '' && b === '') return undefined
    let start: number
    let end: number
    if (a === '') {
      // suffix: the last b bytes
      const n = Number(b)
      if (n === 0) continue
      start = Math.max(0, size - n)
      end = size - 1
    } else {
      start = Number(a)
      end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
      if (b !== '' && Number(b) < start) return undefined
    }
    if (start >= size || end < start) continue
    out.push({ start, end })
  }
  return out
}
