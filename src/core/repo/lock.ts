/**
 * The repo lock: `$IPFS_PATH/repo.lock` holds the pid of the process that has the repo open for writing.
 * A lock whose process is gone is stale and is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { RepoLockedError } from '../errors.ts'

export const LOCK_FILE = 'repo.lock'

function alive (pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The pid holding the lock, or undefined when the repo is not locked */
export async function lockHolder (repoPath: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(repoPath, LOCK_FILE), 'utf8')).trim())
    return alive(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

export interface RepoLock {
  release(): Promise<void>
}

export async function acquireLock (repoPath: string): Promise<RepoLock> {
  const path = join(repoPath, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o600)
      await fh.writeFile(String(process.pid))
      await fh.close()
      let released = false
      return {
        async release () {
          if (released) return
          released = true
          await rm(path, { force: true })
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = await lockHolder(repoPath)
      if (holder !== undefined) {
        throw new RepoLockedError(`someone else has the lock: process ${holder} has the repo at ${repoPath} open (is a daemon running?)`)
      }
      await rm(path, { force: true })
    }
  }
  throw new RepoLockedError(`could not take the lock on ${repoPath}`)
}
