/**
 * Every error tsipfs raises, one class per condition. Each has a stable `name` (compare by name, never by
 * message) and a default message. `code` is the Kubo RPC error code (0 = normal, 1 = client, 2 = implementation,
 * 3 = rate limited, 4 = forbidden) and `status` the HTTP status used by the RPC API and the gateway.
 * docs/errors.md is checked against this module by a test: a new class needs a line there.
 */

export class TsipfsError extends Error {
  /** Kubo's cmds error code: 0 normal, 1 client, 2 implementation, 4 forbidden */
  readonly code: number = 0
  readonly status: number = 500

  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'TsipfsError'
  }
}

/** Bad input from the user: a malformed argument, an unknown option value, a path that cannot be parsed */
export class InvalidArgumentError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'invalid argument', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidArgumentError'
  }
}

/** A required argument is absent */
export class MissingArgumentError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'argument is required', options?: ErrorOptions) {
    super(message, options)
    this.name = 'MissingArgumentError'
  }
}

/** The command path does not exist */
export class UnknownCommandError extends TsipfsError {
  override readonly code = 1
  override readonly status = 404
  constructor (message = 'unknown command', options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnknownCommandError'
  }
}

/** A CID string could not be decoded */
export class InvalidCIDError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'invalid cid', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidCIDError'
  }
}

/** A path (/ipfs/..., /ipns/...) could not be parsed */
export class InvalidPathError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'invalid path', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidPathError'
  }
}

/** A block is not in the local store and the node may not or could not fetch it */
export class BlockNotFoundError extends TsipfsError {
  override readonly status = 404
  constructor (message = 'block was not found locally (offline)', options?: ErrorOptions) {
    super(message, options)
    this.name = 'BlockNotFoundError'
  }
}

/** A path segment does not exist inside a DAG */
export class PathNotFoundError extends TsipfsError {
  override readonly status = 404
  constructor (message = 'no link named in path', options?: ErrorOptions) {
    super(message, options)
    this.name = 'PathNotFoundError'
  }
}

/** The operation needs a different kind of node (a file where a directory was expected and so on) */
export class WrongNodeTypeError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'wrong node type', options?: ErrorOptions) {
    super(message, options)
    this.name = 'WrongNodeTypeError'
  }
}

/** Bytes do not hash to the CID they were stored or received under */
export class HashMismatchError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'block data does not match its hash', options?: ErrorOptions) {
    super(message, options)
    this.name = 'HashMismatchError'
  }
}

/** A hash function, codec or multibase is not supported */
export class UnsupportedError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'not supported', options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnsupportedError'
  }
}

/** The repo does not exist at the path given */
export class RepoNotInitializedError extends TsipfsError {
  constructor (message = 'no tsipfs repo found. please run: \'tsipfs init\'', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RepoNotInitializedError'
  }
}

/** `init` on a path that already holds a repo */
export class RepoExistsError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'tsipfs configuration file already exists!', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RepoExistsError'
  }
}

/** Another process holds the repo lock */
export class RepoLockedError extends TsipfsError {
  constructor (message = 'someone else has the lock', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RepoLockedError'
  }
}

/** The repo was written by a version of tsipfs this one does not understand */
export class RepoVersionError extends TsipfsError {
  constructor (message = 'repo version is not supported', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RepoVersionError'
  }
}

/** The config file cannot be parsed or holds a value of the wrong type */
export class InvalidConfigError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'invalid config', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidConfigError'
  }
}

/** A config key does not exist */
export class ConfigKeyNotFoundError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'config key not found', options?: ErrorOptions) {
    super(message, options)
    this.name = 'ConfigKeyNotFoundError'
  }
}

/** An unknown config profile name */
export class UnknownProfileError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'unknown profile', options?: ErrorOptions) {
    super(message, options)
    this.name = 'UnknownProfileError'
  }
}

/** A pin operation that conflicts with the pin set (not pinned, pinned indirectly, …) */
export class PinError extends TsipfsError {
  override readonly code = 0
  override readonly status = 500
  constructor (message = 'pin error', options?: ErrorOptions) {
    super(message, options)
    this.name = 'PinError'
  }
}

/** The CID is not pinned */
export class NotPinnedError extends TsipfsError {
  override readonly status = 500
  constructor (message = 'not pinned or pinned indirectly', options?: ErrorOptions) {
    super(message, options)
    this.name = 'NotPinnedError'
  }
}

