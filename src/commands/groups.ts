/**
 * Taglines of the command groups that have no command of their own (`pin`, `swarm peering`…): `--help`
 * lists a group among its parent's subcommands with this line (Kubo's). A group missing here is listed
 * all the same, with no tagline.
 */
export const GROUP_TAGLINES: Readonly<Record<string, string>> = {
  bitswap: 'Interact with the bitswap agent.',
  block: 'Interact with raw IPFS blocks.',
  bootstrap: 'Show or edit the list of bootstrap peers.',
  cid: 'Convert and discover properties of CIDs.',
  dag: 'Interact with IPLD DAG objects.',
  dht: 'Issue commands directly through the DHT.',
  diag: 'Generate diagnostic reports.',
  key: 'Create and list IPNS name keypairs.',
  log: 'Interact with the daemon log output.',
  name: 'Publish and resolve IPNS names.',
  'name pubsub': 'IPNS pubsub management.',
  pin: 'Pin (and unpin) objects to local storage.',
  provide: 'Control and monitor content providing.',
  pubsub: 'An experimental publish-subscribe system on IPFS.',
  repo: 'Manipulate the IPFS repo.',
  routing: 'Issue routing commands.',
  stats: 'Query IPFS statistics.',
  swarm: 'Interact with the swarm.',
  'swarm peering': 'Modify the peering subsystem.'
}
