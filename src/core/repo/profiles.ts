/**
 * Config profiles: named transforms of a config, with Kubo's names and meanings (kubo config/profile.go).
 */
import { randomInt } from 'node:crypto'
import { UnknownProfileError } from '../errors.ts'
import { DATASTORE_SPECS, DEFAULT_SWARM_ADDRS, type Config, type JSONObject, type JSONValue } from './config.ts'

export interface Profile {
  description: string
  transform(config: Config): void
}

/** Private and special-use address ranges, the ones Kubo's `server` profile filters and does not announce */
const PRIVATE_RANGES = [
  '/ip4/10.0.0.0/ipcidr/8',
  '/ip4/100.64.0.0/ipcidr/10',
  '/ip4/169.254.0.0/ipcidr/16',
  '/ip4/172.16.0.0/ipcidr/12',
  '/ip4/192.0.0.0/ipcidr/24',
  '/ip4/192.0.2.0/ipcidr/24',
  '/ip4/192.168.0.0/ipcidr/16',
  '/ip4/198.18.0.0/ipcidr/15',
  '/ip4/198.51.100.0/ipcidr/24',
  '/ip4/203.0.113.0/ipcidr/24',
  '/ip4/240.0.0.0/ipcidr/4',
  '/ip6/100::/ipcidr/64',
  '/ip6/2001:2::/ipcidr/48',
  '/ip6/2001:db8::/ipcidr/32',
  '/ip6/fc00::/ipcidr/7',
  '/ip6/fe80::/ipcidr/10'
]

function section (config: Config, name: string): JSONObject {
  const s = config[name]
  if (s === undefined || s === null || typeof s !== 'object' || Array.isArray(s)) {
    config[name] = {}
  }
  return config[name] as JSONObject
}

function sub (obj: JSONObject, name: string): JSONObject {
  const s = obj[name]
  if (s === undefined || s === null || typeof s !== 'object' || Array.isArray(s)) obj[name] = {}
  return obj[name] as JSONObject
}

/** Addresses, made an object when the file has none; its lists may be null (as Kubo allows) */
function addresses (config: Config): { [key: string]: JSONValue, Swarm: Array<string | null> | null, NoAnnounce: string[] | null } {
  return section(config, 'Addresses') as ReturnType<typeof addresses>
}

function setImport (config: Config, values: JSONObject): void {
  Object.assign(section(config, 'Import'), values)
}

