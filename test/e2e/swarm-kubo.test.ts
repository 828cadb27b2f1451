/**
 * Our daemon and a real Kubo daemon on 127.0.0.1 (skipped when scripts/setup-go-tools.sh has not installed
 * Kubo): they connect over TCP (where TLS is the first choice of both) and over QUIC, both ways.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { online, peersOf, until } from '../helpers/swarm.ts'

const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')
const run = promisify(execFile)

test('Kubo: TCP and QUIC, both directions', { skip: !existsSync(KUBO) && 'Kubo is not installed (scripts/setup-go-tools.sh)' }, async (t) => {
  const repo = await mkdtemp(join(tmpdir(), 'tsipfs-kubo-'))
  t.after(async () => { await rm(repo, { recursive: true, force: true }) })
  const env = { ...process.env, IPFS_PATH: repo }
  const kubo = async (...args: string[]): Promise<string> => (await run(KUBO, args, { env })).stdout
  await kubo('init', '-e', '--profile=test')
  await kubo('config', '--json', 'Addresses.Swarm', JSON.stringify(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1']))
  const child = spawn(KUBO, ['daemon'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise(resolve => child.on('close', resolve))
  t.after(async () => { child.kill('SIGTERM'); await exited })
  await until(() => out.includes('Daemon is ready') || child.exitCode !== null, 'Kubo to start')
  assert.ok(out.includes('Daemon is ready'), out)
  const kid = (JSON.parse(await kubo('id')) as { ID: string }).ID
  const kaddrs = (await kubo('swarm', 'addrs', 'local')).trim().split('\n')
  const ktcp = `${kaddrs.find(a => a.includes('/tcp/')) as string}/p2p/${kid}`
  const kquic = `${kaddrs.find(a => a.includes('/quic-v1')) as string}/p2p/${kid}`

  const d = await online(t, { mutate: c => { c.Addresses.Swarm = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/0/quic-v1'] } })
  const kuboPeers = async (): Promise<Array<{ Peer: string, Addr: string }>> => (JSON.parse(await kubo('swarm', 'peers', '--enc=json')) as { Peers: Array<{ Peer: string, Addr: string }> | null }).Peers ?? []
  const apart = async (): Promise<void> => {
    await until(async () => !(await peersOf(d.h)).some(p => p.Peer === kid) && !(await kuboPeers()).some(p => p.Peer === d.id), 'both sides to be disconnected')
  }
  // Kubo dials us, over each transport
  for (const addr of d.addrs) {
    assert.match(await kubo('swarm', 'connect', addr), /success/)
    const entry = (await kuboPeers()).find(p => p.Peer === d.id)
    assert.ok(entry !== undefined && addr.startsWith(entry.Addr), JSON.stringify(entry))
    await until(async () => (await peersOf(d.h)).some(p => p.Peer === kid), 'the connection from Kubo')
    await kubo('swarm', 'disconnect', addr)
    await apart()
  }
  // and we dial Kubo
  for (const addr of [ktcp, kquic]) {
    assert.equal(await d.h.ok(['swarm', 'connect', addr]), `connect ${kid} success\n`)
    const entry = (await peersOf(d.h)).find(p => p.Peer === kid)
    assert.equal(entry?.Addr, addr.replace(`/p2p/${kid}`, ''))
    const info = JSON.parse(await d.h.ok(['id', kid])) as { AgentVersion: string }
    assert.match(info.AgentVersion, /^kubo\//)
    await d.h.ok(['swarm', 'disconnect', addr])
    await apart()
  }
})
