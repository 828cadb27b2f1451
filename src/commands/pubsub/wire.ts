/**
 * Kubo's wire format for pubsub on the RPC API: topics travel in the URL as multibase base64url (`u…`),
 * and the binary fields of results (data, seqno, topicIDs) are base64url multibase strings too.
 */
import { base64url } from 'multiformats/bases/base64'
import { baseOfText } from '../../core/bases.ts'
import { InvalidArgumentError } from '../../core/errors.ts'

/** Text → `u` + base64url of its UTF-8 bytes */
export function encodeText (text: string): string {
  return base64url.encode(new TextEncoder().encode(text))
}

export function encodeBytes (bytes: Uint8Array): string {
  return base64url.encode(bytes)
}

/** A URL argument → the text it encodes; it must be base64url multibase, as Kubo requires */
export function decodeArg (arg: string): string {
  const base = baseOfText(arg)
  if (base === undefined) throw new InvalidArgumentError(`URL arg must be multibase encoded: ${arg === '' ? 'empty string' : `selected encoding not supported: ${JSON.stringify(arg[0])}`}`)
  let bytes: Uint8Array
  try {
    bytes = base.decoder.decode(arg)
  } catch (err) {
    throw new InvalidArgumentError(`URL arg must be multibase encoded: ${(err as Error).message}`)
  }
  if (base.prefix !== 'u') throw new InvalidArgumentError('URL arg must be base64url encoded')
  return new TextDecoder().decode(bytes)
}

export function decodeBytes (text: string): Uint8Array {
  return base64url.decode(text)
}


export const EXPERIMENTAL = `
EXPERIMENTAL FEATURE

  This is an opt-in feature optimized for IPNS over PubSub
  (https://specs.ipfs.tech/ipns/ipns-pubsub-router/).

  To enable, set 'Pubsub.Enabled' config to true (or run the daemon with
  --enable-pubsub-experiment).`
