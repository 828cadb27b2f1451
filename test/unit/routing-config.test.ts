/** Routing.Type and Provide.* read as Kubo reads them (src/core/routing/plan.ts, strategy.ts) */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { routingPlan } from '../../src/core/routing/plan.ts'
import { parseStrategy, provideConfig } from '../../src/core/routing/strategy.ts'
import { commonPrefixLength } from '../../src/core/routing/batch-provide.ts'
import type { Config } from '../../src/core/repo/config.ts'

const config = (extra: Record<string, unknown>): Config => ({ Identity: { PeerID: 'x' }, ...extra }) as unknown as Config

test('Routing.Type picks the DHTs, their modes and the HTTP routers', () => {
  const modes = (type: string | null): string => routingPlan(config({ Routing: { Type: type } })).dhts.map(d => `${d.service}:${d.mode}`).join(',')
  assert.equal(modes(null), 'aminoDHT:auto,lanDHT:server')
  assert.equal(modes('auto'), 'aminoDHT:auto,lanDHT:server')
  assert.equal(modes('autoclient'), 'aminoDHT:client,lanDHT:client')
  assert.equal(modes('dht'), 'aminoDHT:auto,lanDHT:server')
  assert.equal(modes('dhtclient'), 'aminoDHT:client,lanDHT:client')
  assert.equal(modes('dhtserver'), 'aminoDHT:server,lanDHT:server')
  assert.equal(modes('delegated'), '')
  assert.equal(modes('none'), '')
  assert.deepEqual(routingPlan(config({ Routing: { Type: 'auto' } })).http, ['https://cid.contact'])
  assert.deepEqual(routingPlan(config({ Routing: { Type: 'dht' } })).http, [])
  assert.deepEqual(routingPlan(config({ Routing: { Type: 'delegated', DelegatedRouters: ['http://127.0.0.1:1'] } })).http, ['http://127.0.0.1:1'])
  assert.throws(() => routingPlan(config({ Routing: { Type: 'supernode' } })), { name: 'InvalidConfigError' })
})

test('Routing.Type custom: routers and methods', () => {
  const plan = routingPlan(config({
    Routing: {
      Type: 'custom',
      Routers: {
        wan: { Type: 'dht', Parameters: { Mode: 'client', PublicIPNetwork: true } },
        lan: { Type: 'dht', Parameters: { Mode: 'server', PublicIPNetwork: false } },
        both: { Type: 'parallel', Parameters: { Routers: [{ RouterName: 'wan', Timeout: '5s' }, { RouterName: 'lan', IgnoreErrors: true, ExecuteAfter: '100ms' }] } }
      },
      Methods: Object.fromEntries(['find-providers', 'find-peers', 'get-ipns', 'put-ipns', 'provide'].map(m => [m, { RouterName: 'both' }]))
    }
  }))
  assert.deepEqual(plan.dhts.map(d => [d.protocol, d.mode]), [['/ipfs/kad/1.0.0', 'client'], ['/ipfs/lan/kad/1.0.0', 'server']])
  const both = plan.custom?.routers.get('both')
  assert.ok(both?.type === 'parallel')
  assert.deepEqual(both.routers.map(r => [r.timeoutMs, r.ignoreErrors, r.executeAfterMs]), [[5000, false, 0], [0, true, 100]])
  assert.throws(() => routingPlan(config({ Routing: { Type: 'custom', Routers: {}, Methods: {} } })), /method name "find-providers" is missing/)
})

test('Provide.Strategy and Provide.DHT.Interval', () => {
  assert.deepEqual(parseStrategy(null), { all: true, pinned: false, roots: false, mfs: false, text: 'all' })
  assert.deepEqual(parseStrategy('pinned+mfs'), { all: false, pinned: true, roots: false, mfs: true, text: 'pinned+mfs' })
  assert.equal(parseStrategy('roots').roots, true)
  assert.throws(() => parseStrategy('all+mfs'), { name: 'InvalidConfigError' })
  assert.throws(() => parseStrategy('everything'), { name: 'InvalidConfigError' })
  assert.equal(provideConfig(config({})).interval, 22 * 3600 * 1000)
  assert.equal(provideConfig(config({ Provide: { DHT: { Interval: '0' } } })).interval, 0)
  assert.equal(provideConfig(config({ Provide: { Enabled: false } })).enabled, false)
})

test('common prefix length of Kademlia keys', () => {
  assert.equal(commonPrefixLength(Uint8Array.from([0xff, 0]), Uint8Array.from([0xff, 0])), 16)
  assert.equal(commonPrefixLength(Uint8Array.from([0x80]), Uint8Array.from([0x00])), 0)
  assert.equal(commonPrefixLength(Uint8Array.from([0xf0, 0x01]), Uint8Array.from([0xf0, 0x03])), 14)
})
