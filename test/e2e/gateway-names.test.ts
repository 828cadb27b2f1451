/**
 * The gateway's names and hosts against the specs (ipfs/specs src/http-gateways): /ipns/ paths with IPNS
 * records and DNSLink names, subdomain gateways (`localhost` built in, `example.com` configured, as the
 * conformance suite expects), DNSLink gateways, `_redirects` files, and the Gateway.* config keys, with the
 * conformance fixtures loaded into an offline daemon (DNSLink names from IPFS_NS_MAP). Every check names
 * the spec section it checks.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import { harness, type Harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { Checks, FIXTURES, get, gatewayUrl, getHost, loadFixtures, nsMap, setGateway } from '../helpers/gateway.ts'

const PG = 'path-gateway.md'
const TG = 'trustless-gateway.md'
const SG = 'subdomain-gateway.md'
const DG = 'dnslink-gateway.md'
const RF = 'web-redirects-file.md'
const CFG = 'docs/config.md Gateway'

const v1 = (cid: string): string => CID.parse(cid).toV1().toString()

const K = {
  /** Ed25519 key (subdomain_gateway fixtures) → /ipfs/bafkreicysg… ("hello\n") */
  peer: '12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d',
  peer36: 'k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam',
  /** RSA key in base58 (subdomain_gateway fixtures) → the same "hello\n" */
  rsa: 'QmVujd5Vb7moysJj8itnGufN7MEtPRCNHkKpNuA4onsRa3',
  /** gateway-cache: a directory, and a sub-path of it */
  dir: 'k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe',
  subpath: 'k51qzi5uqu5djokp3m1keo36hoxtd6u3a1d2rg1camf6al7p3huy63dojlm57c',
  /** ipns_records: a V1+V2 record → /ipfs/bafkqaddwgevxmmraojswg33smq ("v1+v2 record") */
  v1v2: 'k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w',
  v2: 'k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f',
  /** a V1-only record (no longer valid), and a V2 signature that does not verify: refused when stored */
  v1only: 'k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku',
  brokenV2: 'k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c'
}
const C = {
  hello: 'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am',
  subdomainDir: 'QmYiPNLU7Hc739sqcBH5DgVmk5mKTQVzKSqvJJeNGWTgrE', // hello-CIDv0, hello-CIDv1, hello-CIDv1_TOO_LONG, testdirlisting/
  tooLong: 'bafkrgqhhyivzstcz3hhswshfjgy6ertgmnqeleynhwt4dlfsthi4hn7zgh4uvlsb5xncykzapi3ocd4lzogukir6ksdy6wzrnz6ohnv4aglcs',
  cacheDir: 'bafybeib3ffl2teiqdncv3mkz4r23b5ctrwkzrrhctdbne6iboayxuxk5ui',
  examples: 'QmYBhLYDwVFvxos9h8CGU2ibaY66QNgv8hpfewxaQrPiZj', // the _redirects examples
  badCodes: 'QmcBcFnKKqgpCVMxxGsriw9ByTVF6uDdKDMuEBq3m6f1bm',
  forced: 'QmU7ysGXwAtiV7aBarZASJsxKoKyKmd9Xrz2FFamSCbg8S',
  invalid: 'QmRgpzYQESidTtTojN8zRWjiNs9Cy6o7KHRxh7kDpJm3KH',
  newlines: 'QmYzMrtPyBv7LKiEAGLLRPtvqm3SjQYLWxwWQ2vnpxQwRd',
  tooLarge: 'QmQTfvjGmvTfxFpUcZNLdTLuKV227KJkGiN6xooHVeVZAS',
  spa: 'bafybeib5lboymwd6p2eo4qb2lkueaine577flvsjjeuevmp2nlio72xv5q',
  listing: 'bafybeig6ka5mlwkl4subqhaiatalkcleo4jgnr3hqwvpmsqfca27cijp3i'
}
const D = {
  test: 'dnslink-test.example.org',
  listing: 'dnslink-dir-listing.example.org',
  overIpns: 'dnslink-over-ipns.example.org',
  subpath: 'dnslink-subpath.example.org',
  redirects: 'dnslink-redirects-examples.example.org',
  spa: 'dnslink-enabled-with-spa.example.org'
}
const LIMIT = 8

let h: Harness
let port = ''
let bigFile = ''
const checks = new Checks()
const check = checks.add.bind(checks)

