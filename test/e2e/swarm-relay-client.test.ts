/**
 * The static-relay client (reserveStaticRelays, what Swarm.RelayClient.StaticRelays runs) on real libp2p
 * nodes in this process: a relay that is down at first and one that drops the connection are retried,
 * with one circuit listener per relay however many attempts it takes (libp2p keeps every listener it
 * creates, failed ones too).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { tcp } from '@libp2p/tcp'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { reserveStaticRelays } from '../../src/core/network/relay.ts'
import { plainNode, until } from '../helpers/swarm.ts'

test('a static relay that is down, then up, then drops us: one circuit listener throughout', async (t) => {
  // the relay's port first answers TCP and hangs up: every reservation attempt fails
  const sockets = new Set<Socket>()
  let attempts = 0
  const down = createServer((s) => { attempts++; sockets.add(s); s.destroy() })
  down.listen(0, '127.0.0.1')
  await once(down, 'listening')
  const port = (down.address() as AddressInfo).port
  const key = await generateKeyPair('Ed25519')
  const relayAddr = `/ip4/127.0.0.1/tcp/${port}/p2p/${peerIdFromPrivateKey(key).toString()}`

  const client = await plainNode(t, { transports: [tcp(), circuitRelayTransport()] })
  const tm = (client as unknown as { components: { transportManager: { getListeners: () => unknown[] } } }).components.transportManager
  const stop = reserveStaticRelays(client, [`${relayAddr}/p2p-circuit`], { retryMs: 20 })
  t.after(stop)
  const circuitAddr = (): boolean => client.getMultiaddrs().some(a => a.toString().startsWith(`${relayAddr}/p2p-circuit`))

  await until(() => attempts >= 3, 'three failed attempts')
  down.close()
  for (const s of sockets) s.destroy()
  await once(down, 'close')
  const relay = await plainNode(t, { privateKey: key, listen: [`/ip4/127.0.0.1/tcp/${port}`], services: { relay: circuitRelayServer() } })
  await until(circuitAddr, 'the reservation once the relay is up')
  // the client's TCP listener and one circuit listener
  assert.equal(tm.getListeners().length, 2)

  // the relay drops the connection: the client reserves again, on the same listener
  for (let i = 0; i < 2; i++) {
    await relay.hangUp(client.peerId)
    await until(() => relay.getConnections(client.peerId).length > 0 && circuitAddr(), 'the reservation after a disconnect')
  }
  assert.equal(tm.getListeners().length, 2)
})
