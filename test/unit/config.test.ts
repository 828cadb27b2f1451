import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getKey, setKey, parseSize, parseDuration } from '../../src/core/repo/config.ts'
import { applyProfiles, PROFILES } from '../../src/core/repo/profiles.ts'
import { defaultConfig, type Config } from '../../src/core/repo/config.ts'
import { checkConfig, checkKey } from '../../src/core/repo/config-schema.ts'

test('getKey/setKey walk dotted keys', () => {
  const c = { A: { B: 1 } }
  assert.equal(getKey(c, 'A.B'), 1)
  setKey(c, 'A.C.D', 'x')
  assert.deepEqual(getKey(c, 'A.C'), { D: 'x' })
  // Kubo's messages (kubo v0.42.0 `ipfs config`): the key up to the missing part, or up to the part that is no map
  assert.throws(() => getKey(c, 'A.Z'), { name: 'ConfigKeyNotFoundError', message: 'failed to get config value: "A.Z not found"' })
  assert.throws(() => getKey(c, 'Nope.Nothing'), { message: 'failed to get config value: "Nope not found"' })
  assert.throws(() => getKey(c, 'A.B.Z'), { message: 'failed to get config value: "A.B key is not a map"' })
  assert.throws(() => getKey(c, 'A..B'), { name: 'InvalidConfigError' })
})

test('sizes and durations parse like Kubo', () => {
  assert.equal(parseSize('256KiB'), 262144)
  assert.equal(parseSize('10GB'), 10e9)
  assert.equal(parseDuration('1m30s'), 90000)
  assert.equal(parseDuration('0'), 0)
  assert.throws(() => parseDuration('5 minutes'), { name: 'InvalidConfigError' })
})

test('the test profile uses port 0 and no bootstrap', () => {
  const c = applyProfiles(defaultConfig({ PeerID: 'x', PrivKey: 'y' }), ['test'])
  assert.equal(c.Addresses.API, '/ip4/127.0.0.1/tcp/0')
  assert.deepEqual(c.Bootstrap, [])
  assert.throws(() => applyProfiles(c, ['nope']), { name: 'UnknownProfileError' })
})

test('checkKey finds keys as Kubo\'s CheckKey does: struct fields by name, any key of a map, nothing below a value', () => {
  for (const key of ['Addresses.Swarm', 'Swarm.ConnMgr.HighWater', 'Gateway.PublicGateways.example.Paths', 'DNS.Resolvers.eth', 'Datastore.Spec.anything.below', 'Plugins.Plugins.p.Config.x', 'Pubsub.MaxMessageSize']) {
    assert.equal(checkKey(key), undefined, key)
  }
  assert.equal(checkKey('Foo.Bar'), 'Foo not found')
  assert.equal(checkKey('Swarm.Foo'), 'Swarm.Foo not found')
  assert.equal(checkKey('Gateway.PublicGateways.example.Bar'), 'Gateway.PublicGateways.example.Bar not found')
  assert.equal(checkKey('Import.CidVersion.X'), 'Import.CidVersion.X not found')
  assert.equal(checkKey('Bootstrap.x'), 'Bootstrap key is not a map')
  assert.equal(checkKey('Gateway.NoFetch.x'), 'Gateway.NoFetch key is not a map')
})

