/** THE command tree. The CLI, /api/v0, --help and docs/commands.md all read this list. */
import type { Command } from './command.ts'
import add from './add.ts'
import blockCmds from './block/index.ts'
import cat from './cat.ts'
import cidCmds from './cid/index.ts'
import commandsCmd, { registry } from './commands.ts'
import configCmds from './config/index.ts'
import daemon from './daemon.ts'
import dagCmds from './dag/index.ts'
import diagSys from './diag/sys.ts'
import filesCmds from './files/index.ts'
import nameCmds from './name/index.ts'
import namePubsubCmds from './name/pubsub/index.ts'
import pubsubCmds from './pubsub/index.ts'
import keyCmds from './key/index.ts'
import routingCmds from './routing/index.ts'
import routingFindprovs from './routing/findprovs.ts'
import routingFindpeer from './routing/findpeer.ts'
import routingProvide from './routing/provide.ts'
import routingReprovide from './routing/reprovide.ts'
import bitswapReprovide from './bitswap/reprovide.ts'
import dhtQuery from './dht/query.ts'
import provideStat from './provide/stat.ts'
import swarmCmds from './swarm/index.ts'
import swarmPeeringCmds from './swarm/peering.ts'
import swarmFiltersCmds from './swarm/filters.ts'
import bitswapCmds from './bitswap/index.ts'
import bootstrapCmds from './bootstrap/index.ts'
import get from './get.ts'
import id from './id.ts'
import logCmds from './log/index.ts'
import ls from './ls.ts'
import refs from './refs.ts'
import refsLocal from './refs/local.ts'
import resolve from './resolve.ts'
import shutdown from './shutdown.ts'
import statsCmds from './stats/index.ts'
import init from './init.ts'
import pinCmds from './pin/index.ts'
import repoCmds from './repo/index.ts'
import versionCmds from './version.ts'

export const commands: Command[] = [
  add,
  ...blockCmds,
  cat,
  ...cidCmds,
  commandsCmd,
  ...configCmds,
  daemon,
  ...dagCmds,
  diagSys,
  ...filesCmds,
  get,
  id,
  ...keyCmds,
  ...logCmds,
  ls,
  ...nameCmds,
  ...namePubsubCmds,
  ...pubsubCmds,
  refs,
  refsLocal,
  resolve,
  ...routingCmds,
  routingFindprovs,
  routingFindpeer,
  routingProvide,
  routingReprovide,
  dhtQuery,
  provideStat,
  ...swarmCmds,
  ...swarmPeeringCmds,
  ...swarmFiltersCmds,
  ...bitswapCmds,
  bitswapReprovide,
  ...bootstrapCmds,
  shutdown,
  ...statsCmds,
  init,
  ...pinCmds,
  ...repoCmds,
  ...versionCmds
] as Command[]

registry.commands = commands
