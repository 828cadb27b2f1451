import { command } from './command.ts'
import { formatPeerId } from '../core/network/identity.ts'
import { peerIdFromText } from '../core/network/peer-text.ts'

export default command({
  path: ['id'],
  tagline: 'Show IPFS node id info.',
  description: 'Prints out information about the specified peer (its addresses, agent version and protocols, as identify reported them; the peer must be connected or known). If no peer is specified, prints out information for the local node. The peer ID may be in any form (12D3…, Qm…, k51…, bafz…); --peerid-base prints it as a CIDv1 in another base.',
  args: [{ name: 'peerid', type: 'string', description: 'Peer.ID of node to look up.' }],
  options: [
    { name: 'format', aliases: ['f'], type: 'string', description: 'Optional output format (<id>, <aver>, <pubkey>, <addrs>, <protocols>).' },
    { name: 'peerid-base', type: 'string', default: 'b58mh', description: 'Encoding used for peer IDs: Can either be a multibase encoded CID or a base58btc encoded multihash. Takes {b58mh|base36|k|base32|b...}.' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, args, options }) {
    const peer = args[0]
    const base = String(options['peerid-base'] ?? 'b58mh')
    // a malformed peer ID is said first, online or not, as Kubo does (in our clearer words; Kubo's are
    // 'invalid peer id'); our own ID needs no network
    const wanted = peer === undefined ? undefined : await peerIdFromText(peer)
    let out
    if (node.network.online) {
      const self = node.network.peerId().toString()
      out = await node.network.peerInfo(peer ?? self)
    } else {
      out = await node.identity.id()
      if (wanted !== undefined && wanted.toString() !== out.ID) await node.network.peerInfo(peer as string)
    }
    return { ...out, ID: await formatPeerId(out.ID, base) }
  },
  text (out, options) {
    const format = options.format
    if (typeof format === 'string' && format !== '') {
      return format
        .replaceAll('<id>', out.ID)
        .replaceAll('<aver>', out.AgentVersion)
        .replaceAll('<pubkey>', out.PublicKey)
        .replaceAll('<addrs>', (out.Addresses ?? []).join('\n'))
        .replaceAll('<protocols>', (out.Protocols ?? []).join('\n'))
        .replaceAll('\\n', '\n').replaceAll('\\t', '\t')
    }
    return JSON.stringify(out, null, '\t') + '\n'
  }
})
