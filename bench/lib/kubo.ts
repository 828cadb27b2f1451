/**
 * Kubo for the benchmarks' reference columns: the binary scripts/setup-go-tools.sh installs, its CLI on a
 * repo, and an `ipfs daemon` (test profile: loopback, random ports, no bootstrap) that is always stopped.
 */
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const KUBO = join(process.env.TSIPFS_TOOLS ?? join(homedir(), '.cache', 'tsipfs-go'), 'bin', 'ipfs')

export const kuboInstalled = (): boolean => existsSync(KUBO)

/** Run `ipfs ...args` on `repo`; its stdout, trimmed */
export async function kubo (repo: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(KUBO, args, { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) { resolve(stdout.trim()); return }
      const timedOut = (err as { killed?: boolean }).killed === true
      reject(new Error(`ipfs ${args.join(' ')}: ${timedOut ? `did not finish within ${(timeoutMs / 1000).toFixed(0)} s` : err.message} ${stderr.trim()}`.trim()))
    })
  })
}

export interface KuboDaemon { repo: string, addr: string, stop: () => Promise<void> }

/** init a test-profile repo, optionally add `file` (CIDv1), start `ipfs daemon`; its TCP swarm address */
export async function kuboDaemon (repo: string, file?: string): Promise<{ daemon: KuboDaemon, cid?: string }> {
  await kubo(repo, ['init', '--profile=test'])
  const cid = file === undefined ? undefined : await kubo(repo, ['add', '-Q', '--cid-version=1', file], 600_000)
  const child = spawn(KUBO, ['daemon'], { env: { ...process.env, IPFS_PATH: repo }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const closed = new Promise<void>(resolve => child.once('close', () => { resolve() }))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await closed
    clearTimeout(timer)
  }
  const deadline = Date.now() + 60_000
  while (!out.includes('Daemon is ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`ipfs daemon did not start: ${out.slice(-2000)}`)
    }
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  const id = JSON.parse(await kubo(repo, ['id', '--enc=json'])) as { Addresses: string[] }
  const addr = id.Addresses.find(a => a.startsWith('/ip4/127.0.0.1/tcp/') && !a.includes('/ws'))
  if (addr === undefined) throw new Error(`ipfs daemon: no TCP address among ${id.Addresses.join(' ')}`)
  return { daemon: { repo, addr, stop }, cid }
}
