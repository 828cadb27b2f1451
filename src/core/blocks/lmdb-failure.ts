/**
 * A commit LMDB could not make (seen with the disk full: LMDB reports ENOSPC as EIO), made one clear error
 * instead of a crash or a hang. What lmdb-js does then:
 * - it rejects the writes of that transaction with "Commit failed" and puts the cause on a promise of its
 *   own (`commitError`) that nobody awaits: unhandled, its rejection ended the CLI in the middle of a
 *   command;
 * - it prints the cause with console.error, its stack included;
 * - the writes queued behind it never settle, and neither do `flushed` and `close()`: an add waited on them
 *   forever, and a daemon would have stopped answering every write.
 * So the first failure marks the environment: later writes are refused at once, and waits for the disk
 * sync give up. Reads go on. The failed transaction is rolled back; what was committed before is intact.
 */
import type { RootDatabase } from 'lmdb'
import { StoreWriteError } from '../errors.ts'

interface Failure { message: string, failed: Promise<never>, fail: (err: StoreWriteError) => void }

const failures = new WeakMap<RootDatabase, Failure>()

function failureOf (root: RootDatabase): Failure {
  let f = failures.get(root)
  if (f === undefined) {
    let fail: (err: StoreWriteError) => void = () => {}
    const failed = new Promise<never>((_resolve, reject) => { fail = reject })
    failed.catch(() => {})
    f = { message: '', failed, fail }
    failures.set(root, f)
  }
  return f
}

/** Whether a commit of this environment has failed (its later writes are refused, closing it would hang) */
export function lmdbFailed (root: RootDatabase): boolean {
  return (failures.get(root)?.message ?? '') !== ''
}

/** Run an LMDB write; a failed commit becomes StoreWriteError, and so does every write after it */
export async function lmdbWrite<T> (root: RootDatabase, write: () => Promise<T>): Promise<T> {
  const f = failureOf(root)
  if (f.message !== '') throw new StoreWriteError(`the datastore refuses writes since one failed: ${f.message}; free disk space and restart tsipfs`)
  try {
    return await write()
  } catch (err) {
    const pending = (err as { commitError?: Promise<unknown> }).commitError
    if (pending === undefined) throw err
    // the cause is settled in the callback that rejected the write; the timer only guards against a
    // promise lmdb-js dropped
    const cause = await Promise.race([
      pending.then(() => undefined, (e: unknown) => e),
      new Promise<undefined>(resolve => { setTimeout(() => { resolve(undefined) }, 1000).unref() })
    ])
    const why = cause instanceof Error ? cause.message : (err as Error).message
    if (f.message === '') f.message = `${why} (is the disk full?)`
    const error = new StoreWriteError(`could not write to the datastore: ${f.message}`, { cause: cause ?? err })
    f.fail(error)
    throw error
  }
}

/** Resolves once what was committed is on disk; rejects instead of waiting forever once a commit has failed */
export async function lmdbFlushed (root: RootDatabase): Promise<void> {
  const f = failureOf(root)
  if (f.message !== '') throw new StoreWriteError(`could not write to the datastore: ${f.message}`)
  await Promise.race([root.flushed, f.failed])
}

// the cause lmdb-js prints is reported through the writes (lmdbWrite): its print, with the stack, is dropped
/* eslint-disable no-console -- lmdb-js's own console.error is what is filtered */
const consoleError = console.error
console.error = (...args: unknown[]): void => {
  if (args.length === 1 && args[0] instanceof Error && (args[0].stack ?? '').includes('/node_modules/lmdb/')) return
  consoleError.apply(console, args)
}
/* eslint-enable no-console */