test('checkConfig takes what Kubo\'s types take and names what they refuse', () => {
  const at = (config: unknown): string | undefined => {
    const p = checkConfig(config)
    return p === undefined ? undefined : `${p.path}: ${p.message}`
  }
  // a fresh config, after every profile, fits
  for (const name of Object.keys(PROFILES)) {
    assert.equal(at(applyProfiles(defaultConfig({ PeerID: 'x', PrivKey: 'y' }), ['test', name])), undefined, name)
  }
  // Kubo's optional types and the values they accept
  for (const ok of [
    { Addresses: { API: '/ip4/127.0.0.1/tcp/5001', Gateway: ['/ip4/127.0.0.1/tcp/8080'], Swarm: null } },
    { Swarm: { ConnMgr: { HighWater: null, LowWater: 1e3, GracePeriod: '1m30s' }, Transports: { Security: { TLS: false, Noise: 300 } } } },
    { Gateway: { RetrievalTimeout: 'default', DeserializedResponses: null, PublicGateways: { localhost: null } } },
    { Provide: { DHT: { Interval: '-1.5h' } }, Ipns: { MaxCacheTTL: '' } },
    { Import: { UnixFSHAMTDirectorySizeThreshold: '1 MB' }, Pubsub: { MaxMessageSize: 1048576 } },
    { Swarm: { ResourceMgr: { Limits: {} } }, AutoNAT: { ServiceMode: 'disabled', Throttle: null } },
    { Internal: { Bitswap: null }, Unknown: { Anything: [1, 'x'] }, Swarm: { ConnMgr: { NotKubos: 'x' } } }
  ]) assert.equal(at(ok), undefined, JSON.stringify(ok))
  assert.equal(at({ Addresses: { Swarm: ['/ip4/1.2.3.4/tcp/1', 5] } }), 'Addresses.Swarm[1]: json: cannot unmarshal number into Go struct field Addresses.Addresses.Swarm of type string')
  assert.equal(at({ Addresses: { API: {} } }), 'Addresses.API: json: cannot unmarshal object into Go struct field Addresses.Addresses.API of type string')
  assert.equal(at({ Swarm: null }), 'Swarm: json: cannot unmarshal null into Go struct field Config.Swarm of type config.SwarmConfig')
  assert.equal(at({ Swarm: { ConnMgr: { LowWater: 1e20 } } }), 'Swarm.ConnMgr.LowWater: json: cannot unmarshal number 100000000000000000000 into Go struct field ConnMgr.Swarm.ConnMgr.LowWater of type int64')
  assert.equal(at({ Swarm: { Transports: { Security: { TLS: true } } } }), "Swarm.Transports.Security.TLS: 'true' is not a valid priority")
  assert.equal(at({ Swarm: { ConnMgr: { GracePeriod: '20' } } }), 'Swarm.ConnMgr.GracePeriod: time: missing unit in duration "20"')
  assert.equal(at({ Swarm: { ConnMgr: { GracePeriod: '20d' } } }), 'Swarm.ConnMgr.GracePeriod: time: unknown unit "d" in duration "20d"')
  assert.equal(at({ Import: { UnixFSHAMTDirectorySizeThreshold: '5 lots' } }), 'Import.UnixFSHAMTDirectorySizeThreshold: unhandled size name: lots')
  assert.equal(at({ Import: { UnixFSHAMTDirectorySizeThreshold: ['5'] } }), 'Import.UnixFSHAMTDirectorySizeThreshold: unable to parse byte size, expected a size string (e.g., "5GiB") or a number, but got []interface {}')
  assert.equal(at({ Gateway: { NoDNSLink: 'true' } }), 'Gateway.NoDNSLink: json: cannot unmarshal string into Go struct field Gateway.Gateway.NoDNSLink of type bool')
  assert.equal(at({ Import: { UnixFSRawLeaves: 'true' } }), 'Import.UnixFSRawLeaves: failed to unmarshal "\\"true\\"" into a flag: must be null/undefined, true, or false')
  assert.equal(at({ DNS: { Resolvers: { 'eth.': 5 } } }), 'DNS.Resolvers["eth."]: json: cannot unmarshal number into Go struct field DNS.DNS.Resolvers of type string')
  assert.equal(at({ AutoNAT: { ServiceMode: 'on' } }), 'AutoNAT.ServiceMode: unknown autonat mode: on')
  assert.match(at({ Swarm: { ResourceMgr: { Limits: { System: {} } } } }) ?? '', /^Swarm\.ResourceMgr\.Limits: The Swarm\.ResourceMgr\.Limits configuration has been removed in Kubo 0\.19/)
  // Go meets keys in byte order: the first wrong one is named
  assert.equal(checkConfig({ Swarm: { DisableNatPortMap: 1 }, Addresses: { Swarm: 1 } })?.path, 'Addresses.Swarm')
})

test('profiles apply to a config whose lists are null or whose sections are missing', () => {
  const sparse = { Identity: { PeerID: 'x', PrivKey: 'y' }, Addresses: { Swarm: null, NoAnnounce: null } } as unknown as Config
  for (const name of Object.keys(PROFILES)) {
    assert.equal(checkConfig(applyProfiles(sparse, [name])), undefined, name)
    assert.equal(checkConfig(applyProfiles({ Identity: { PeerID: 'x' } } as unknown as Config, [name])), undefined, name)
  }
  // null inside a list (Go reads it as ""), which checkConfig lets through: left alone, not a TypeError
  const holes = { Identity: { PeerID: 'x' }, Addresses: { Swarm: ['/ip4/0.0.0.0/tcp/4001', null], NoAnnounce: [null] } } as unknown as Config
  for (const name of Object.keys(PROFILES)) assert.equal(checkConfig(applyProfiles(holes, [name])), undefined, name)
  const moved = applyProfiles(holes, ['randomports']).Addresses.Swarm as Array<string | null>
  assert.equal(moved[1], null)
  assert.match(moved[0] as string, /^\/ip4\/0\.0\.0\.0\/tcp\/\d+$/)
})
