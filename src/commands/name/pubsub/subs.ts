/** `tsipfs name pubsub subs` */
import { command } from '../../command.ts'
import type { PeerId } from '@libp2p/interface'
import { base36 } from 'multiformats/bases/base36'
import { baseByName } from '../../../core/bases.ts'
import { InvalidArgumentError } from '../../../core/errors.ts'

/** Kubo's --ipns-base: b58mh (a base58 multihash: 12D3…/Qm…) or a multibase for the CIDv1 (default base36) */
function formatName (id: PeerId, ipnsBase: string): string {
  if (ipnsBase === 'b58mh') return id.toString()
  let base
  try {
    base = baseByName(ipnsBase)
  } catch {
    throw new InvalidArgumentError(`invalid multibase: ${ipnsBase}`)
  }
  return id.toCID().toString(base.encoder)
}

export default command<{ Strings: string[] }>({
  path: ['name', 'pubsub', 'subs'],
  tagline: 'Show current name subscriptions.',
  description: `
Lists the IPNS names whose pubsub topics this node follows: a name is followed from its first lookup
(\`name resolve\`) or publication while IPNS over pubsub is on, until \`name pubsub cancel\`.`,
  options: [{ name: 'ipns-base', type: 'string', default: 'base36', description: 'Encoding used for keys: Can either be a multibase encoded CID or a base58btc encoded multihash. Takes {b58mh|base36|k|base32|b...}.' }],
  output: 'value',
  repo: 'read',
  async run ({ node, options }) {
    const ipnsBase = String(options['ipns-base'] ?? base36.name)
    const { peerIdFromString } = await import('@libp2p/peer-id')
    return { Strings: node.ipnsPubsub.subs().map(p => `/ipns/${formatName(peerIdFromString(p.slice('/ipns/'.length)), ipnsBase)}`) }
  },
  text: (out) => out.Strings.map(s => `${s}\n`).join('')
})
