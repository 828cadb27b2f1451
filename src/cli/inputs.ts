/**
 * File inputs from the local disk and stdin, as the CLI sends them to a command: directories walked with
 * --hidden and --ignore rules applied on this side (as Kubo's CLI does), symlinks kept as symlinks.
 */
import { closeSync, createReadStream, lstatSync, openSync, readSync, statSync } from 'node:fs'
import { lstat, readdir, readlink, readFile, realpath, stat } from 'node:fs/promises'
import { basename, join, relative, resolve, sep } from 'node:path'
import type { Stats } from 'node:fs'
import type { InputEntry } from '../commands/command.ts'
import { InvalidArgumentError, LocalFileError } from '../core/errors.ts'
import type { DirectContent } from '../core/unixfs/fast-file.ts'

export interface WalkOptions {
  recursive?: boolean
  hidden?: boolean
  /** gitignore-style patterns */
  ignore?: string[]
  /** file holding ignore rules, one pattern per line */
  ignoreRulesPath?: string
  preserveMode?: boolean
  preserveMtime?: boolean
  /** Follow symlinks given on the command line (Kubo's --dereference-args) */
  dereferenceArgs?: boolean
  /** Follow every symlink, in arguments and inside directories (Kubo's --dereference-symlinks) */
  dereferenceSymlinks?: boolean
}

/**
 * A file system error as Kubo prints it (the C library's text, without Node's code and path). A symlink loop
 * under --dereference-symlinks ends here too: the system refuses a path through 40 links (ELOOP), as for Kubo.
 */
const SYSTEM_MESSAGES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ELOOP: 'too many levels of symbolic links',
  EACCES: 'permission denied',
  ENOTDIR: 'not a directory',
  ENAMETOOLONG: 'file name too long'
}

function systemMessage (err: unknown): string {
  return SYSTEM_MESSAGES[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message
}

/** stat or lstat, with Kubo's message for a path (or a symlink's target) that is not there */
function statPath (path: string, follow: boolean): Stats {
  try {
    return follow ? statSync(path) : lstatSync(path)
  } catch (err) {
    throw new LocalFileError(`stat ${path}: ${systemMessage(err)}`)
  }
}

/** Compile a gitignore-style pattern to a test of a path relative to the walk root */
export function compileIgnore (pattern: string): ((rel: string, isDir: boolean) => boolean) | undefined {
  let p = pattern.trim()
  if (p === '' || p.startsWith('#')) return undefined
  const dirOnly = p.endsWith('/')
  if (dirOnly) p = p.slice(0, -1)
  const anchored = p.includes('/')
  if (p.startsWith('/')) p = p.slice(1)
  let re = ''
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string
    if (c === '*') {
      if (p[i + 1] === '*') {
        re += '.*'
        i++
        if (p[i + 1] === '/') i++
      } else {
        re += '[^/]*'
      }
    } else if (c === '?') {
      re += '[^/]'
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }
  }
  const regex = new RegExp(anchored ? `^${re}(/.*)?$` : `(^|/)${re}(/.*)?$`)
  return (rel, isDir) => (!dirOnly || isDir) && regex.test(rel)
}

async function ignoreRules (options: WalkOptions): Promise<Array<(rel: string, isDir: boolean) => boolean>> {
  const patterns = [...(options.ignore ?? [])]
  if (options.ignoreRulesPath !== undefined) {
    try {
      patterns.push(...(await readFile(options.ignoreRulesPath, 'utf8')).split('\n'))
    } catch (err) {
      throw new LocalFileError(`could not read ignore rules from ${options.ignoreRulesPath}: ${(err as Error).message}`)
    }
  }
  return patterns.map(compileIgnore).filter(f => f !== undefined)
}

async function metadata (path: string, st: Stats, options: WalkOptions): Promise<Pick<InputEntry, 'mode' | 'mtime'>> {
  const out: Pick<InputEntry, 'mode' | 'mtime'> = {}
  if (options.preserveMode === true) out.mode = st.mode & 0o7777
  if (options.preserveMtime === true) {
    // nanosecond precision, as Kubo stores it
    const ns = (await lstat(path, { bigint: true })).mtimeNs
    out.mtime = { secs: ns / 1_000_000_000n, nsecs: Number(ns % 1_000_000_000n) }
  }
  return out
}

