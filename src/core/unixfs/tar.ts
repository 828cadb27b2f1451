/** A UnixFS tree as a TAR stream (for `get -a` and the gateway's ?format=tar), optionally gzipped. */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { pack } from 'tar-stream'
import type { GetEntry } from './get.ts'

export async function * tarStream (entries: AsyncIterable<GetEntry>, options: { gzipLevel?: number } = {}): AsyncGenerator<Uint8Array> {
  const tar = pack()
  const fill = async (): Promise<void> => {
    for await (const e of entries) {
      const header = { name: e.path, mode: e.mode, mtime: e.mtime ?? new Date(0) }
      if (e.type === 'directory') {
        tar.entry({ ...header, type: 'directory' })
      } else if (e.type === 'symlink') {
        // a symlink's own mode means nothing: it is written 0777, as tar and Kubo write symlinks
        tar.entry({ ...header, mode: 0o777, type: 'symlink', linkname: e.target })
      } else {
        const stream = tar.entry({ ...header, type: 'file', size: Number(e.size) })
        await pipeline(Readable.from(e.content ?? []), stream)
      }
    }
    tar.finalize()
  }
  const filling = fill().catch((err: Error) => tar.destroy(err))
  const source = options.gzipLevel === undefined ? tar : tar.pipe(createGzip({ level: options.gzipLevel }))
  for await (const chunk of source) yield chunk as Uint8Array
  await filling
}
