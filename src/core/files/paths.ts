/** MFS paths: Kubo's rules (absolute, cleaned, a trailing slash kept as a hint), and small locks. */
import { posix } from 'node:path'
import { InvalidPathError } from '../errors.ts'

/** Clean an MFS path as Kubo's checkPath does: must start with '/', `..` and `.` resolved, trailing '/' kept */
export function checkPath (p: string): string {
  if (p.length === 0) throw new InvalidPathError('paths must not be empty')
  if (!p.startsWith('/')) throw new InvalidPathError('paths must start with a leading slash')
  if (p.includes('\0')) throw new InvalidPathError('paths must not contain NUL bytes')
  let cleaned = posix.normalize(p)
  if (cleaned.length > 1 && cleaned.endsWith('/')) cleaned = cleaned.slice(0, -1)
  if (p.endsWith('/') && cleaned !== '/') cleaned += '/'
  return cleaned
}

/** The names along a cleaned path ('/' → []) */
export function segments (path: string): string[] {
  return path.split('/').filter(s => s !== '')
}

export function dirname (path: string): string {
  return posix.dirname(path.endsWith('/') && path !== '/' ? path.slice(0, -1) : path)
}

export function basename (path: string): string {
  return posix.basename(path)
}

/** One-at-a-time execution, in arrival order */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()

  async run<T> (fn: () => Promise<T>): Promise<T> {
    const prev = this.tail
    let release!: () => void
    this.tail = new Promise<void>(resolve => { release = resolve })
    await prev
    try {
      return await fn()
    } finally {
      release()
    }
  }
}

/** A mutex per key (a file's path), dropped when nobody holds or waits for it */
export class KeyedMutex {
  private readonly locks = new Map<string, { mutex: Mutex, users: number }>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.locks.get(key)
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 }
      this.locks.set(key, entry)
    }
    entry.users++
    try {
      return await entry.mutex.run(fn)
    } finally {
      entry.users--
      if (entry.users === 0) this.locks.delete(key)
    }
  }
}
