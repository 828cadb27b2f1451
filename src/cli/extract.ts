/**
 * Unpack the tar stream `get` produces into a folder, never writing outside it: each entry's path is
 * normalised and must stay below the output folder, and no entry is written through a symlink (every
 * parent folder is checked to be a real folder, files are opened with O_NOFOLLOW).
 */
import { constants } from 'node:fs'
import { lstat, mkdir, open, symlink, utimes, chmod } from 'node:fs/promises'
import { isAbsolute, join, normalize, sep } from 'node:path'
import { Readable } from 'node:stream'
import { extract } from 'tar-stream'
import { LocalFileError } from '../core/errors.ts'

function safeRelative (name: string): string {
  const clean = normalize(name.replaceAll('\\', '/'))
  if (clean === '' || isAbsolute(clean) || clean.split(sep).includes('..') || clean.includes('\0')) {
    throw new LocalFileError(`refusing to write ${JSON.stringify(name)}: outside the output path`)
  }
  return clean
}

/** Throw unless every component between `root` and `path` is a real folder (not a symlink) */
async function checkParents (root: string, rel: string): Promise<void> {
  const parts = rel.split(sep).slice(0, -1)
  let cur = root
  for (const p of parts) {
    cur = join(cur, p)
    const st = await lstat(cur)
    if (!st.isDirectory()) throw new LocalFileError(`refusing to write below ${cur}: not a real folder`)
  }
}

/**
 * Extract `tar` so that its top entry lands at `output`. Names in the stream start with the root name,
 * which is replaced by `output`. `onBytes` is told of the files' bytes as they are written.
 */
export async function extractTar (tar: AsyncIterable<Uint8Array>, output: string, onBytes?: (bytes: number) => void): Promise<void> {
  const ex = extract()
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve)
    ex.on('error', reject)
  })
  done.catch(() => {}) // the loop below reports the same error
  Readable.from(tar).on('error', (err) => ex.destroy(err)).pipe(ex)
  for await (const entry of ex) {
    const header = entry.header
    const rel = safeRelative(header.name)
    const first = rel.split(sep)[0] as string
    const below = rel.slice(first.length + 1)
    const target = below === '' ? output : join(output, below)
    if (below !== '') await checkParents(output, below)
    if (header.type === 'directory') {
      await mkdir(target, { recursive: below === '' })
        .catch(async (err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST' || !(await lstat(target)).isDirectory()) throw err })
    } else if (header.type === 'symlink') {
      await symlink(header.linkname ?? '', target)
    } else if (header.type === 'file') {
      const fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644)
      try {
        for await (const chunk of entry) {
          await fh.write(chunk as Uint8Array)
          onBytes?.((chunk as Uint8Array).byteLength)
        }
      } finally {
        await fh.close()
      }
    } else {
      throw new LocalFileError(`unsupported entry type ${header.type} in tar stream`)
    }
    if (header.type !== 'symlink') {
      if (header.mode !== undefined && header.mode !== 0) await chmod(target, header.mode & 0o7777)
      if (header.mtime !== undefined && header.mtime.getTime() > 0) await utimes(target, header.mtime, header.mtime)
    }
    entry.resume()
  }
  await done
}