// ---------------------------------------------------------------- /ipns/ on the path gateway
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a base36 key resolves through its record to the content', async () => {
  const r = await get(`/ipns/${K.peer36}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
})
check(`${PG} §X-Ipfs-Path (response header)`, 'X-Ipfs-Path is the requested /ipns/ path', async () => {
  assert.equal((await get(`/ipns/${K.peer36}`)).headers.get('x-ipfs-path'), `/ipns/${K.peer36}`)
})
check(`${PG} §X-Ipfs-Roots (response header)`, 'X-Ipfs-Roots are the CIDs of the resolved /ipfs/ path', async () => {
  const r = await get(`/ipns/${K.subpath}/`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('x-ipfs-roots'), `${C.cacheDir},bafybeih2w7hjocxjg6g2ku25hvmd53zj7og4txpby3vsusfefw5rrg5sii`)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a path after the name is resolved inside the content', async () => {
  const r = await get(`/ipns/${K.dir}/root2/`)
  assert.equal(r.status, 200)
  assert.match(r.headers.get('content-type') ?? '', /^text\/html/)
})
check(`${PG} §Cache-Control (response header)`, '/ipns/ responses may be cached for the record\'s TTL, not forever', async () => {
  const r = await get(`/ipns/${K.subpath}/`)
  // a listing: the record's TTL, then served stale while revalidating (as Kubo)
  assert.equal(r.headers.get('cache-control'), 'public, max-age=1800, stale-while-revalidate=2678400')
})
check(`${PG} §Etag (response header)`, '/ipns/ content has the Etag of the CID it resolves to', async () => {
  assert.equal((await get(`/ipns/${K.peer36}`)).headers.get('etag'), `"${C.hello}"`)
})
check(`${PG} §If-None-Match (request header)`, 'If-None-Match with the Etag of /ipns/ content gives 304', async () => {
  assert.equal((await get(`/ipns/${K.peer36}`, { headers: { 'If-None-Match': `"${C.hello}"` } })).status, 304)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a base58 peer ID redirects (302) to its canonical base36 name, keeping path and query', async () => {
  const r = await get(`/ipns/${K.peer}/a/b?x=1`)
  assert.equal(r.status, 302)
  assert.equal(r.headers.get('location'), `/ipns/${K.peer36}/a/b?x=1`)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a CIDv1 key in base32 redirects to base36', async () => {
  const b32 = CID.parse(K.peer36, base36).toString()
  const r = await get(`/ipns/${b32}`)
  assert.equal(r.status, 302)
  assert.equal(r.headers.get('location'), `/ipns/${K.peer36}`)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'an RSA key in base58 redirects to base36 and then resolves', async () => {
  const r = await get(`/ipns/${K.rsa}`)
  assert.equal(r.status, 302)
  const next = await get(r.headers.get('location') as string)
  assert.equal(next.status, 200)
  assert.equal(next.body.toString(), 'hello\n')
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a record with V1 and V2 signatures resolves', async () => {
  assert.equal((await get(`/ipns/${K.v1v2}`)).body.toString(), 'v1+v2 record')
})
check(`${PG} §5xx`, 'a name with no valid record (V1-only, broken V2 signature) is 500 and names the name (IPIP-428: MUST fail with 5xx)', async () => {
  for (const name of [K.v1only, K.brokenV2]) {
    const r = await get(`/ipns/${name}`)
    assert.equal(r.status, 500)
    assert.match(r.body.toString(), new RegExp(name))
  }
})
check(`${PG} §400 Bad Request`, 'something that is neither a key nor a domain is 400', async () => {
  assert.equal((await get('/ipns/not-a-key')).status, 400)
})
check(`${PG} §HEAD /ipns/{name}[/{path}]`, 'HEAD of /ipns/ content has the headers and no body', async () => {
  const r = await get(`/ipns/${K.peer36}`, { method: 'HEAD' })
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-length'), '6')
  assert.equal(r.body.byteLength, 0)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a DNSLink name resolves on the path gateway', async () => {
  const r = await get(`/ipns/${D.test}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
  assert.equal(r.headers.get('cache-control'), 'public, max-age=60')
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a DNSLink to /ipns/{key} resolves recursively', async () => {
  assert.equal((await get(`/ipns/${D.overIpns}`)).body.toString(), 'hello\n')
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a DNSLink to a sub-path serves that sub-path', async () => {
  const r = await get(`/ipns/${D.subpath}/`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('x-ipfs-roots'), `${C.cacheDir},bafybeih2w7hjocxjg6g2ku25hvmd53zj7og4txpby3vsusfefw5rrg5sii`)
})
check(`${PG} §404 Not Found`, 'a missing path under an /ipns/ name is 404 (no _redirects on a path gateway)', async () => {
  assert.equal((await get(`/ipns/${D.redirects}/redirect-one`)).status, 404)
})
check(`${PG} §GET /ipns/{name}[/{path}]`, 'a directory under /ipns/ without a trailing slash redirects to it', async () => {
  const r = await get(`/ipns/${K.dir}/root2`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `/ipns/${K.dir}/root2/`)
})
check(`${PG} §format (request query parameter)`, '?format=car of an /ipns/ path has the resolved CID as its root', async () => {
  const r = await get(`/ipns/${K.peer36}?format=car`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=n')
  assert.ok(r.body.includes(Buffer.from(CID.parse(C.hello).bytes)))
})
check(`${PG} §format (request query parameter)`, '?format=raw of an /ipns/ path is the resolved block', async () => {
  const r = await get(`/ipns/${K.peer36}?format=raw`)
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
})

// ---------------------------------------------------------------- trustless: IPNS records
for (const [how, path, init] of [['?format=ipns-record', `/ipns/${K.v2}?format=ipns-record`, {}], ['Accept', `/ipns/${K.v2}`, { headers: { Accept: 'application/vnd.ipfs.ipns-record' } }]] as const) {
  check(`${TG} §IPNS Record Responses`, `${how}: the stored record, byte for byte, as application/vnd.ipfs.ipns-record`, async () => {
    const r = await get(path, init)
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type'), 'application/vnd.ipfs.ipns-record')
    const file = join(FIXTURES, 'ipns_records', `${K.v2}_v2.ipns-record`)
    assert.ok(r.body.equals(await readFile(file)))
  })
}
check(`${TG} §IPNS Record Responses`, 'the record is an attachment named {name}.ipns-record', async () => {
  assert.match((await get(`/ipns/${K.v2}?format=ipns-record`)).headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${K.v2}\\.ipns-record"`))
})
check(`${TG} §IPNS Record Responses`, 'the record may be cached for its TTL', async () => {
  assert.match((await get(`/ipns/${K.v2}?format=ipns-record`)).headers.get('cache-control') ?? '', /^public, max-age=\d+$/)
})
check(`${TG} §IPNS Record Responses`, 'a record asked for by base58 peer ID redirects to the base36 name, whose record it is', async () => {
  const a = await get(`/ipns/${K.peer}?format=ipns-record`)
  assert.equal(a.status, 302)
  assert.equal(a.headers.get('location'), `/ipns/${K.peer36}?format=ipns-record`)
  const b = await get(a.headers.get('location') as string)
  assert.equal(b.status, 200)
  assert.equal(b.headers.get('content-type'), 'application/vnd.ipfs.ipns-record')
})
check(`${TG} §IPNS Record Responses`, 'a DNSLink name has no record: 400', async () => {
  assert.equal((await get(`/ipns/${D.test}?format=ipns-record`)).status, 400)
})
check(`${TG} §IPNS Record Responses`, 'a name without a stored record is a failure to resolve: 500, as Kubo', async () => {
  assert.equal((await get(`/ipns/${K.v1only}?format=ipns-record`)).status, 500)
})
check(`${TG} §IPNS Record Responses`, '/ipfs/ content asked for as an IPNS record is 400', async () => {
  assert.equal((await get(`/ipfs/${C.hello}?format=ipns-record`)).status, 400)
})

// ---------------------------------------------------------------- subdomain gateways
check(`${SG} §Request Headers: Host`, 'a path on a subdomain gateway redirects (301) to {cidv1}.ipfs.{host}, keeping path and query', async () => {
  const r = await getHost(`localhost:${port}`, `/ipfs/${C.subdomainDir}/hello-CIDv1?x=1`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${v1(C.subdomainDir)}.ipfs.localhost:${port}/hello-CIDv1?x=1`)
})
check(`${SG} §Request Headers: Host`, 'example.com (configured) redirects the same way', async () => {
  const r = await getHost('example.com', `/ipfs/${C.hello}`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${C.hello}.ipfs.example.com/`)
})
check(`${SG} §Request Headers: X-Forwarded-Proto`, 'X-Forwarded-Proto: https makes the redirect https', async () => {
  const r = await getHost('example.com', `/ipfs/${C.hello}`, { 'X-Forwarded-Proto': 'https' })
  assert.equal(r.headers.get('location'), `https://${C.hello}.ipfs.example.com/`)
})
check(`${SG} §Request Headers: X-Forwarded-Host`, 'X-Forwarded-Host is the host redirects and origins are built from', async () => {
  const r = await getHost(`127.0.0.1:${port}`, `/ipfs/${C.hello}`, { 'X-Forwarded-Host': 'example.com' })
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${C.hello}.ipfs.example.com/`)
  const o = await getHost(`127.0.0.1:${port}`, '/', { 'X-Forwarded-Host': `${C.hello}.ipfs.example.com` })
  assert.equal(o.body.toString(), 'hello\n')
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'the CID\'s content is served at the origin\'s root', async () => {
  const r = await getHost(`${C.hello}.ipfs.example.com`, '/')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
  assert.equal(r.headers.get('x-ipfs-path'), `/ipfs/${C.hello}/`)
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a path on the origin is a path inside the CID', async () => {
  const r = await getHost(`${v1(C.subdomainDir)}.ipfs.localhost:${port}`, '/hello-CIDv1')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a directory on an origin redirects to its trailing slash, relative to the origin', async () => {
  const r = await getHost(`${v1(C.subdomainDir)}.ipfs.localhost`, '/testdirlisting')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), '/testdirlisting/')
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a listing on an origin links relative to the origin, not to /ipfs/', async () => {
  const r = await getHost(`${v1(C.subdomainDir)}.ipfs.localhost`, '/')
  assert.equal(r.status, 200)
  assert.match(r.body.toString(), /href="\/hello-CIDv1"/)
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a CIDv0 label redirects to the CIDv1 base32 label', async () => {
  const r = await getHost(`${C.subdomainDir}.ipfs.example.com`, '/hello-CIDv0?q=1')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${v1(C.subdomainDir)}.ipfs.example.com/hello-CIDv0?q=1`)
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a CIDv1 label in another base redirects to base32', async () => {
  const r = await getHost(`${CID.parse(C.hello).toString(base36)}.ipfs.example.com`, '/')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${C.hello}.ipfs.example.com/`)
})
check(`${SG} §Host: {cid}.ipfs.{gateway}`, 'a label that is not a CID is 400', async () => {
  assert.equal((await getHost('not-a-cid.ipfs.example.com', '/')).status, 400)
})
check(`${SG} §DNS label limits`, 'a label over 63 characters is 400, in the words the conformance suite looks for', async () => {
  const r = await getHost(`${C.tooLong}.ipfs.example.com`, '/')
  assert.equal(r.status, 400)
  assert.match(r.body.toString(), /CID incompatible with DNS label length limit of 63/)
})
check(`${SG} §DNS label limits`, 'a path redirect for a CID too long for one label is 400, not a broken redirect', async () => {
  const r = await getHost('localhost', `/ipfs/${C.tooLong}`)
  assert.equal(r.status, 400)
  assert.match(r.body.toString(), /CID incompatible with DNS label length limit of 63/)
})
check(`${SG} §Request Headers: Host`, 'an invalid CID on a subdomain gateway is 400 naming the path as asked', async () => {
  const r = await getHost('localhost', '/ipfs/QmInvalidCID')
  assert.equal(r.status, 400)
  assert.match(r.body.toString(), /invalid path "\/ipfs\/QmInvalidCID"/)
})
check(`${SG} §Host: {name}.ipns.{gateway}`, 'a base36 key label serves the name\'s content', async () => {
  const r = await getHost(`${K.peer36}.ipns.example.com`, '/')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
  assert.equal(r.headers.get('x-ipfs-path'), `/ipns/${K.peer36}/`)
})
check(`${SG} §Host: {name}.ipns.{gateway}`, 'a base58 peer ID label redirects to the base36 label', async () => {
  const r = await getHost(`${K.peer}.ipns.example.com`, '/')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${K.peer36}.ipns.example.com/`)
})
check(`${SG} §Host: {name}.ipns.{gateway}`, '/ipns/{peer ID} on a subdomain gateway redirects to {base36}.ipns.{host}', async () => {
  const r = await getHost('localhost', `/ipns/${K.peer}`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `http://${K.peer36}.ipns.localhost/`)
})
check(`${SG} §Host: {name}.ipns.{gateway}`, '/ipns/{domain} redirects to {domain}.ipns.{host} over http', async () => {
  const r = await getHost('localhost', `/ipns/${D.test}/`)
  assert.equal(r.headers.get('location'), `http://${D.test}.ipns.localhost/`)
})
check(`${SG} §DNSLink names inlined into one label`, 'over https the DNSLink name is inlined into one label (- → --, . → -)', async () => {
  const r = await getHost('localhost', `/ipns/${D.subpath}/`, { 'X-Forwarded-Proto': 'https' })
  assert.equal(r.headers.get('location'), 'https://dnslink--subpath-example-org.ipns.localhost/')
})
check(`${SG} §DNSLink names inlined into one label`, 'an inlined label serves the DNSLink name\'s content', async () => {
  const r = await getHost('dnslink--test-example-org.ipns.localhost', '/')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
  assert.equal(r.headers.get('x-ipfs-path'), `/ipns/${D.test}/`)
})
check(`${SG} §Host: {name}.ipns.{gateway}`, 'a DNSLink name as several labels serves its content', async () => {
  assert.equal((await getHost(`${D.test}.ipns.localhost`, '/')).body.toString(), 'hello\n')
})
check(`${SG} §ipfs:// and ipns:// URI router`, '/ipfs/?uri=ipfs://{cid}/{path} redirects (301) to the content path', async () => {
  const r = await get(`/ipfs/?uri=${encodeURIComponent(`ipfs://${C.subdomainDir}/hello-CIDv1`)}`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `/ipfs/${C.subdomainDir}/hello-CIDv1`)
})
check(`${SG} §ipfs:// and ipns:// URI router`, '/ipns/?uri=ipns://{name} redirects to /ipns/{name}', async () => {
  const r = await get(`/ipns/?uri=${encodeURIComponent(`ipns://${D.test}`)}`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `/ipns/${D.test}`)
})
check(`${SG} §ipfs:// and ipns:// URI router`, 'a uri that is not ipfs:// or ipns:// is 400', async () => {
  assert.equal((await get(`/ipfs/?uri=${encodeURIComponent('https://example.org/')}`)).status, 400)
})

// ---------------------------------------------------------------- DNSLink gateway
check(`${DG} §Host`, 'a host with a DNSLink record serves its content at the root', async () => {
  const r = await getHost(D.test, '/')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
})
check(`${DG} §X-Ipfs-Path`, 'X-Ipfs-Path is /ipns/{host}{path}', async () => {
  assert.equal((await getHost(D.test, '/')).headers.get('x-ipfs-path'), `/ipns/${D.test}/`)
})
check(`${DG} §Cache-Control`, 'a DNSLink response is cached for the DNSLink TTL, not as immutable', async () => {
  assert.equal((await getHost(D.test, '/')).headers.get('cache-control'), 'public, max-age=60')
})
check(`${DG} §Host`, 'a listing on a DNSLink host links relative to the host\'s root', async () => {
  const r = await getHost(D.listing, '/')
  assert.equal(r.status, 200)
  assert.match(r.body.toString(), /href="\/ipfs\/"/)
  assert.doesNotMatch(r.body.toString(), new RegExp(`href="/ipfs/${C.listing}`))
})
check(`${DG} §Host`, 'a DNSLink to /ipns/{key} is served on its host', async () => {
  assert.equal((await getHost(D.overIpns, '/')).body.toString(), 'hello\n')
})
check(`${DG} §Host`, 'a DNSLink to a sub-path serves the sub-path at the root', async () => {
  const r = await getHost(D.subpath, '/')
  assert.equal(r.status, 200)
  assert.match(r.headers.get('x-ipfs-roots') ?? '', /bafybeih2w7hjocxjg6g2ku25hvmd53zj7og4txpby3vsusfefw5rrg5sii$/)
})
check(`${DG} §Host`, 'a DNSLink host serves /ipfs/ as a path inside its content, not as a path gateway', async () => {
  assert.equal((await getHost(D.test, `/ipfs/${C.hello}`)).status, 404)
})

// ---------------------------------------------------------------- _redirects
const redirects: Array<[string, string, number, string]> = [
  ['/redirect-one', 'a rule without status is a 301', 301, '/one.html'],
  ['/301-redirect-one', 'an explicit 301', 301, '/one.html'],
  ['/302-redirect-two', 'a 302', 302, '/two.html'],
  ['/posts/2022/06/15/hello-world', 'placeholders fill the target', 301, '/articles/2022/06/15/hello-world'],
  ['/splat/one.html', 'a splat carries the rest of the path', 301, '/redirected-splat/one.html']
]
for (const [path, name, status, location] of redirects) {
  check(`${RF} §Status`, `DNSLink host: ${name} (${path})`, async () => {
    const r = await getHost(D.redirects, path)
    assert.equal(r.status, status)
    assert.equal(r.headers.get('location'), location)
  })
}
const pages: Array<[string, string, number, string]> = [
  ['/200-index', 'a 200 rule rewrites: the target is served at the requested URL', 200, 'my index'],
  ['/not-found/anything', 'a 404 rule serves its page with status 404', 404, 'my 404'],
  ['/gone/anything', 'a 410 rule serves its page with status 410', 410, 'my 410'],
  ['/unavail/anything', 'a 451 rule serves its page with status 451', 451, 'my 451'],
  ['/anything/else', 'a catch-all 200 rule serves index.html', 200, 'my index']
]
for (const [path, name, status, body] of pages) {
  check(`${RF} §Status`, `DNSLink host: ${name} (${path})`, async () => {
    const r = await getHost(D.redirects, path)
    assert.equal(r.status, status)
    assert.equal(r.body.toString().trim(), body)
  })
}
check(`${RF} §No Forced Redirects`, 'a path that exists is served, whatever the rules say', async () => {
  const r = await getHost(D.redirects, '/one.html')
  assert.equal(r.status, 200)
  assert.equal(r.body.toString().trim(), 'my one')
})
check(`${RF} §Evaluation: Subdomain or DNSLink Gateways`, 'the rules apply on a subdomain host too', async () => {
  const r = await getHost(`${v1(C.examples)}.ipfs.localhost`, '/redirect-one')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), '/one.html')
})
check(`${RF} §Evaluation: Subdomain or DNSLink Gateways`, 'the rules do not apply on a path gateway', async () => {
  assert.equal((await get(`/ipfs/${C.examples}/redirect-one`)).status, 404)
})
check(`${RF} §Single-page applications`, 'a SPA\'s `/* /index.html 200` serves index.html for every route', async () => {
  for (const path of ['/', '/some/route', '/deep/er/route?x=1']) {
    const r = await getHost(D.spa, path)
    assert.equal(r.status, 200, path)
    assert.equal(r.body.toString(), 'hello world\n')
  }
})
check(`${RF} §Line Termination`, 'CRLF line endings are read', async () => {
  const r = await getHost(`${v1(C.newlines)}.ipfs.localhost`, '/redirect-one')
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), '/one.html')
})
for (const [cid, what] of [[C.badCodes, 'an unsupported status code'], [C.forced, 'a forced redirect (301!)'], [C.invalid, 'a line that is not a rule'], [C.tooLarge, 'a file over 64 KiB']] as const) {
  check(`${RF} §Error Handling`, `${what} is a 500 with the reason`, async () => {
    const r = await getHost(`${v1(cid)}.ipfs.localhost`, '/missing')
    assert.equal(r.status, 500)
    assert.match(r.body.toString(), /could not parse _redirects:/)
  })
}
check(`${RF} §No Forced Redirects`, 'a forced redirect is refused in the words the conformance suite looks for', async () => {
  assert.match((await getHost(`${v1(C.forced)}.ipfs.localhost`, '/missing')).body.toString(), /forced redirects \(or "shadowing"\) are not supported/)
})
check(`${RF} §Max File Size`, 'a _redirects over 64 KiB is refused in the words the conformance suite looks for', async () => {
  assert.match((await getHost(`${v1(C.tooLarge)}.ipfs.localhost`, '/missing')).body.toString(), /redirects file size cannot exceed/)
})
check(`${RF} §Error Handling`, 'a broken _redirects does not stop existing files being served', async () => {
  const r = await getHost(`${v1(C.badCodes)}.ipfs.localhost`, '/found.html')
  assert.equal(r.status, 200)
})

