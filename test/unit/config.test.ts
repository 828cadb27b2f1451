import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getKey, setKey, parseSize, parseDuration } from '../../src/core/repo/config.ts'
import { applyProfiles } from '../../src/core/repo/profiles.ts'
import { defaultConfig } from '../../src/core/repo/config.ts'

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
