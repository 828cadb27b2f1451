/**
 * The daemon: open (or create) the repo, start the node and the RPC API on every Addresses.API address,
 * write $IPFS_PATH/api, print Kubo's ready lines, and on SIGINT/SIGTERM or `shutdown` stop in order:
 * stop accepting requests, let those in flight finish, close the node, remove the api file.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createNode, type TsipfsNode } from '../core/node.ts'
import { initRepo, isInitialized, REPO_VERSION } from '../core/repo/repo.ts'
import { createGateway, type Gateway } from '../gateway/server.ts'
import { createCoreBackend } from '../gateway/backend.ts'

/** The Gateway section of the config, as the daemon reads it (docs/config.md) */
interface GatewayConfig {
  NoFetch?: boolean
  RetrievalTimeout?: string
  PublicGateways?: Record<string, unknown> | null
  NoDNSLink?: boolean
  DeserializedResponses?: boolean | null
  HTTPHeaders?: Record<string, string[]> | null
  RootRedirect?: string | null
  MaxConcurrentRequestsPerClient?: number | null
  ExposeRoutingAPI?: boolean | null
}

/** Requests one client address may have in flight at the gateway before it gets 429 */
const DEFAULT_REQUESTS_PER_CLIENT = 256
import { writeFileAtomic } from '../core/repo/fs-util.ts'
import { RepoNotInitializedError } from '../core/errors.ts'
import { tcpAddress } from './address.ts'
import type { Config } from '../core/repo/config.ts'
import { commands } from '../commands/index.ts'
import { startRpcServer, type RpcServer } from '../rpc/server.ts'
import { Metrics } from './metrics.ts'
import { logger } from '../core/log.ts'
import { parseDuration, parseSize } from '../core/repo/config.ts'
import type { PubsubFlags } from '../core/pubsub/config.ts'
import pkg from '../../package.json' with { type: 'json' }

export interface DaemonOptions {
  repoPath: string
  init?: boolean
  initConfig?: Record<string, unknown>
  initProfiles?: string[]
  /** Collect garbage every Datastore.GCPeriod once the repo passes StorageGCWatermark % of StorageMax */
  enableGc?: boolean
  /** Do not start the network: only local blocks are read and served */
  offline?: boolean
  /** --enable-pubsub-experiment and --enable-namesys-pubsub */
  pubsub?: PubsubFlags
  signal: AbortSignal
}

