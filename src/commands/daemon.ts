import { readFile } from 'node:fs/promises'
import { command } from './command.ts'
import { InvalidConfigError, LocalFileError } from '../core/errors.ts'
import { parseProfileList } from '../core/repo/profiles.ts'
import { repoPathFrom } from '../cli/execute.ts'

export default command<string>({
  path: ['daemon'],
  tagline: 'Run a network-connected IPFS node.',
  description: `
'tsipfs daemon' runs a persistent tsipfs node that serves the RPC API (Addresses.API, default
/ip4/127.0.0.1/tcp/5001). While it runs, other tsipfs commands are sent to it. It writes the API address to
$IPFS_PATH/api and removes it on exit. Stop it with Ctrl-C, SIGTERM or 'tsipfs shutdown'.

The daemon also serves the HTTP gateway (Addresses.Gateway, default /ip4/127.0.0.1/tcp/8080; its URL is
written to $IPFS_PATH/gateway) and joins the network: it listens on Addresses.Swarm (TCP and WebSockets),
dials the Bootstrap peers, finds peers on the local network with mDNS (Discovery.MDNS.Enabled), and
exchanges blocks with Bitswap: blocks this node lacks are fetched from connected peers, and blocks it has
are served to them. With --offline it does none of that and reads only local blocks. Content routing (DHT,
delegated routers) is not part of tsipfs yet.

Pubsub (gossipsub, falling back to floodsub for peers that only speak floodsub) runs when Pubsub.Enabled
is true or with --enable-pubsub-experiment; IPNS over pubsub when Ipns.UsePubsub is true or with
--enable-namesys-pubsub. The flags apply to this run only; the config keys are the lasting way.`,
  options: [
    { name: 'init', type: 'bool', default: false, description: 'Initialize tsipfs with default settings if not already initialized.' },
    { name: 'init-config', type: 'string', description: 'Path to existing configuration file to be loaded during --init.' },
    { name: 'init-profile', type: 'string', description: "Configuration profiles to apply for --init. Multiple profiles can be separated by ','." },
    { name: 'migrate', type: 'bool', default: false, description: 'If true, assume yes at the migrate prompt. If false, assume no.' },
    { name: 'enable-gc', type: 'bool', default: false, description: 'Enable automatic periodic repo garbage collection: every Datastore.GCPeriod, once the repo passes Datastore.StorageGCWatermark percent of Datastore.StorageMax.' },
    { name: 'routing', type: 'string', default: 'default', description: 'Overrides the routing option (accepted; routing is not implemented yet).' },
    { name: 'enable-pubsub-experiment', type: 'bool', default: false, description: 'Enable pubsub for this run (the pubsub commands and router). The lasting way is Pubsub.Enabled.' },
    { name: 'enable-namesys-pubsub', type: 'bool', default: false, description: 'Enable IPNS over pubsub for this run. The lasting way is Ipns.UsePubsub.' }
  ],
  output: 'stream',
  repo: 'none',
  cliOnly: true,
  async * run ({ options, signal }) {
    let initConfig: Record<string, unknown> | undefined
    const file = options['init-config']
    if (typeof file === 'string' && file !== '') {
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (err) {
        throw new LocalFileError(`could not read ${file}: ${(err as Error).message}`)
      }
      try {
        initConfig = JSON.parse(text) as Record<string, unknown>
      } catch (err) {
        throw new InvalidConfigError(`${file} is not valid JSON: ${(err as Error).message}`)
      }
    }
    // imported here: every other command's start-up would load the daemon's modules (gateway, RPC server)
    const { runDaemon } = await import('../daemon/index.ts')
    yield * runDaemon({
      repoPath: repoPathFrom(options),
      init: options.init === true || initConfig !== undefined,
      initConfig,
      initProfiles: parseProfileList(options['init-profile'] as string | undefined),
      enableGc: options['enable-gc'] === true,
      offline: options.offline === true,
      pubsub: { pubsub: options['enable-pubsub-experiment'] === true, ipnsps: options['enable-namesys-pubsub'] === true },
      signal
    })
  },
  text: (line) => `${line}\n`
})
