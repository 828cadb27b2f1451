/** The config part of the core API: read and change the repo's config file. */
import type { Components } from '../node.ts'
import { getKey, setKey, validateConfig, type Config, type JSONValue } from './config.ts'
import { applyProfiles } from './profiles.ts'
import { checkConfig, checkKey } from './config-schema.ts'
import { ConfigKeyNotFoundError, InvalidConfigError } from '../errors.ts'
import { readConfig } from './repo.ts'

/** Keys whose values are secret: `config show` and `config Identity.PrivKey` never print them */
const PRIVATE_KEYS = ['Identity.PrivKey']

export function createConfigApi ({ repo }: Pick<Components, 'repo'>) {
  /**
   * The config as its file holds it now. As in Kubo, `config` reads and changes the file, not the copy a
   * running daemon holds: an edit made by hand (or with `config edit`) while it runs is shown, and kept by
   * the next change made through it.
   */
  const onDisk = async (): Promise<Config> => await readConfig(repo.path)
  return {
    /** The whole config, without the private key */
    async show (): Promise<Config> {
      const c = await onDisk()
      delete (c.Identity as { PrivKey?: string }).PrivKey
      return c
    },
    async get (key: string): Promise<JSONValue> {
      // Kubo refuses the whole Identity too (it holds the key), whatever the case of the letters
      if (['identity', 'identity.privkey'].includes(key.toLowerCase())) throw new InvalidConfigError('cannot show or change private key through API')
      return getKey(await onDisk(), key)
    },
    async set (key: string, value: JSONValue): Promise<void> {
      if (PRIVATE_KEYS.includes(key) || key === 'Identity' || key.startsWith('Identity.')) {
        throw new InvalidConfigError('cannot show or change private key through API')
      }
      // Kubo's order and messages: the key must exist in Kubo's config, then the whole config must decode
      const unknown = checkKey(key)
      if (unknown !== undefined) throw new ConfigKeyNotFoundError(`failed to set config value: ${unknown} (maybe use --json?)`)
      await repo.changeConfig(async () => {
        const next = await onDisk()
        try {
          setKey(next, key, value)
        } catch (err) {
          throw new InvalidConfigError(`failed to set config value: ${(err as Error).message} (maybe use --json?)`)
        }
        const problem = checkConfig(next)
        if (problem !== undefined) throw new InvalidConfigError(`failed to set config value: failure to decode config: ${problem.message} (maybe use --json?)`)
        // saveConfig validates the whole config (the identity too) before it writes
        await repo.saveConfig(next)
      })
    },
    /** Replace the config, keeping the identity (Kubo refuses to change the private key this way) */
    async replace (config: unknown): Promise<void> {
      if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new InvalidConfigError('failed to decode file as config')
      // Kubo says no more than "failed to decode file as config"; the key and the reason are added here
      const problem = checkConfig(config)
      if (problem !== undefined) throw new InvalidConfigError(`failed to decode file as config: ${problem.path}: ${problem.message}`)
      const next = validateConfig(structuredClone(config))
      const given = next.Identity as { PeerID?: string, PrivKey?: string }
      if (given.PrivKey !== undefined) throw new InvalidConfigError('setting private key with API is not supported')
      await repo.changeConfig(async () => {
        const identity = (await onDisk()).Identity
        if (given.PeerID !== identity.PeerID) throw new InvalidConfigError('cannot change the peer ID (Identity.PeerID) with config replace')
        next.Identity = identity
        await repo.saveConfig(next)
      })
    },
    /** Apply profiles; returns the old and new config (without private key). `dryRun` changes nothing. */
    async applyProfile (names: string[], options: { dryRun?: boolean } = {}): Promise<{ OldCfg: Config, NewCfg: Config }> {
      const { old, next } = await repo.changeConfig(async () => {
        const old = await onDisk()
        const next = applyProfiles(old, names)
        const problem = checkConfig(next)
        if (problem !== undefined) throw new InvalidConfigError(`failed to apply profile ${names.join(',')}: ${problem.path}: ${problem.message}`)
        if (options.dryRun !== true) await repo.saveConfig(next)
        return { old, next }
      })
      const strip = (c: Config): Config => {
        const copy = structuredClone(c)
        delete (copy.Identity as { PrivKey?: string }).PrivKey
        return copy
      }
      return { OldCfg: strip(old), NewCfg: strip(next) }
    }
  }
}

export type ConfigApi = ReturnType<typeof createConfigApi>