/** Addresses.API or .Gateway (Kubo's Strings): one address, a list, or none (null or "") */
function addresses (value: string | string[] | null | undefined): string[] {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

const log = logger('tsipfs:gc')
let gcRunning = false

/** One periodic GC pass, when the repo is over its watermark; errors are reported, never fatal */
async function periodicGc (node: TsipfsNode): Promise<void> {
  if (gcRunning) return
  gcRunning = true
  try {
    const ds = node.components.repo.config.Datastore
    const max = parseSize(ds?.StorageMax ?? '10GB')
    const watermark = Number(ds?.StorageGCWatermark ?? 90)
    const { RepoSize } = await node.repo.stat({ sizeOnly: true })
    if (RepoSize < max * watermark / 100) return
    log.info(`repo is ${RepoSize} bytes, over ${watermark}% of ${max}: collecting garbage`)
    let removed = 0
    for await (const r of node.repo.gc()) if (r.cid !== undefined) removed++
    log.info(`periodic GC removed ${removed} blocks`)
  } catch (err) {
    log.error(`periodic GC failed: ${(err as Error).message}`)
  } finally {
    gcRunning = false
  }
}

/** Runs until the signal aborts or `shutdown` is called; yields the lines to print as it goes */
export async function * runDaemon (opts: DaemonOptions): AsyncGenerator<string> {
  yield 'Initializing daemon...'
  yield `tsipfs version: ${pkg.version}`
  yield `Repo version: ${REPO_VERSION}`
  yield `System version: ${process.arch}/${process.platform}`
  yield `Node.js version: ${process.version}`
  if (!await isInitialized(opts.repoPath)) {
    if (opts.init !== true) throw new RepoNotInitializedError(`no tsipfs repo found in ${opts.repoPath}.\nplease run: 'tsipfs init' (or start the daemon with --init)`)
    yield `initializing tsipfs node at ${opts.repoPath}`
    await initRepo(opts.repoPath, { config: opts.initConfig as Config | undefined, profiles: opts.initProfiles })
  }
  const node: TsipfsNode = await createNode({ repoPath: opts.repoPath })
  const servers: RpcServer[] = []
  const metrics = new Metrics()
  let gcTimer: NodeJS.Timeout | undefined
  const apiFile = join(opts.repoPath, 'api')
  const gatewayFile = join(opts.repoPath, 'gateway')
  const gateways: Gateway[] = []
  let stop = (): void => {}
  const stopped = new Promise<void>(resolve => { stop = resolve })
  const onAbort = (): void => { stop() }
  opts.signal.addEventListener('abort', onAbort)
  try {
    if (opts.offline !== true) {
      for (const line of await node.network.start({ pubsub: opts.pubsub })) yield line
      node.routing.start()
      for (const a of node.network.listenAddrs()) yield `Swarm listening on ${a}`
      node.names.republisher.start()
    }
    const listen = addresses(node.components.repo.config.Addresses?.API)
    for (const ma of listen) {
      const { host, port, family } = tcpAddress(ma)
      const server = await startRpcServer(host, port, { node, commands, shutdown: () => { stop() }, metrics })
      servers.push(server)
      const real = `/${family === 'dns' ? 'ip4' : family}/${host}/tcp/${server.port}`
      yield `RPC API server listening on ${real}`
      if (servers.length === 1) await writeFileAtomic(apiFile, real, 0o600)
    }
    const gwConfig = (node.components.repo.config.Gateway ?? {}) as GatewayConfig
    const timeout = parseDuration(String(gwConfig.RetrievalTimeout ?? '30s'))
    for (const ma of addresses(node.components.repo.config.Addresses?.Gateway)) {
      const { host, port, family } = tcpAddress(ma, 'Gateway')
      const gateway = createGateway({
        backend: createCoreBackend(node, { offline: gwConfig.NoFetch === true }),
        retrievalTimeout: timeout > 0 ? timeout : undefined,
        publicGateways: gwConfig.PublicGateways,
        noDnslink: gwConfig.NoDNSLink === true,
        deserializedResponses: gwConfig.DeserializedResponses !== false,
        headers: gwConfig.HTTPHeaders ?? undefined,
        rootRedirect: gwConfig.RootRedirect ?? undefined,
        maxRequestsPerClient: gwConfig.MaxConcurrentRequestsPerClient ?? DEFAULT_REQUESTS_PER_CLIENT,
        // on unless set to false, as in Kubo
        routingApi: gwConfig.ExposeRoutingAPI !== false
      })
      await gateway.start(host, port)
      gateways.push(gateway)
      const real = `/${family === 'dns' ? 'ip4' : family}/${host}/tcp/${new URL(gateway.url()).port}`
      yield `Gateway server listening on ${real}`
      if (gwConfig.ExposeRoutingAPI !== false) yield `Routing V1 API exposed at ${gateway.url()}/routing/v1`
      if (gateways.length === 1) await writeFileAtomic(gatewayFile, gateway.url(), 0o600)
    }
    if (opts.enableGc === true) {
      const period = parseDuration(String(node.components.repo.config.Datastore?.GCPeriod ?? '1h'))
      if (period > 0) {
        gcTimer = setInterval(() => { void periodicGc(node) }, period)
        gcTimer.unref()
      }
    }
    if (opts.signal.aborted) stop()
    yield 'Daemon is ready'
    await stopped
    yield 'Received interrupt signal, shutting down...'
  } finally {
    clearInterval(gcTimer)
    opts.signal.removeEventListener('abort', onAbort)
    await rm(apiFile, { force: true })
    await rm(gatewayFile, { force: true })
    await Promise.all([...servers.map(async s => { await s.close() }), ...gateways.map(async g => { await g.stop() })])
    await node.stop()
  }
}