export const PROFILES: Record<string, Profile> = {
  test: {
    description: 'Reduces external interference of IPFS daemon, useful when using the daemon in test environments.',
    transform (c) {
      const a = addresses(c)
      a.API = '/ip4/127.0.0.1/tcp/0'
      a.Gateway = '/ip4/127.0.0.1/tcp/0'
      a.Swarm = ['/ip4/127.0.0.1/tcp/0']
      c.Bootstrap = []
      sub(section(c, 'Discovery'), 'MDNS').Enabled = false
      section(c, 'Swarm').DisableNatPortMap = true
      section(c, 'Routing').LoopbackAddressesOnLanDHT = true
      // no delegated HTTP routers (Kubo's test profile too): nothing leaves the machine
      section(c, 'Routing').DelegatedRouters = []
    }
  },
  randomports: {
    description: 'Use a random port number for the incoming swarm connections.',
    transform (c) {
      // one random port for the lowest configured port; others keep their distance from it (WebSockets sits
      // one above TCP because js-libp2p cannot share a port between them)
      const a = addresses(c)
      // a list may hold null (Go reads it as ""): left as it is
      const swarm = a.Swarm ?? []
      const ports = swarm.flatMap(addr => [...(addr ?? '').matchAll(/\/(?:tcp|udp)\/(\d+)/g)].map(m => Number(m[1])))
      if (ports.length === 0) return
      const low = Math.min(...ports)
      const span = Math.min(Math.max(...ports) - low, 1000)
      const port = randomInt(1024, 65536 - span)
      a.Swarm = swarm.map(addr => addr === null ? null : addr.replace(/\/(tcp|udp)\/(\d+)/g, (_m, proto: string, p: string) => `/${proto}/${port + Math.min(Number(p) - low, span)}`))
    }
  },
  server: {
    description: 'Disables local host discovery, recommended when running IPFS on machines with public IPv4 addresses.',
    transform (c) {
      const a = addresses(c)
      a.NoAnnounce = [...new Set([...a.NoAnnounce ?? [], ...PRIVATE_RANGES])]
      const swarm = section(c, 'Swarm')
      const filters = Array.isArray(swarm.AddrFilters) ? swarm.AddrFilters as string[] : []
      swarm.AddrFilters = [...new Set([...filters, ...PRIVATE_RANGES])]
      sub(section(c, 'Discovery'), 'MDNS').Enabled = false
      swarm.DisableNatPortMap = true
    }
  },
  'local-discovery': {
    description: 'Sets default values to fields affected by the server profile, enables discovery in local networks.',
    transform (c) {
      const a = addresses(c)
      a.NoAnnounce = (a.NoAnnounce ?? []).filter(addr => !PRIVATE_RANGES.includes(addr))
      const swarm = section(c, 'Swarm')
      swarm.AddrFilters = Array.isArray(swarm.AddrFilters) ? (swarm.AddrFilters as string[]).filter(a => !PRIVATE_RANGES.includes(a)) : null
      sub(section(c, 'Discovery'), 'MDNS').Enabled = true
      swarm.DisableNatPortMap = false
    }
  },
  'default-networking': {
    description: 'Restores default network settings. Inverse profile of the test profile.',
    transform (c) {
      const a = addresses(c)
      a.API = '/ip4/127.0.0.1/tcp/5001'
      a.Gateway = '/ip4/127.0.0.1/tcp/8080'
      a.Swarm = [...DEFAULT_SWARM_ADDRS]
      c.Bootstrap = null
      sub(section(c, 'Discovery'), 'MDNS').Enabled = true
      section(c, 'Swarm').DisableNatPortMap = false
      delete section(c, 'Routing').LoopbackAddressesOnLanDHT
      section(c, 'Routing').DelegatedRouters = null
    }
  },
  lowpower: {
    description: 'Reduces daemon overhead on the system. May affect node functionality - performance of content discovery and data fetching may be degraded.',
    transform (c) {
      section(c, 'Routing').Type = 'autoclient'
      section(c, 'AutoNAT').ServiceMode = 'disabled'
      section(c, 'Datastore').GCPeriod = '0'
      const connMgr = sub(section(c, 'Swarm'), 'ConnMgr')
      connMgr.LowWater = 20
      connMgr.HighWater = 40
      connMgr.GracePeriod = '1m'
    }
  },
  'announce-off': {
    description: 'Disables Provide system (announcing to Amino DHT).',
    transform (c) {
      section(c, 'Provide').Enabled = false
    }
  },
  'announce-on': {
    description: 'Re-enables Provide system (reverts announce-off profile).',
    transform (c) {
      section(c, 'Provide').Enabled = true
    }
  },
  'unixfs-v0-2015': {
    description: 'Legacy UnixFS import profile for backward-compatible CID generation: CIDv0, no raw leaves, 256 KiB chunks, 174 links per file node.',
    transform (c) {
      setImport(c, {
        CidVersion: 0,
        UnixFSRawLeaves: false,
        UnixFSChunker: 'size-262144',
        HashFunction: 'sha2-256',
        UnixFSFileMaxLinks: 174,
        UnixFSDirectoryMaxLinks: 0,
        UnixFSHAMTDirectoryMaxFanout: 256,
        UnixFSHAMTDirectorySizeThreshold: '256KiB',
        UnixFSHAMTDirectorySizeEstimation: 'links'
      })
    }
  },
  'unixfs-v1-2025': {
    description: 'Recommended UnixFS import profile for cross-implementation CID determinism: CIDv1, raw leaves, 1 MiB chunks, 1024 links per file node.',
    transform (c) {
      setImport(c, {
        CidVersion: 1,
        UnixFSRawLeaves: true,
        UnixFSChunker: 'size-1048576',
        HashFunction: 'sha2-256',
        UnixFSFileMaxLinks: 1024,
        UnixFSDirectoryMaxLinks: 0,
        UnixFSHAMTDirectoryMaxFanout: 256,
        UnixFSHAMTDirectorySizeThreshold: '256KiB',
        UnixFSHAMTDirectorySizeEstimation: 'block'
      })
    }
  },
  lmdb: {
    description: 'Stores blocks and metadata in one LMDB environment (the default): transactional, survives kill -9.',
    transform (c) {
      section(c, 'Datastore').Spec = structuredClone(DATASTORE_SPECS.lmdb as JSONObject)
    }
  },
  flatfs: {
    description: 'Stores each block in a file of its own under blocks/ (written to a temporary file, synced, then renamed); metadata in LMDB.',
    transform (c) {
      section(c, 'Datastore').Spec = structuredClone(DATASTORE_SPECS.flatfs as JSONObject)
    }
  }
}
// Kubo's older names for the import profiles
PROFILES['legacy-cid-v0'] = PROFILES['unixfs-v0-2015'] as Profile
PROFILES['test-cid-v1'] = PROFILES['unixfs-v1-2025'] as Profile

/** Apply profiles in order to a copy of the config */
export function applyProfiles (config: Config, names: string[]): Config {
  const next = structuredClone(config)
  for (const name of names) {
    const profile = Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined
    if (profile === undefined) throw new UnknownProfileError(`invalid configuration profile: ${name}`)
    profile.transform(next)
  }
  return next
}

/** Split a `--profile=a,b` value */
export function parseProfileList (value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  return list.flatMap(v => v.split(',')).map(s => s.trim()).filter(s => s !== '')
}
