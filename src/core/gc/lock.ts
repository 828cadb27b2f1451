/**
 * The GC lock. Writers that add blocks and then pin or otherwise reference them (add, dag import, pin add,
 * MFS writes) hold it shared for the whole operation; GC holds it exclusively. So GC never sees a block that
 * is written but not yet referenced.
 */
export class GcLock {
  private readers = 0
  private writer = false
  private readonly waiting: Array<{ exclusive: boolean, resolve: () => void }> = []

  /** Run `fn` while holding the lock shared (many at once) */
  async shared<T> (fn: () => Promise<T>): Promise<T> {
    await this.acquire(false)
    try {
      return await fn()
    } finally {
      this.release(false)
    }
  }

  /** Hold the lock shared for the life of an async generator */
  async * sharedStream<T> (source: () => AsyncIterable<T>): AsyncGenerator<T> {
    await this.acquire(false)
    try {
      yield * source()
    } finally {
      this.release(false)
    }
  }

  /** Run `fn` while holding the lock exclusively */
  async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    await this.acquire(true)
    try {
      return await fn()
    } finally {
      this.release(true)
    }
  }

  async * exclusiveStream<T> (source: () => AsyncIterable<T>): AsyncGenerator<T> {
    await this.acquire(true)
    try {
      yield * source()
    } finally {
      this.release(true)
    }
  }

  get status (): { readers: number, writer: boolean, waiting: number } {
    return { readers: this.readers, writer: this.writer, waiting: this.waiting.length }
  }

  private async acquire (exclusive: boolean): Promise<void> {
    // writers are not starved: a new reader queues behind a waiting writer
    const free = exclusive
      ? !this.writer && this.readers === 0 && this.waiting.length === 0
      : !this.writer && !this.waiting.some(w => w.exclusive)
    if (free) {
      this.take(exclusive)
      return
    }
    await new Promise<void>(resolve => this.waiting.push({ exclusive, resolve }))
  }

  private take (exclusive: boolean): void {
    if (exclusive) this.writer = true
    else this.readers++
  }

  private release (exclusive: boolean): void {
    if (exclusive) this.writer = false
    else this.readers--
    while (this.waiting.length > 0) {
      const next = this.waiting[0] as { exclusive: boolean, resolve: () => void }
      if (next.exclusive) {
        if (this.writer || this.readers > 0) return
        this.waiting.shift()
        this.take(true)
        next.resolve()
        return
      }
      if (this.writer) return
      this.waiting.shift()
      this.take(false)
      next.resolve()
    }
  }
}
