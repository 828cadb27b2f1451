/** Strings in byte order of their UTF-8, as Go's sort.Strings orders them (Kubo's listings) */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))
