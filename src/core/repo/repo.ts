/**
 * The on-disk repo: `config` (Kubo-shaped JSON), `version`, `repo.lock`, and the stores named by
 * Datastore.Spec. `initRepo` creates one; `openRepo` checks the version, takes the lock and opens the stores.
 */
import { mkdir, readFile, stat, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { toString as u8ToString } from 'uint8arrays/to-string'
import { InvalidConfigError, RepoExistsError, RepoNotInitializedError, RepoVersionError, UnknownProfileError } from '../errors.ts'
import { defaultConfig, validateConfig, type Config } from './config.ts'
import { acquireLock, type RepoLock } from './lock.ts'
import { writeFileAtomic } from './fs-util.ts'
import { applyProfiles } from './profiles.ts'

/** The repo layout version this code writes and reads. Bump it together with a migration in migrations.ts. */
export const REPO_VERSION = 1

export function defaultRepoPath (): string {
  const env = process.env.IPFS_PATH
  return resolve(env !== undefined && env !== '' ? env : join(homedir(), '.tsipfs'))
}

export interface InitOptions {
  /** Profiles to apply, in order */
  profiles?: string[]
  /** Start from this config instead of the default one (its Identity is kept if it has one) */
  config?: Config | Record<string, unknown>
  /** Key type for a new identity */
  algorithm?: 'ed25519' | 'rsa' | 'secp256k1'
  bits?: number
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

export async function isInitialized (repoPath: string): Promise<boolean> {
  return await exists(join(repoPath, 'config'))
}

export async function newIdentity (algorithm: InitOptions['algorithm'] = 'ed25519', bits = 2048): Promise<{ PeerID: string, PrivKey: string }> {
  // loaded on use, so that opening a repo does not pay for the key libraries
  const { generateKeyPair, privateKeyToProtobuf } = await import('@libp2p/crypto/keys')
  const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
  const key = algorithm === 'rsa'
    ? await generateKeyPair('RSA', bits)
    : algorithm === 'secp256k1' ? await generateKeyPair('secp256k1') : await generateKeyPair('Ed25519')
  return {
    PeerID: peerIdFromPrivateKey(key).toString(),
    PrivKey: u8ToString(privateKeyToProtobuf(key), 'base64pad')
  }
}

/** Create a repo. Fails with RepoExistsError when one is there already. */
export async function initRepo (repoPath: string, options: InitOptions = {}): Promise<Config> {
  if (await isInitialized(repoPath)) throw new RepoExistsError(`tsipfs configuration file already exists! Reinitializing would overwrite your keys (${join(repoPath, 'config')})`)
  for (const p of options.profiles ?? []) {
    if (p === '') throw new UnknownProfileError('empty profile name')
  }
  const given = options.config as Record<string, unknown> | undefined
  const givenIdentity = given?.Identity as { PeerID?: unknown, PrivKey?: unknown } | undefined
  const identity = typeof givenIdentity?.PeerID === 'string' && typeof givenIdentity.PrivKey === 'string'
    ? { PeerID: givenIdentity.PeerID, PrivKey: givenIdentity.PrivKey }
    : await newIdentity(options.algorithm, options.bits)
  let config: Config = given !== undefined
    ? validateConfig({ ...structuredClone(given), Identity: identity })
    : defaultConfig(identity)
  config = applyProfiles(config, options.profiles ?? [])
  await mkdir(repoPath, { recursive: true, mode: 0o700 })
  const lock = await acquireLock(repoPath)
  try {
    await writeFileAtomic(join(repoPath, 'version'), `${REPO_VERSION}\n`)
    await writeFileAtomic(join(repoPath, 'config'), JSON.stringify(config, null, 2) + '\n')
  } catch (err) {
    await rm(join(repoPath, 'config'), { force: true })
    throw err
  } finally {
    await lock.release()
  }
  return config
}

export async function readVersion (repoPath: string): Promise<number> {
  let text: string
  try {
    text = await readFile(join(repoPath, 'version'), 'utf8')
  } catch {
    throw new RepoNotInitializedError()
  }
  const version = Number(text.trim())
  if (!Number.isInteger(version)) throw new RepoVersionError(`repo version file holds "${text.trim()}", not a number`)
  return version
}

/** The config file, checked: a file edited into something Kubo could not decode fails naming the file and the key */
export async function readConfig (repoPath: string): Promise<Config> {
  const file = join(repoPath, 'config')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw noRepo(repoPath)
  }
  try {
    return validateConfig(JSON.parse(text))
  } catch (err) {
    throw new InvalidConfigError(`failure to decode config file ${file}: ${(err as Error).message}`)
  }
}

export async function writeConfig (repoPath: string, config: Config): Promise<void> {
  validateConfig(config)
  await writeFileAtomic(join(repoPath, 'config'), JSON.stringify(config, null, 2) + '\n')
}

export interface Repo {
  readonly path: string
  config: Config
  readonly version: number
  /** Replace the config on disk (atomically) and in memory */
  saveConfig(config: Config): Promise<void>
  /**
   * Run a change of the config (read, modify, save) once the changes before it are done, as Kubo's fsrepo
   * holds its lock around one: two `config set` through the daemon at once each keep the other's key
   */
  changeConfig<T>(change: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Kubo's error for a path that holds no repo */
function noRepo (repoPath: string): RepoNotInitializedError {
  return new RepoNotInitializedError(`no tsipfs repo found in ${repoPath}.\nplease run: 'tsipfs init'`)
}

/** Fails with Kubo's message when `repoPath` holds no repo */
export async function assertInitialized (repoPath: string): Promise<void> {
  if (!await isInitialized(repoPath)) throw noRepo(repoPath)
}

/** Open an initialised repo for writing: checks its version and takes the lock */
export async function openRepo (repoPath: string): Promise<Repo> {
  await assertInitialized(repoPath)
  const version = await readVersion(repoPath)
  if (version > REPO_VERSION) {
    throw new RepoVersionError(`repo at ${repoPath} has version ${version}; this tsipfs understands up to ${REPO_VERSION}. Upgrade tsipfs.`)
  }
  if (version < REPO_VERSION) {
    throw new RepoVersionError(`repo at ${repoPath} has version ${version} and needs migrating to ${REPO_VERSION}`)
  }
  const lock: RepoLock = await acquireLock(repoPath)
  try {
    const config = await readConfig(repoPath)
    // the config changes under way, one after the other
    let changes: Promise<unknown> = Promise.resolve()
    const repo: Repo = {
      path: repoPath,
      config,
      version,
      async saveConfig (next) {
        await writeConfig(repoPath, next)
        repo.config = next
      },
      changeConfig (change) {
        const done = changes.then(change)
        changes = done.catch(() => {})
        return done
      },
      async close () {
        await lock.release()
      }
    }
    return repo
  } catch (err) {
    await lock.release()
    throw err
  }
}