/** A block cannot be removed because a pin references it */
export class BlockPinnedError extends TsipfsError {
  override readonly status = 500
  constructor (message = 'block is pinned', options?: ErrorOptions) {
    super(message, options)
    this.name = 'BlockPinnedError'
  }
}

/** An input exceeds a limit (block size, argument size, message size) */
export class TooLargeError extends TsipfsError {
  override readonly code = 1
  override readonly status = 413
  constructor (message = 'input too large', options?: ErrorOptions) {
    super(message, options)
    this.name = 'TooLargeError'
  }
}

/** The command needs a running daemon */
export class DaemonNotRunningError extends TsipfsError {
  constructor (message = 'this command must be run in online mode. Try running \'tsipfs daemon\' first.', options?: ErrorOptions) {
    super(message, options)
    this.name = 'DaemonNotRunningError'
  }
}

/** The operation was cancelled (client went away, --timeout passed, SIGINT) */
export class AbortedError extends TsipfsError {
  constructor (message = 'context canceled', options?: ErrorOptions) {
    super(message, options)
    this.name = 'AbortedError'
  }
}

/** A file or folder on the local disk could not be read or written */
export class LocalFileError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'local file error', options?: ErrorOptions) {
    super(message, options)
    this.name = 'LocalFileError'
  }
}

/** A CAR file or stream cannot be decoded */
export class InvalidCarError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'invalid CAR', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidCarError'
  }
}

/** The store's on-disk data is damaged */
export class RepoCorruptError extends TsipfsError {
  constructor (message = 'repo is corrupt', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RepoCorruptError'
  }
}

/** The store could not commit a write (the disk full, an I/O error); what was committed before is intact */
export class StoreWriteError extends TsipfsError {
  constructor (message = 'could not write to the datastore', options?: ErrorOptions) {
    super(message, options)
    this.name = 'StoreWriteError'
  }
}

/** An MFS path names nothing (Kubo's message: "file does not exist") */
export class FileNotFoundError extends TsipfsError {
  override readonly status = 404
  constructor (message = 'file does not exist', options?: ErrorOptions) {
    super(message, options)
    this.name = 'FileNotFoundError'
  }
}

/** An MFS path is already taken (Kubo's message: "file already exists") */
export class FileExistsError extends TsipfsError {
  override readonly code = 1
  override readonly status = 409
  constructor (message = 'file already exists', options?: ErrorOptions) {
    super(message, options)
    this.name = 'FileExistsError'
  }
}

/** An IPNS name or DNSLink domain does not resolve (no record, expired, no TXT record) */
export class NameNotFoundError extends TsipfsError {
  override readonly status = 404
  constructor (message = 'could not resolve name', options?: ErrorOptions) {
    super(message, options)
    this.name = 'NameNotFoundError'
  }
}

/** The network is not running: no daemon, or `daemon --offline` */
export class NotOnlineError extends TsipfsError {
  constructor (message = 'this action must be run in online mode, try running \'tsipfs daemon\' first (without --offline)', options?: ErrorOptions) {
    super(message, options)
    this.name = 'NotOnlineError'
  }
}

/** The pubsub commands need Pubsub.Enabled (or daemon --enable-pubsub-experiment); Kubo's message */
export class PubsubNotEnabledError extends TsipfsError {
  constructor (message = 'experimental pubsub feature not enabled, run daemon with --enable-pubsub-experiment to use', options?: ErrorOptions) {
    super(message, options)
    this.name = 'PubsubNotEnabledError'
  }
}

/** `name pubsub subs|cancel` need Ipns.UsePubsub (or daemon --enable-namesys-pubsub); Kubo's message */
export class IpnsPubsubNotEnabledError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'IPNS pubsub subsystem is not enabled', options?: ErrorOptions) {
    super(message, options)
    this.name = 'IpnsPubsubNotEnabledError'
  }
}

/** A keystore name is already taken */
export class KeyExistsError extends TsipfsError {
  override readonly code = 1
  override readonly status = 409
  constructor (message = 'key by that name already exists, refusing to overwrite', options?: ErrorOptions) {
    super(message, options)
    this.name = 'KeyExistsError'
  }
}

/** No key of that name in the keystore */
export class KeyNotFoundError extends TsipfsError {
  override readonly code = 1
  override readonly status = 404
  constructor (message = 'no key by the given name was found', options?: ErrorOptions) {
    super(message, options)
    this.name = 'KeyNotFoundError'
  }
}

