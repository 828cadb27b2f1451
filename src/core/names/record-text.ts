/**
 * The text of `name inspect` as Kubo prints it. Apart from records.ts so that the command tree can format
 * without loading the ipns package (the CLI's start-up).
 */
import type { InspectResult } from './records.ts'

/** A duration in nanoseconds as Go prints it (`5m0s`, `1h0m0s`, `1.5s`, `300ms`) */
export function goDuration (ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let n = neg ? -ns : ns
  let out: string
  if (n < 1_000_000_000n) {
    const units: Array<[bigint, string]> = [[1_000_000n, 'ms'], [1_000n, 'µs'], [1n, 'ns']]
    const [size, unit] = units.find(([s]) => n >= s) as [bigint, string]
    out = `${trimFraction(n, size)}${unit}`
  } else {
    const h = n / 3_600_000_000_000n
    n -= h * 3_600_000_000_000n
    const m = n / 60_000_000_000n
    n -= m * 60_000_000_000n
    out = `${trimFraction(n, 1_000_000_000n)}s`
    if (h > 0n) out = `${h}h${m}m${out}`
    else if (m > 0n) out = `${m}m${out}`
  }
  return neg ? `-${out}` : out
}

function trimFraction (n: bigint, size: bigint): string {
  const whole = n / size
  const frac = n % size
  if (frac === 0n) return whole.toString()
  const digits = size.toString().length - 1
  return `${whole}.${frac.toString().padStart(digits, '0').replace(/0+$/, '')}`
}

/** Kubo's text layout of `name inspect` */
export function inspectText (r: InspectResult): string {
  let out = `Value:          ${JSON.stringify(r.Entry.Value)}\n` +
    `Validity Type:  ${r.Entry.ValidityType}\n` +
    `Validity:       ${JSON.stringify(r.Entry.Validity)}\n` +
    `Sequence:       ${r.Entry.Sequence}\n` +
    `TTL:            ${goDuration(BigInt(r.Entry.TTL))}\n` +
    `Protobuf Size:  ${r.PbSize}\n` +
    `Signature Type: ${r.SignatureType}\n`
  if (r.Validation === null) {
    out += '\nThis record was not verified. Pass \'--verify k51...\' to verify.\n'
  } else if (r.Validation.Valid) {
    out += `\nValidation results:\n Valid: true\n Name:  ${r.Validation.Name}\n`
  } else {
    out += `\nValidation results:\n Valid:  false\n Reason: ${r.Validation.Reason}\n Name:   ${r.Validation.Name}\n`
  }
  if (r.HexDump !== '') out += `\nHex Dump:\n${r.HexDump}`
  return out
}
