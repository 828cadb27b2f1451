/**
 * Shared pieces of the gateway spec suites: the conformance fixtures loaded into a repo as their README says,
 * a fetch that never follows redirects, and a list of named checks run as subtests.
 */
import assert from 'node:assert/strict'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { CarReader } from '@ipld/car'
import { sha256 } from 'multiformats/hashes/sha2'
import type { Harness } from './cli.ts'

export const FIXTURES = new URL('../../../shared/fixtures/gateway-conformance/', import.meta.url).pathname

async function files (dir: string, ext: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await files(join(dir, e.name), ext))
    else if (e.name.endsWith(ext)) out.push(join(dir, e.name))
  }
  return out.sort()
}

/**
 * Every block of every CAR (roots not pinned; the incomplete CAR too), and every valid IPNS record as the
 * stored record of its name (the name is the file name up to the first `_`). Returns the records refused.
 */
export async function loadFixtures (h: Harness): Promise<string[]> {
  await h.ok(['dag', 'import', '--pin-roots=false', ...await files(FIXTURES, '.car')])
  const refused: string[] = []
  for (const record of await files(FIXTURES, '.ipns-record')) {
    const name = (record.split('/').pop() as string).split(/[_.]/)[0] as string
    const r = await h.run(['routing', 'put', '--allow-offline', `/ipns/${name}`, record])
    if (r.code !== 0) refused.push(record.split('/').pop() as string)
  }
  return refused
}

/** The fixtures' DNSLink names as IPFS_NS_MAP (`domain:/path,…`) */
export async function nsMap (): Promise<string> {
  const { domains } = JSON.parse(await readFile(join(FIXTURES, 'dnslinks.json'), 'utf8')) as { domains: Record<string, string> }
  return Object.entries(domains).map(([d, p]) => `${d}:${p}`).join(',')
}

export interface Got { status: number, headers: Headers, body: Buffer }

let base = ''
export function setGateway (url: string): void { base = url }
export function gatewayUrl (): string { return base }

/** GET (or any method) on the gateway, redirects not followed */
export async function get (path: string, init: RequestInit = {}): Promise<Got> {
  const res = await fetch(base + path, { redirect: 'manual', ...init })
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
}

/** GET with a Host header (fetch does not let a caller set it, so this goes through node:http) */
export async function getHost (host: string, path: string, headers: Record<string, string> = {}): Promise<Got> {
  const { request } = await import('node:http')
  const u = new URL(base)
  return await new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, headers: { ...headers, Host: host } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const h = new Headers()
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v)
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

export async function carBlocks (body: Buffer): Promise<{ roots: string[], cids: string[] }> {
  const reader = await CarReader.fromBytes(body)
  const cids: string[] = []
  for await (const b of reader.blocks()) {
    if (b.cid.multihash.code === sha256.code) assert.deepEqual((await sha256.digest(b.bytes)).bytes, b.cid.multihash.bytes, `block ${b.cid.toString()} matches its hash`)
    cids.push(b.cid.toString())
  }
  return { roots: (await reader.getRoots()).map(String), cids }
}

type Check = [section: string, name: string, fn: () => Promise<void>]

/** Checks registered at load time and run, in order, as subtests of one test that has the daemon */
export class Checks {
  readonly list: Check[] = []
  add (section: string, name: string, fn: () => Promise<void>): void { this.list.push([section, name, fn]) }
  async run (t: TestContext): Promise<void> {
    for (const [section, name, fn] of this.list) await t.test(`[${section}] ${name}`, fn)
  }
}
