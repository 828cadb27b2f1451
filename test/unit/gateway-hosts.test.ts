/** Host routing (subdomain-gateway.md, dnslink-gateway.md) and the _redirects parser (web-redirects-file.md) */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { route, publicGateways, inlineDnslink, uninlineDnslink } from '../../src/gateway/hosts.ts'
import { parseRedirects, matchRedirect, RedirectsError } from '../../src/gateway/redirects.ts'

const req = (host: string, headers: Record<string, string> = {}): IncomingMessage => ({ headers: { host, ...headers } }) as unknown as IncomingMessage
const gws = publicGateways({ 'gw.example': { UseSubdomains: true, Paths: ['/ipfs', '/ipns'], InlineDNSLink: true } })
const dnslink = async (host: string): Promise<boolean> => host === 'site.example.org'

test('DNSLink names inline into one label and back', () => {
  for (const name of ['en.wikipedia-on-ipfs.org', 'a--b.c', 'x.y.z']) assert.equal(uninlineDnslink(inlineDnslink(name)), name)
  assert.equal(inlineDnslink('en.wikipedia-on-ipfs.org'), 'en-wikipedia--on--ipfs-org')
})

test('the localhost entry is built in and a null entry removes it', () => {
  assert.ok(publicGateways(null).get('localhost')?.UseSubdomains)
  assert.equal(publicGateways({ localhost: null }).get('localhost'), undefined)
})

test('InlineDNSLink inlines DNSLink names in redirects over http too', async () => {
  const r = await route(req('gw.example'), new URL('http://x/ipns/site.example.org/a'), gws, dnslink, false)
  assert.deepEqual(r, { kind: 'redirect', location: 'http://site-example-org.ipns.gw.example/a' })
})

test('a DNSLink host is an origin, unless NoDNSLink', async () => {
  assert.deepEqual(await route(req('site.example.org'), new URL('http://x/'), gws, dnslink, false), { kind: 'origin', root: '/ipns/site.example.org' })
  assert.deepEqual(await route(req('site.example.org'), new URL('http://x/'), gws, dnslink, true), { kind: 'path' })
  // a host looked up without a record is a path gateway for now: its answers are not kept (hot.ts)
  assert.deepEqual(await route(req('other.example.org'), new URL('http://x/'), gws, dnslink, false), { kind: 'path', noDnslinkYet: true })
})

test('IP addresses are never looked up as DNSLink names', async () => {
  let asked = false
  await route(req('127.0.0.1:8080'), new URL('http://x/'), gws, async () => { asked = true; return true }, false)
  assert.equal(asked, false)
})

test('_redirects: comments, blank lines and default status', () => {
  const rules = parseRedirects('# comment\n\n/a /b\n/c /d 302\r\n/e https://example.org/ 308\n')
  assert.deepEqual(rules, [{ from: '/a', to: '/b', status: 301 }, { from: '/c', to: '/d', status: 302 }, { from: '/e', to: 'https://example.org/', status: 308 }])
})

test('_redirects: bad lines are errors that say which line', () => {
  for (const [text, line] of [['/a', 1], ['/a /b 999', 1], ['/ok /b\n/a /b 301!', 2], ['a /b', 1], ['/a b', 1], ['/a /b 200 extra', 1]] as const) {
    assert.throws(() => parseRedirects(text), (err: unknown) => err instanceof RedirectsError && err.message.includes(`line ${line}`), text)
  }
})

test('_redirects: placeholders and splats, first match wins', () => {
  const rules = parseRedirects('/posts/:year/:slug /p/:slug/:year\n/files/* /all/:splat 302\n/* /index.html 200')
  assert.deepEqual(matchRedirect(rules, '/posts/2022/hi'), { to: '/p/hi/2022', status: 301 })
  assert.deepEqual(matchRedirect(rules, '/posts/2022'), { to: '/index.html', status: 200 })
  assert.deepEqual(matchRedirect(rules, '/files/a/b/c'), { to: '/all/a/b/c', status: 302 })
  assert.deepEqual(matchRedirect(rules, '/'), { to: '/index.html', status: 200 })
  assert.equal(matchRedirect(parseRedirects('/a /b'), '/a/b'), undefined)
})
