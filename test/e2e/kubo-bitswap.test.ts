/**
 * Kubo as a peer: a Kubo daemon and a tsipfs daemon on 127.0.0.1 (test profiles, no bootstrap) connect
 * with `swarm connect` and move a 64 MiB file over Bitswap each way: the fetcher pins it (every block
 * over the wire) and its `cat` must return the provider's bytes.
 *
 * Kubo closes its identify stream right after writing the message; the bytes that arrive with the
 * multistream-select reply used to be lost to a byte counter that listened to the stream before identify
 * read it (fixed in src/core/network/metrics.ts), and Bitswap now tries every new connection as a Bitswap
 * peer whatever identify says. Each step has a bounded --timeout.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { kuboRepo, startKuboDaemon } from '../helpers/kubo.ts'
import { streamBytes } from '../vectors/oracle-cases.ts'

const SIZE = 64 * 1024 * 1024
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

test('Kubo and tsipfs exchange a 64 MiB file over Bitswap in both directions', async (t) => {
  const kubo = await kuboRepo(t)
  if (kubo === undefined) return
  const h = await harness(t)
  await startKuboDaemon(t, kubo)
  await startDaemon(t, h)
  const kuboId = JSON.parse(await kubo.ok(['id', '--enc=json'])) as { ID: string, Addresses: string[] }
  const ourId = JSON.parse(await h.ok(['id', '--enc=json'])) as { ID: string, Addresses: string[] }
  const kuboAddr = kuboId.Addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/') && !a.includes('/ws'))
  assert.ok(kuboAddr !== undefined, kuboId.Addresses.join(' '))
  assert.equal(await h.ok(['swarm', 'connect', kuboAddr]), `connect ${kuboId.ID} success\n`)
  assert.match(await kubo.ok(['swarm', 'peers']), new RegExp(`/p2p/${ourId.ID}\n`))
  // identify must have told tsipfs who Kubo is and that it speaks Bitswap
  const seen = JSON.parse(await h.ok(['id', '--enc=json', kuboId.ID])) as { AgentVersion: string, Protocols: string[] }
  assert.match(seen.AgentVersion, /^kubo\//)
  assert.ok(seen.Protocols.includes('/ipfs/bitswap/1.2.0'), seen.Protocols.join(' '))

  const files = { kubo: join(h.dir, 'from-kubo'), ours: join(h.dir, 'from-tsipfs') }
  const bytes = { kubo: streamBytes('kubo→tsipfs', SIZE), ours: streamBytes('tsipfs→kubo', SIZE) }
  await writeFile(files.kubo, bytes.kubo)
  await writeFile(files.ours, bytes.ours)

  await t.test('Kubo → tsipfs', async () => {
    const cid = (await kubo.ok(['add', '-Q', '--cid-version=1', files.kubo])).trim()
    assert.equal((await h.ok(['pin', 'add', '--timeout=120s', cid])), `pinned ${cid} recursively\n`)
    const r = await h.run(['cat', '--offline', cid])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdoutBytes.byteLength, SIZE)
    assert.equal(sha(r.stdoutBytes), sha(bytes.kubo))
    // the same CID as Kubo's for the same bytes
    assert.equal((await h.ok(['add', '-Q', '--only-hash', '--cid-version=1', files.kubo])).trim(), cid)
  })

  await t.test('tsipfs → Kubo', async () => {
    const cid = (await h.ok(['add', '-Q', files.ours])).trim()
    assert.match(await kubo.ok(['pin', 'add', '--progress=false', '--timeout=120s', cid]), new RegExp(`pinned ${cid} recursively`))
    const r = await kubo.run(['cat', '--offline', cid])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdoutBytes.byteLength, SIZE)
    assert.equal(sha(r.stdoutBytes), sha(bytes.ours))
  })
})
