/**
 * createNode() wires every part of a tsipfs node explicitly. Each API factory gets the few components it
 * uses; commands (src/commands) talk only to the TsipfsNode this returns.
 */
import { join } from 'node:path'
import type { Blockstore as InterfaceBlockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import { openRepo, defaultRepoPath, type Repo } from './repo/repo.ts'
import { openLmdb, LmdbBlockStore, LmdbMetaStore, type LmdbEnv } from './blocks/lmdb-store.ts'
import { lmdbFailed, lmdbFlushed } from './blocks/lmdb-failure.ts'
import { asInterfaceBlockstore, withIdentity, type BlockStore } from './blocks/store.ts'
import type { MetaStore } from './blocks/meta.ts'
import { GcLock } from './gc/lock.ts'
import { InvalidConfigError } from './errors.ts'
import { createConfigApi } from './repo/config-api.ts'
import { createBlockApi } from './blocks/api.ts'
import { createUnixfsApi } from './unixfs/index.ts'
import { createDagApi } from './dag/index.ts'
import { createPinsApi } from './pins/index.ts'
import { createRepoApi } from './gc/index.ts'
import { createIdentityApi } from './network/identity.ts'
import { FlatfsBlockStore } from './blocks/flatfs-store.ts'
import { LmdbDatastore } from './network/datastore.ts'
import { createFilesApi } from './files/index.ts'
import { canonicalName, createNamesApi } from './names/index.ts'
import { createNetworkApi } from './network/index.ts'
import { withNetwork } from './blocks/network-store.ts'
import { createPubsubApi } from './pubsub/index.ts'
import { createIpnsPubsub } from './pubsub/ipns.ts'
import { ProvideQueue } from './routing/queue.ts'
import { createRoutingApi } from './routing/api.ts'

export interface NodeOptions {
  /** Repo path; default $IPFS_PATH or ~/.tsipfs */
  repoPath?: string
}

/** What the API factories are built from */
export interface Components {
  repo: Repo
  /** The block store; get() fetches a missing block from peers while the network is online (unless offline: true) */
  blocks: BlockStore
  /** The same store seen as an interface-blockstore, for the IPLD libraries */
  blockstore: InterfaceBlockstore
  meta: MetaStore
  /** libp2p's datastore (DHT records, provider records, the peer store), in the same LMDB environment as meta */
  datastore: Datastore
  gcLock: GcLock
  /** Content to announce (Provide.Strategy), noted as blocks are written, pins added and MFS changes */
  provide: ProvideQueue
}

export async function createNode (options: NodeOptions = {}) {
  const repo = await openRepo(options.repoPath ?? defaultRepoPath())
  let env: LmdbEnv | undefined
  try {
    const spec = repo.config.Datastore?.Spec ?? { type: 'lmdb', path: 'datastore' }
    let blocks: BlockStore
    if (spec.type === 'lmdb') {
      env = await openLmdb(join(repo.path, String(spec.path ?? 'datastore')))
      blocks = new LmdbBlockStore(env)
    } else if (spec.type === 'flatfs') {
      const metaSpec = (spec.meta ?? {}) as { path?: string }
      env = await openLmdb(join(repo.path, String(metaSpec.path ?? 'datastore')))
      blocks = await FlatfsBlockStore.open(join(repo.path, String(spec.path ?? 'blocks')), { sync: spec.sync !== false })
    } else {
      throw new InvalidConfigError(`unknown Datastore.Spec.type "${String(spec.type)}" (use "lmdb" or "flatfs")`)
    }
    blocks = withIdentity(blocks)
    const datastore = new LmdbDatastore(env.root)
    // the network reads and serves local blocks; everything else reads through it (fetching when online)
    const network = createNetworkApi({ repo, blocks, datastore })
    const provide = new ProvideQueue(repo)
    blocks = withNetwork(blocks, network, provide)
    const components: Components = {
      repo,
      blocks,
      blockstore: asInterfaceBlockstore(blocks),
      meta: new LmdbMetaStore(env),
      datastore,
      gcLock: new GcLock(),
      provide
    }
    const pins = createPinsApi(components)
    const unixfs = createUnixfsApi(components, { pins })
    const names = createNamesApi(components, {
      routing: () => network.routing(),
      resolvePath: async (path, options) => await components.blocks.get(await unixfs.resolve(path, options), options)
    })
    const pubsub = createPubsubApi({ network })
    // IPNS over pubsub (Ipns.UsePubsub): a resolution follows the name's topic (records arriving there are
    // kept in the record store, which the resolution reads); a publish also goes out on the topic
    const ipnsPubsub = createIpnsPubsub({ pubsub, names })
    names.addResolver(async (name) => { ipnsPubsub.lookup(canonicalName(name)); return undefined })
    names.onPublish(async (name, record) => { await ipnsPubsub.publish(canonicalName(name), record) })
    const lmdb = env
    let stopped = false
    const node = {
      repoPath: repo.path,
      components,
      config: createConfigApi(components),
      identity: createIdentityApi(components),
      block: createBlockApi(components, { pins }),
      unixfs,
      dag: createDagApi(components, { pins }),
      pins,
      repo: createRepoApi(components, { pins }),
      files: createFilesApi(components),
      names,
      network,
      pubsub,
      ipnsPubsub,
      routing: createRoutingApi(components, { network, queue: provide, pins }),
      async stop (): Promise<void> {
        if (stopped) return
        stopped = true
        await node.names.republisher.stop()
        await node.routing.stop()
        await network.stop()
        datastore.close()
        // after a failed commit lmdb-js would wait forever to flush or close (blocks/lmdb-failure.ts)
        await lmdbFlushed(lmdb.root).catch(() => {})
        if (!lmdbFailed(lmdb.root)) await lmdb.root.close()
        await repo.close()
      }
    }
    return node
  } catch (err) {
    if (env !== undefined) await env.root.close()
    await repo.close()
    throw err
  }
}

export type TsipfsNode = Awaited<ReturnType<typeof createNode>>
