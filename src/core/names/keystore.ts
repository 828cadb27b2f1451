/**
 * The keystore: named private keys in `$IPFS_PATH/keystore/`, one file per key (mode 0600, the directory
 * 0700), named as Kubo names them (`key_` + unpadded lower-case base32 of the key name) and holding the
 * libp2p protobuf of the key, so a Kubo keystore can be copied in. The key `self` is the node's identity
 * (Identity.PrivKey in the config): it is listed, used for publishing and signing, and never written here.
 * Private keys leave the keystore only through exportKey.
 */
import { mkdir, readFile, readdir, rename as fsRename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { PrivateKey, PublicKey, PeerId } from '@libp2p/interface'
import { base32 } from 'multiformats/bases/base32'
import { baseByName } from '../bases.ts'
import type { Components } from '../node.ts'
import { writeFileAtomic } from '../repo/fs-util.ts'
import {
  InvalidArgumentError, KeyExistsError, KeyNotFoundError, UnsupportedError
} from '../errors.ts'
import { fromPem, toPem } from './pem.ts'

export const SELF = 'self'
export type KeyType = 'ed25519' | 'rsa' | 'secp256k1'
export type KeyFormat = 'libp2p-protobuf-cleartext' | 'pem-pkcs8-cleartext'
export const KEY_FORMATS: KeyFormat[] = ['libp2p-protobuf-cleartext', 'pem-pkcs8-cleartext']
/** Kubo prefixes what `key sign` signs, so a signature cannot be replayed as another protocol's */
export const SIGNED_MESSAGE_PREFIX = 'libp2p-key signed message:'
const DEFAULT_RSA_BITS = 2048

export interface KeyInfo {
  name: string
  peerId: PeerId
}

/** A key name's file: `key_` + base32 (RFC 4648, lower case, no padding), as Kubo's keystore writes */
function fileName (name: string): string {
  return `key_${base32.baseEncode(new TextEncoder().encode(name))}`
}

function nameOf (file: string): string | undefined {
  if (!file.startsWith('key_')) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(base32.baseDecode(file.slice(4)))
  } catch {
    return undefined
  }
}

/**
 * A name (peer ID) as text in the base `--ipns-base` names: `b58mh` the base58btc multihash (`12D3…`,
 * `Qm…`), else a CIDv1 (libp2p-key) in that multibase (`base36`/`k` by default)
 */
export function formatName (peerId: PeerId, ipnsBase: unknown = 'base36'): string {
  const baseName = typeof ipnsBase === 'string' && ipnsBase !== '' ? ipnsBase : 'base36'
  if (baseName === 'b58mh') return peerId.toString()
  let base
  try {
    base = baseByName(baseName)
  } catch {
    throw new UnsupportedError(`cannot get key encoder: unsupported multibase encoding: ${baseName}`)
  }
  return peerId.toCID().toString(base.encoder)
}

function checkName (name: string, verb: string): void {
  if (name === '') throw new InvalidArgumentError('key name must be at least one character')
  if (name === SELF) throw new InvalidArgumentError(`cannot ${verb} key with name '${SELF}'`)
}

/** Kubo's name for a key's Go type, for its "not allowed to be imported" message */
function goTypeName (key: PrivateKey): string {
  return ({ RSA: 'RSAPrivateKey', Ed25519: 'Ed25519PrivateKey', secp256k1: 'Secp256k1PrivateKey', ECDSA: 'ECDSAPrivateKey' } as Record<string, string>)[key.type] ?? key.type
}

