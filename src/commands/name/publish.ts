/** `tsipfs name publish <ipfs-path>`: sign a record pointing a key's name at a path, and publish it */
import { command } from '../command.ts'
import { formatName } from '../../core/names/keystore.ts'
import { IPNS_BASE } from '../key/shared.ts'
import { escNonPrint } from '../util.ts'

export default command<{ Name: string, Value: string }>({
  path: ['name', 'publish'],
  tagline: 'Publish IPNS names.',
  description: `
IPNS is a PKI namespace, where names are the hashes of public keys, and the private key enables
publishing new (signed) values. In both publish and resolve, the default name used is the node's own
PeerID, which is the hash of its public key.

You can use the 'tsipfs key' commands to list and generate more names and their respective keys.

Publish an <ipfs-path> with your default name:

    $ tsipfs name publish /ipfs/QmatmE9msSfkKxoffpHwNLNKgwZG8eT9Bud6YoPab52vpy
    Published to k51qzi5uqu5dl...: /ipfs/QmatmE9msSfkKxoffpHwNLNKgwZG8eT9Bud6YoPab52vpy

Publish when offline (local publish, network optional):

    $ tsipfs name publish --allow-offline /ipfs/QmatmE9msSfkKxoffpHwNLNKgwZG8eT9Bud6YoPab52vpy

The record is kept in the local record store, put to routing (the DHT) and sent to the other publishers
(IPNS over pubsub). The sequence number goes up when the value changes; --sequence sets it (it must be
higher than the current record's). The daemon republishes the record before it expires
(Ipns.RepublishPeriod, Ipns.RecordLifetime).`,
  args: [{ name: 'ipfs-path', type: 'string', required: true, description: 'ipfs path of the object to be published.' }],
  options: [
    { name: 'key', aliases: ['k'], type: 'string', default: 'self', description: 'Name of the key to be used or a valid PeerID, as listed by \'tsipfs key list -l\'.' },
    { name: 'resolve', type: 'bool', default: true, description: 'Check if the given path can be resolved before publishing.' },
    { name: 'lifetime', aliases: ['t'], type: 'string', description: 'Time duration the signed record will be valid for. Accepts durations such as "300s", "1.5h" or "2h45m". Default: Ipns.RecordLifetime, else 48h.' },
    { name: 'ttl', type: 'string', description: 'Time duration hint, akin to --lifetime, indicating how long to cache this record before checking for updates. Default: 5m.' },
    { name: 'quieter', aliases: ['Q'], type: 'bool', default: false, description: 'Write only final IPNS Name encoded as CIDv1 (for use in /ipns content paths).' },
    { name: 'v1compat', type: 'bool', default: true, description: 'Produce a backward-compatible IPNS Record by including fields for both V1 and V2 signatures.' },
    { name: 'allow-offline', type: 'bool', default: false, description: 'Allow publishing when offline - publishes to local datastore without requiring network connectivity.' },
    { name: 'sequence', type: 'uint', description: 'Set a custom sequence number for the IPNS record (must be higher than current).' },
    IPNS_BASE
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options, signal }) {
    const r = await node.names.publish(args[0] as string, {
      key: options.key as string | undefined,
      resolve: options.resolve !== false,
      lifetime: options.lifetime as string | undefined,
      ttl: options.ttl as string | undefined,
      allowOffline: options['allow-offline'] === true,
      sequence: typeof options.sequence === 'number' ? BigInt(options.sequence) : undefined,
      v1compat: options.v1compat !== false,
      signal
    })
    const { peerIdFromCID } = await import('@libp2p/peer-id')
    return { Name: formatName(peerIdFromCID(r.name), options['ipns-base']), Value: r.value }
  },
  text: (out, options) => options.quieter === true ? `${escNonPrint(out.Name)}\n` : `Published to ${escNonPrint(out.Name)}: ${escNonPrint(out.Value)}\n`
})