/** Walk local paths into input entries; each argument becomes a top-level entry named by its basename */
export async function * localEntries (paths: string[], options: WalkOptions = {}): AsyncGenerator<InputEntry> {
  const rules = await ignoreRules(options)
  for (const given of paths) {
    let st
    try {
      st = options.dereferenceArgs === true || options.dereferenceSymlinks === true ? await stat(given) : await lstat(given)
    } catch (err) {
      // Kubo's CLI lstats every path it is given, and says so (a path that is there but loops when followed
      // is stat's failure, said as before)
      const follow = options.dereferenceArgs === true || options.dereferenceSymlinks === true
      const lstatFailed = !follow || (err as NodeJS.ErrnoException).code === 'ENOENT'
      throw new LocalFileError(`${lstatFailed ? 'lstat ' : ''}${given}: ${systemMessage(err)}`)
    }
    // Kubo names an argument by the last element of its absolute path: `add -r .` adds `<dir name>/…`
    // a dereferenced symlink argument is named by its target, as Kubo does
    const follow = options.dereferenceArgs === true || options.dereferenceSymlinks === true
    const name = basename(follow ? await realpath(given) : resolve(given)) || given
    if (st.isDirectory() && options.recursive !== true) {
      throw new InvalidArgumentError(`'${given}' is a directory, use the '-r' flag to specify directories`)
    }
    yield * walk(given, name, st, '', rules, options)
  }
}

async function * walk (abs: string, path: string, st: Stats, rel: string,
  rules: Array<(rel: string, isDir: boolean) => boolean>, options: WalkOptions): AsyncGenerator<InputEntry> {
  if (st.isSymbolicLink()) {
    yield { path, type: 'symlink', target: await readlink(abs), ...await metadata(abs, st, options) }
  } else if (st.isDirectory()) {
    yield { path, type: 'directory', ...await metadata(abs, st, options) }
    let names: string[]
    try {
      names = (await readdir(abs)).sort()
    } catch (err) {
      throw new LocalFileError(`${abs}: ${(err as Error).message}`)
    }
    for (const name of names) {
      if (options.hidden !== true && name.startsWith('.')) continue
      const childAbs = join(abs, name)
      const childRel = rel === '' ? name : `${rel}/${name}`
      // synchronous: a thread-pool round trip per entry costs more than the call (see fileContent)
      const childSt = statPath(childAbs, options.dereferenceSymlinks === true)
      if (rules.some(r => r(childRel, childSt.isDirectory()))) continue
      yield * walk(childAbs, `${path}/${name}`, childSt, childRel, rules, options)
    }
  } else if (st.isFile()) {
    yield { path, type: 'file', content: fileContent(abs, st.size), size: st.size, ...await metadata(abs, st, options) }
  } else {
    throw new LocalFileError(`${relative('.', abs).split(sep).join('/')}: unsupported file type`)
  }
}

const READ_SIZE = 256 * 1024

/**
 * A file's bytes: small files in one read, large ones streamed in 256 KiB pieces (the default chunk size;
 * memory flat in file size). add reads it with openDirect instead, straight into its own buffers.
 */
function fileContent (path: string, size: number): DirectContent {
  const fail = (err: unknown): never => { throw new LocalFileError(`${path}: ${(err as Error).message}`) }
  return {
    async * [Symbol.asyncIterator] () {
      try {
        if (size <= READ_SIZE) {
          yield await readFile(path)
          return
        }
        for await (const chunk of createReadStream(path, { highWaterMark: READ_SIZE })) yield chunk as Uint8Array
      } catch (err) {
        fail(err)
      }
    },
    // Synchronous reads: add waits for each read anyway, and a thread-pool round trip per open, read and close
    // cost more than the read (10,000 small files: idle 45% of a profiled run). Only the CLI's own process
    // reads local files, so no one else waits on its event loop.
    async openDirect () {
      let fd: number
      try {
        fd = openSync(path, 'r')
      } catch (err) {
        return fail(err)
      }
      return {
        size,
        read: async (into) => {
          try {
            return readSync(fd, into, 0, into.byteLength, null)
          } catch (err) {
            return fail(err)
          }
        },
        close: async () => { closeSync(fd) }
      }
    }
  }
}

/** stdin as one file entry */
export async function * stdinEntry (name: string): AsyncGenerator<InputEntry> {
  yield { path: name, type: 'file', content: process.stdin as AsyncIterable<Uint8Array> }
}