export function createKeystore ({ repo }: Pick<Components, 'repo'>) {
  const dir = join(repo.path, 'keystore')
  // loaded on use: the key libraries cost every other command ~15 MB of memory
  const crypto = async () => await import('@libp2p/crypto/keys')
  const peerIds = async () => await import('@libp2p/peer-id')

  async function ensureDir (): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 })
  }

  async function exists (name: string): Promise<boolean> {
    return await stat(join(dir, fileName(name))).then(() => true, () => false)
  }

  async function identity (): Promise<PrivateKey> {
    const { privateKeyFromProtobuf } = await crypto()
    return privateKeyFromProtobuf(Buffer.from(repo.config.Identity.PrivKey ?? '', 'base64'))
  }

  async function write (name: string, key: PrivateKey, options: { overwrite?: boolean } = {}): Promise<void> {
    const { privateKeyToProtobuf } = await crypto()
    await ensureDir()
    if (options.overwrite !== true && await exists(name)) throw new KeyExistsError(`key with name '${name}' already exists`)
    await writeFileAtomic(join(dir, fileName(name)), privateKeyToProtobuf(key), 0o600)
  }

  const api = {
    /** The private key of a named key (`self`: the identity) */
    async get (name: string): Promise<PrivateKey> {
      if (name === SELF) return await identity()
      let bytes: Uint8Array
      try {
        bytes = await readFile(join(dir, fileName(name)))
      } catch {
        throw new KeyNotFoundError(`no key named ${name} was found`)
      }
      const { privateKeyFromProtobuf } = await crypto()
      return privateKeyFromProtobuf(bytes)
    },

    async has (name: string): Promise<boolean> {
      return name === SELF || await exists(name)
    },

    /** Every key, `self` first, then by name */
    async list (): Promise<KeyInfo[]> {
      const { peerIdFromPrivateKey } = await peerIds()
      const out: KeyInfo[] = [{ name: SELF, peerId: peerIdFromPrivateKey(await identity()) }]
      const files = await readdir(dir).catch(() => [] as string[])
      const named: KeyInfo[] = []
      for (const file of files) {
        const name = nameOf(file)
        if (name === undefined || name === SELF) continue
        try {
          named.push({ name, peerId: peerIdFromPrivateKey(await api.get(name)) })
        } catch {
          // a file that is not a key (or was removed meanwhile) is not listed
        }
      }
      return out.concat(named.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },

    /** The key a name or a peer ID (in any form) stands for, if it is ours */
    async find (nameOrId: string): Promise<KeyInfo | undefined> {
      const keys = await api.list()
      const byName = keys.find(k => k.name === nameOrId)
      if (byName !== undefined) return byName
      try {
        const { peerIdFromString } = await peerIds()
        const id = peerIdFromString(nameOrId.replace(/^\/ipns\//, ''))
        return keys.find(k => k.peerId.equals(id))
      } catch {
        return undefined
      }
    },

    /** A new key. RSA keys have `size` bits (at least 2048, 2048 by default); the others ignore it */
    async gen (name: string, options: { type?: string, size?: number } = {}): Promise<KeyInfo> {
      checkName(name, 'create')
      const key = await api.generate(options.type, options.size)
      await write(name, key)
      const { peerIdFromPrivateKey } = await peerIds()
      return { name, peerId: peerIdFromPrivateKey(key) }
    },

    async generate (type: string = 'ed25519', size?: number): Promise<PrivateKey> {
      const { generateKeyPair } = await crypto()
      switch (type) {
        case 'ed25519': return await generateKeyPair('Ed25519')
        case 'secp256k1': return await generateKeyPair('secp256k1')
        case 'rsa': {
          const bits = size === undefined || size === 0 ? DEFAULT_RSA_BITS : size
          if (bits < 2048) throw new InvalidArgumentError('rsa keys must be >= 2048 bits to be useful')
          if (bits > 16384) throw new InvalidArgumentError('rsa keys must be <= 16384 bits')
          return await generateKeyPair('RSA', bits)
        }
        default: throw new InvalidArgumentError(`unrecognized key type: ${type}`)
      }
    },

    async rename (from: string, to: string, options: { force?: boolean } = {}): Promise<{ peerId: PeerId, overwrite: boolean }> {
      if (from === SELF) throw new InvalidArgumentError(`cannot rename key with name '${SELF}'`)
      if (to === SELF) throw new InvalidArgumentError(`cannot overwrite key with name '${SELF}'`)
      if (to === '') throw new InvalidArgumentError('key name must be at least one character')
      const key = await api.get(from)
      const { peerIdFromPrivateKey } = await peerIds()
      const overwrite = from !== to && await exists(to)
      if (overwrite && options.force !== true) throw new KeyExistsError('key by that name already exists, refusing to overwrite')
      if (from !== to) await fsRename(join(dir, fileName(from)), join(dir, fileName(to)))
      return { peerId: peerIdFromPrivateKey(key), overwrite }
    },

    /** Remove keys; all names are checked before any is removed */
    async rm (names: string[]): Promise<KeyInfo[]> {
      const { peerIdFromPrivateKey } = await peerIds()
      const found: KeyInfo[] = []
      for (const name of names) {
        if (name === SELF) throw new InvalidArgumentError(`cannot remove key with name '${SELF}'`)
        found.push({ name, peerId: peerIdFromPrivateKey(await api.get(name)) })
      }
      for (const k of found) await rm(join(dir, fileName(k.name)), { force: true })
      return found
    },

    /** A key from its exported form; only RSA and Ed25519 keys unless allowAnyKeyType */
    async importKey (name: string, bytes: Uint8Array, options: { format?: string, allowAnyKeyType?: boolean } = {}): Promise<KeyInfo> {
      checkName(name, 'import')
      const format = options.format ?? 'libp2p-protobuf-cleartext'
      if (!(KEY_FORMATS as string[]).includes(format)) throw new InvalidArgumentError(`unrecognized import format: ${format}`)
      if (await exists(name)) throw new KeyExistsError(`key with name '${name}' already exists`)
      const text = Buffer.from(bytes).toString('latin1')
      let key: PrivateKey
      if (format === 'libp2p-protobuf-cleartext') {
        if (text.includes('-----BEGIN ')) throw new InvalidArgumentError(`unexpected PEM block for format=${format}: try again with format=pem-pkcs8-cleartext`)
        const { privateKeyFromProtobuf } = await crypto()
        try {
          key = privateKeyFromProtobuf(bytes)
        } catch (err) {
          throw new InvalidArgumentError(`unable to unmarshall format=${format}: ${(err as Error).message}`)
        }
      } else {
        key = await fromPem(text)
      }
      if (options.allowAnyKeyType !== true && key.type !== 'RSA' && key.type !== 'Ed25519') {
        throw new InvalidArgumentError(`key type *crypto.${goTypeName(key)} is not allowed to be imported, only RSA or Ed25519; use flag --allow-any-key-type if you are sure of what you're doing`)
      }
      if (key.type === 'ECDSA') throw new UnsupportedError('ECDSA keys cannot name an IPNS record or a peer: libp2p peer IDs are RSA, Ed25519 or secp256k1 keys')
      await write(name, key)
      const { peerIdFromPrivateKey } = await peerIds()
      return { name, peerId: peerIdFromPrivateKey(key) }
    },

    /** The key's private part in an exchange format; `self` is not exported (as in Kubo) */
    async exportKey (name: string, options: { format?: string } = {}): Promise<Uint8Array> {
      const format = options.format ?? 'libp2p-protobuf-cleartext'
      if (!(KEY_FORMATS as string[]).includes(format)) throw new InvalidArgumentError(`unrecognized export format: ${format}`)
      if (name === SELF) throw new InvalidArgumentError(`cannot export key with name '${SELF}'`)
      if (!await exists(name)) throw new KeyNotFoundError(`key with name '${name}' doesn't exist`)
      const key = await api.get(name)
      if (format === 'pem-pkcs8-cleartext') return new TextEncoder().encode(toPem(key))
      const { privateKeyToProtobuf } = await crypto()
      return privateKeyToProtobuf(key)
    },

    /**
     * A new identity: the old one is kept in the keystore under `oldkey`, the config gets the new one.
     * Only without a running daemon (the command is run by the CLI on the repo).
     */
    async rotate (options: { oldkey?: string, type?: string, size?: number }): Promise<PeerId> {
      const oldkey = options.oldkey ?? ''
      if (oldkey === '') throw new InvalidArgumentError('keystore name for backing up old key must be provided')
      if (oldkey === SELF) throw new InvalidArgumentError(`keystore name for backing up old key cannot be '${SELF}'`)
      if (await exists(oldkey)) throw new KeyExistsError('saving old key in keystore (key by that name already exists, refusing to overwrite)')
      const next = await api.generate(options.type, options.size)
      const { privateKeyToProtobuf } = await crypto()
      const { peerIdFromPrivateKey } = await peerIds()
      await write(oldkey, await identity())
      const peerId = peerIdFromPrivateKey(next)
      const config = structuredClone(repo.config)
      config.Identity = { ...config.Identity, PeerID: peerId.toString(), PrivKey: Buffer.from(privateKeyToProtobuf(next)).toString('base64') }
      await repo.saveConfig(config)
      return peerId
    },

    /** Sign `data` (prefixed with SIGNED_MESSAGE_PREFIX) with a named key */
    async sign (name: string, data: Uint8Array): Promise<{ key: KeyInfo, signature: Uint8Array }> {
      let key: PrivateKey
      try {
        key = await api.get(name)
      } catch (err) {
        if (err instanceof KeyNotFoundError) throw new KeyNotFoundError('no key by the given name was found')
        throw err
      }
      const { peerIdFromPrivateKey } = await peerIds()
      const signature = await key.sign(prefixed(data))
      return { key: { name, peerId: peerIdFromPrivateKey(key) }, signature }
    },

    /**
     * Check a signature made by `sign`. `keyOrName` is a key of ours (by name) or any name whose public
     * key can be derived from it (Ed25519 and secp256k1 peer IDs inline their key)
     */
    async verify (keyOrName: string, data: Uint8Array, signature: Uint8Array): Promise<{ name: string, peerId: PeerId, valid: boolean }> {
      let publicKey: PublicKey | undefined
      let peerId: PeerId
      let name = ''
      if (await api.has(keyOrName)) {
        const key = await api.get(keyOrName)
        const { peerIdFromPrivateKey } = await peerIds()
        publicKey = key.publicKey
        peerId = peerIdFromPrivateKey(key)
        name = keyOrName
      } else {
        const { peerIdFromString } = await peerIds()
        try {
          peerId = peerIdFromString(keyOrName.replace(/^\/ipns\//, ''))
        } catch {
          throw new KeyNotFoundError('no key by the given name was found')
        }
        publicKey = peerId.publicKey
        if (publicKey === undefined) throw new UnsupportedError(`the public key of ${keyOrName} cannot be derived from its name: import the key first`)
      }
      let valid = false
      try {
        valid = await publicKey.verify(prefixed(data), signature)
      } catch {
        valid = false
      }
      return { name, peerId, valid }
    },

    /** The keystore directory */
    dir
  }
  return api
}

function prefixed (data: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(SIGNED_MESSAGE_PREFIX)
  const out = new Uint8Array(prefix.byteLength + data.byteLength)
  out.set(prefix)
  out.set(data, prefix.byteLength)
  return out
}

export type Keystore = ReturnType<typeof createKeystore>