// ---------------------------------------------------------------- Gateway.* config
check(`${CFG}.PublicGateways`, 'a host with UseSubdomains false serves paths itself', async () => {
  const r = await getHost('paths.example.net', `/ipfs/${C.hello}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello\n')
})
check(`${CFG}.PublicGateways`, 'a namespace not in Paths is 404 on that host', async () => {
  assert.equal((await getHost('paths.example.net', `/ipns/${K.peer36}`)).status, 404)
})
check(`${CFG}.PublicGateways.DeserializedResponses`, 'a trustless-only host answers deserialized requests with 406', async () => {
  assert.equal((await getHost('trustless.example.net', `/ipfs/${C.hello}`)).status, 406)
})
check(`${CFG}.PublicGateways.DeserializedResponses`, 'a trustless-only host serves raw blocks, CARs and IPNS records', async () => {
  assert.equal((await getHost('trustless.example.net', `/ipfs/${C.hello}?format=raw`)).status, 200)
  assert.equal((await getHost('trustless.example.net', `/ipfs/${C.hello}`, { Accept: 'application/vnd.ipld.car' })).status, 200)
  assert.equal((await getHost('trustless.example.net', `/ipns/${K.v2}?format=ipns-record`)).status, 200)
})
check(`${CFG}.HTTPHeaders`, 'configured headers are on every response', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`)).headers.get('x-tsipfs-test'), 'yes')
})
check(`${CFG}.MaxConcurrentRequestsPerClient`, `the ${LIMIT + 1}th request in flight from one client gets 429 with Retry-After; the others finish`, async () => {
  // hold LIMIT large responses open without reading them: each stays in flight
  const held: Array<{ req: ClientRequest, res: IncomingMessage }> = []
  const u = new URL(gatewayUrl())
  for (let i = 0; i < LIMIT; i++) {
    held.push(await new Promise((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: `/ipfs/${bigFile}`, agent: false }, res => {
        res.pause()
        resolve({ req, res })
      })
      req.on('error', reject)
      req.end()
    }))
  }
  try {
    const over = await get(`/ipfs/${C.hello}`)
    assert.equal(over.status, 429)
    assert.equal(over.headers.get('retry-after'), '1')
  } finally {
    for (const { req } of held) req.destroy()
  }
  // released slots are given back
  let ok = 0
  for (let i = 0; i < 50 && ok === 0; i++) {
    if ((await get(`/ipfs/${C.hello}`)).status === 200) ok++
    else await new Promise(resolve => setTimeout(resolve, 20))
  }
  assert.equal(ok, 1)
})