/** An IPNS record is malformed, wrongly signed, expired, for another name, or older than the one we have */
export class InvalidRecordError extends TsipfsError {
  override readonly code = 1
  override readonly status = 400
  constructor (message = 'record is malformed', options?: ErrorOptions) {
    super(message, options)
    this.name = 'InvalidRecordError'
  }
}

/** Routing found no value, provider or peer for a key (Kubo's message: "routing: not found") */
export class RoutingNotFoundError extends TsipfsError {
  constructor (message = 'routing: not found', options?: ErrorOptions) {
    super(message, options)
    this.name = 'RoutingNotFoundError'
  }
}

/** Provide.Enabled is false, so nothing may be announced (Kubo's message) */
export class ProvideDisabledError extends TsipfsError {
  constructor (message = "invalid configuration: Provide.Enabled is set to 'false'", options?: ErrorOptions) {
    super(message, options)
    this.name = 'ProvideDisabledError'
  }
}

/** `add --nocopy` needs the filestore, which tsipfs does not have (Kubo's message with Experimental.FilestoreEnabled false) */
export class FilestoreNotEnabledError extends TsipfsError {
  constructor (message = 'either the filestore or the urlstore must be enabled to use nocopy, see: https://github.com/ipfs/kubo/blob/master/docs/experimental-features.md#ipfs-filestore', options?: ErrorOptions) {
    super(message, options)
    this.name = 'FilestoreNotEnabledError'
  }
}

/** Names of every error class, for the docs test */
export const errorClasses = [
  InvalidArgumentError, MissingArgumentError, UnknownCommandError, InvalidCIDError, InvalidPathError,
  BlockNotFoundError, PathNotFoundError, WrongNodeTypeError, HashMismatchError, UnsupportedError,
  RepoNotInitializedError, RepoExistsError, RepoLockedError, RepoVersionError, InvalidConfigError,
  ConfigKeyNotFoundError, UnknownProfileError, PinError, NotPinnedError, BlockPinnedError, TooLargeError,
  DaemonNotRunningError, AbortedError, LocalFileError, InvalidCarError, RepoCorruptError, FileNotFoundError,
  FileExistsError, NameNotFoundError, NotOnlineError, KeyExistsError, KeyNotFoundError, InvalidRecordError,
  RoutingNotFoundError, ProvideDisabledError, PubsubNotEnabledError, IpnsPubsubNotEnabledError, FilestoreNotEnabledError
]

/**
 * ipfs-unixfs-exporter's own NotFoundError: a name missing from a directory, or a path going on below a
 * file. A block that is not there is not one: our stores throw TsipfsErrors (BlockNotFoundError).
 */
export function isMissingName (err: unknown): boolean {
  return err instanceof Error && err.name === 'NotFoundError'
}

/**
 * Turn anything thrown into a TsipfsError. Errors from libraries are mapped by their `name` (never by their
 * message); unknown errors keep their message and become implementation errors (code 2 on the wire).
 */
export function toTsipfsError (err: unknown): TsipfsError {
  if (err instanceof TsipfsError) return err
  const e = err instanceof Error ? err : new Error(String(err))
  switch (e.name) {
    case 'AbortError':
    case 'TimeoutError':
      return new AbortedError(e.name === 'TimeoutError' ? 'context deadline exceeded' : 'context canceled', { cause: e })
    case 'NotFoundError':
    case 'ERR_NOT_FOUND':
      return new BlockNotFoundError(undefined, { cause: e })
    case 'NoResolutionError':
    case 'NotUnixFSError':
      return new PathNotFoundError(e.message, { cause: e })
    case 'NotADirectoryError':
      return new WrongNodeTypeError(e.message, { cause: e })
    case 'InvalidParametersError':
      return new InvalidArgumentError(e.message, { cause: e })
  }
  // LMDB finding a damaged page of its own (blocks/lmdb-check.ts refuses the damage that would crash it)
  if (/^MDB_(CORRUPTED|PAGE_NOTFOUND)\b/.test(e.message)) return new RepoCorruptError(`the datastore is damaged (${e.message})`, { cause: e })
  const code = (e as { code?: unknown }).code
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
    return new LocalFileError(e.message, { cause: e })
  }
  const wrapped = new TsipfsError(e.message, { cause: e })
  Object.defineProperty(wrapped, 'code', { value: 2 })
  return wrapped
}
