/**
 * Bitswap with another implementation: a Helia node (@helia/bitswap over TCP, noise, yamux) in this test
 * process and a tsipfs daemon on 127.0.0.1 fetch a file from each other, in both directions.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { importer } from 'ipfs-unixfs-importer'
import { exporter } from 'ipfs-unixfs-exporter'
import { CID } from 'multiformats/cid'
import { harness } from '../helpers/cli.ts'
import { startDaemon, swarmAddr } from '../helpers/daemon.ts'

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

async function heliaNode () {
  // no HTTP gateways and no delegated routers: nothing leaves 127.0.0.1
  const helia = withBitswap(withLibp2pLight(createHeliaLight(), {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  }))
  await helia.start()
  return helia
}

test('Bitswap between a tsipfs daemon and a Helia node, both directions', async (t) => {
  const h = await harness(t)
  const d = await startDaemon(t, h)
  const ours = swarmAddr(d)
  assert.match(ours, /\/p2p\//)
  const helia = await heliaNode()
  t.after(async () => { await helia.stop() })
  const theirs = helia.libp2p.getMultiaddrs()[0]
  assert.ok(theirs !== undefined)

  await t.test('tsipfs fetches a file that only Helia has', async () => {
    const bytes = randomBytes(4 * 1024 * 1024 + 123)
    let root: CID | undefined
    for await (const entry of importer([{ content: bytes }], helia.blockstore, { cidVersion: 1, rawLeaves: true })) root = entry.cid
    assert.ok(root !== undefined)
    assert.equal(await h.ok(['swarm', 'connect', theirs.toString()]), `connect ${helia.libp2p.peerId.toString()} success\n`)
    const r = await h.run(['cat', root.toString()])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(sha(r.stdoutBytes), sha(bytes))
    // and added with tsipfs, the same bytes make the same CID
    const file = join(h.dir, 'same')
    await writeFile(file, bytes)
    assert.equal((await h.ok(['add', '-Q', '--cid-version=1', '-n', file])).trim(), root.toString())
  })

  await t.test('Helia fetches a file that only tsipfs has', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7)
    const file = join(h.dir, 'ours')
    await writeFile(file, bytes)
    const cid = CID.parse((await h.ok(['add', '-Q', file])).trim())
    await helia.libp2p.dial(multiaddr(ours))
    const entry = await exporter(cid, helia.blockstore, { signal: AbortSignal.timeout(60_000) })
    assert.equal(entry.type, 'file')
    const chunks: Uint8Array[] = []
    for await (const c of entry.content({ signal: AbortSignal.timeout(60_000) })) chunks.push(c)
    assert.equal(sha(Buffer.concat(chunks)), sha(bytes))
    const stat = JSON.parse(await h.ok(['bitswap', 'stat', '--enc=json'])) as { BlocksSent: number }
    assert.ok(stat.BlocksSent >= 12, `blocks sent ${stat.BlocksSent}`)
  })
})