test('gateway: IPNS, DNSLink, subdomains and _redirects against the specs', async (t) => {
  h = await harness(t)
  const refused = await loadFixtures(h)
  // the fixtures' V1-only and broken records are refused: the specs require a valid V2 signature
  assert.deepEqual(refused.map(f => f.split('_')[0]).sort(), [K.brokenV2, 'k51qzi5uqu5dlmit2tuwdvnx4sbnyqgmvbxftl0eo3f33wwtb9gr7yozae9kpw', K.v1only].sort())
  const big = join(h.dir, 'big')
  await writeFile(big, randomBytes(32 * 1024 * 1024))
  bigFile = (await h.ok(['add', '-Q', '--cid-version=1', big])).trim()
  await h.ok(['config', '--json', 'Gateway.PublicGateways', JSON.stringify({
    'example.com': { UseSubdomains: true, Paths: ['/ipfs', '/ipns'] },
    'paths.example.net': { UseSubdomains: false, Paths: ['/ipfs'] },
    'trustless.example.net': { UseSubdomains: false, Paths: ['/ipfs', '/ipns'], DeserializedResponses: false }
  })])
  await h.ok(['config', '--json', 'Gateway.HTTPHeaders', JSON.stringify({ 'X-Tsipfs-Test': ['yes'] })])
  await h.ok(['config', '--json', 'Gateway.MaxConcurrentRequestsPerClient', String(LIMIT)])
  await startDaemon(t, h, ['--offline'], { IPFS_NS_MAP: await nsMap() })
  setGateway((await readFile(join(h.repo, 'gateway'), 'utf8')).trim())
  port = new URL(gatewayUrl()).port
  await checks.run(t)
})
