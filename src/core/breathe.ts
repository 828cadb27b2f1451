/**
 * Loops over local blocks only await microtasks (LMDB reads are synchronous), so on their own they would
 * starve timers and I/O: no --timeout would fire and a daemon would stop answering others. Calling this
 * in such loops lets the event loop run every so often.
 */
let count = 0

export async function breathe (every = 256): Promise<void> {
  if (++count % every === 0) await new Promise<void>(resolve => { setImmediate(resolve) })
}
