/** Options and output shapes the key commands share (Kubo's) */
import type { OptionDef } from '../command.ts'
import type { KeyInfo } from '../../core/names/keystore.ts'
import { formatName } from '../../core/names/keystore.ts'
import { InvalidArgumentError } from '../../core/errors.ts'
import type { InputEntry } from '../command.ts'
import { readAll } from '../util.ts'
import { tabwrite } from '../tabwriter.ts'

export const IPNS_BASE: OptionDef = {
  name: 'ipns-base',
  type: 'string',
  default: 'base36',
  description: 'Encoding used for keys: Can either be a multibase encoded CID or a base58btc encoded multihash. Takes {b58mh|base36|k|base32|b...}.'
}

export interface KeyOutput { Name: string, Id: string }
export interface KeyListOutput { Keys: KeyOutput[] }

export function keyOutput (key: KeyInfo, ipnsBase: unknown): KeyOutput {
  return { Name: key.name, Id: formatName(key.peerId, ipnsBase) }
}

/** Kubo's `-l` layout: a tabwriter with a padding of one (`<id> <name> `) */
export function keyTable (keys: KeyOutput[]): string {
  return tabwrite(keys.map(k => `${k.Id}\t${k.Name}\t\n`).join(''), 1, 1)
}

/** The first file input, read whole (at most `limit` bytes) */
export async function readFileInput (files: AsyncIterable<InputEntry> | undefined, name: string, limit: number): Promise<Uint8Array> {
  for await (const entry of files ?? []) {
    if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError(`${name} must be a file`)
    return await readAll(entry.content, limit)
  }
  throw new InvalidArgumentError(`argument "${name}" is required`)
}
