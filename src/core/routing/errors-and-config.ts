/** Small helpers the routing files share */
import { parseDuration } from '../repo/config.ts'
import { InvalidConfigError } from '../errors.ts'

export { InvalidConfigError }

/** A Go duration from the config, or the default when unset (null or "") */
export function parseDurationOrDefault (value: unknown, dflt: string, key: string): number {
  const text = typeof value === 'string' && value !== '' ? value : dflt
  try {
    return parseDuration(text)
  } catch {
    throw new InvalidConfigError(`${key}: invalid duration ${JSON.stringify(value)}`)
  }
}
