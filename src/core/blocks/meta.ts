/** A small transactional key-value store for pins, the MFS root and other records (JSON values). */
export interface MetaStore {
  get<T>(key: string): Promise<T | undefined>
  put(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<void>
  /** Entries whose key starts with `prefix`, in key order */
  list<T>(prefix: string): AsyncIterable<{ key: string, value: T }>
  /** Apply several writes in one atomic transaction */
  batch(ops: Array<{ type: 'put', key: string, value: unknown } | { type: 'del', key: string }>): Promise<void>
}
