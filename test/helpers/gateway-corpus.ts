/**
 * The requests that the gateway differential test sends to Kubo and to tsipfs, both loaded with the gateway
 * conformance fixtures: every fixture root in every response format, every IPNS name and DNSLink name, the
 * subdomain and DNSLink hosts, and the edge cases of the path, trustless, subdomain and DNSLink gateway specs
 * and of the _redirects spec (ranges, conditional requests, CAR parameters, filenames, redirects, errors).
 * Each request has a stable id, which the expected-differences list names.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { CarReader } from '@ipld/car'
import { CID } from 'multiformats/cid'
import { base36 } from 'multiformats/bases/base36'
import { FIXTURES } from './gateway.ts'

export interface Probe {
  id: string
  method: string
  path: string
  /** the Host header (`:PORT` stands for the gateway's port); the gateway's own host:port when undefined */
  host?: string
  headers: Record<string, string>
}

async function files (dir: string, ext: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...await files(join(dir, e.name), ext))
    else if (e.name.endsWith(ext)) out.push(join(dir, e.name))
  }
  return out.sort()
}

/** The roots of every fixture CAR */
async function roots (): Promise<string[]> {
  const out = new Set<string>()
  for (const car of await files(FIXTURES, '.car')) {
    const reader = await CarReader.fromBytes(await readFile(car))
    for (const root of await reader.getRoots()) out.add(root.toString())
  }
  return [...out].sort()
}

const v1 = (cid: string): string => CID.parse(cid).toV1().toString()

// fixtures named by the edge cases (the same CIDs as test/e2e/gateway*.test.ts)
const DIR = 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy' // ascii.txt, hello.txt, multiblock.txt
const HELLO = 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4'
const DAG_JSON = 'baguqeeram5ujjqrwheyaty3w5gdsmoz6vittchvhk723jjqxk7hakxkd47xq'
const DAG_CBOR = 'bafyreibs4utpgbn7uqegmd2goqz4bkyflre2ek2iwv743fhvylwi4zeeim'
const HAMT = 'bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i'
const MIXED = 'bafybeidh6k2vzukelqtrjsmd4p52cpmltd2ufqrdtdg6yigi73in672fwu'
const PERCENT = 'bafybeig675grnxcmshiuzdaz2xalm6ef4thxxds6o6ypakpghm5kghpc34'
const SYMLINK = 'QmWvY6FaqFMS89YAQ9NAPjVP4WZKA1qbHbicc9HeSKQTgt'
const MISSING = 'QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk' // 3 KiB file, a block missing
const UNKNOWN = 'QmYzfKSE55XCjD1MW128RfciAf2DViABhEiXfgVFMabSjN' // no block at all
const LISTING = 'bafybeig6ka5mlwkl4subqhaiatalkcleo4jgnr3hqwvpmsqfca27cijp3i' // ą/ę/file-źł.txt
const SUBDOMAIN_DIR = 'QmYiPNLU7Hc739sqcBH5DgVmk5mKTQVzKSqvJJeNGWTgrE'
const SUBDOMAIN_HELLO = 'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am'
const TOO_LONG = 'bafkrgqhhyivzstcz3hhswshfjgy6ertgmnqeleynhwt4dlfsthi4hn7zgh4uvlsb5xncykzapi3ocd4lzogukir6ksdy6wzrnz6ohnv4aglcs'
const EXAMPLES = 'QmYBhLYDwVFvxos9h8CGU2ibaY66QNgv8hpfewxaQrPiZj'
const NEWLINES = 'QmYzMrtPyBv7LKiEAGLLRPtvqm3SjQYLWxwWQ2vnpxQwRd'
const BAD_REDIRECTS = ['QmcBcFnKKqgpCVMxxGsriw9ByTVF6uDdKDMuEBq3m6f1bm', 'QmU7ysGXwAtiV7aBarZASJsxKoKyKmd9Xrz2FFamSCbg8S', 'QmRgpzYQESidTtTojN8zRWjiNs9Cy6o7KHRxh7kDpJm3KH', 'QmQTfvjGmvTfxFpUcZNLdTLuKV227KJkGiN6xooHVeVZAS']
const PEER = '12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d'
const PEER36 = 'k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam'
const RSA = 'QmVujd5Vb7moysJj8itnGufN7MEtPRCNHkKpNuA4onsRa3'
const IPNS_DIR = 'k51qzi5uqu5dlxdsdu5fpuu7h69wu4ohp32iwm9pdt9nq3y5rpn3ln9j12zfhe'

const FORMATS = ['', 'raw', 'car', 'tar', 'dag-json', 'dag-cbor', 'json', 'cbor']
const ACCEPTS = ['application/vnd.ipld.raw', 'application/vnd.ipld.car', 'application/x-tar', 'application/vnd.ipld.dag-json', 'application/vnd.ipld.dag-cbor', 'application/json', 'application/cbor', 'application/vnd.ipfs.ipns-record']

export async function corpus (): Promise<Probe[]> {
  const out: Probe[] = []
  const seen = new Set<string>()
  const add = (method: string, path: string, headers: Record<string, string> = {}, host?: string): void => {
    const id = [method, host ?? '', path, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].filter(s => s !== '').join(' ')
    if (seen.has(id)) return
    seen.add(id)
    out.push({ id, method, path, host, headers })
  }
  const get = (path: string, headers: Record<string, string> = {}, host?: string): void => { add('GET', path, headers, host) }

  // every fixture root in every format (?format= and Accept), and HEAD
  for (const root of await roots()) {
    for (const f of FORMATS) get(`/ipfs/${root}${f === '' ? '' : `?format=${f}`}`)
    add('HEAD', `/ipfs/${root}`)
    add('HEAD', `/ipfs/${root}?format=car`)
  }
  for (const a of ACCEPTS) get(`/ipfs/${DIR}`, { Accept: a })
  for (const a of ACCEPTS) get(`/ipfs/${DAG_JSON}`, { Accept: a })

  // paths inside content
  for (const name of ['hello.txt', 'ascii.txt', 'ascii-copy.txt', 'multiblock.txt', 'nope.txt', 'hello.txt/more']) get(`/ipfs/${DIR}/${name}`)
  get(`/ipfs/${DIR}/`)
  get(`/ipfs/${DIR}?a=b`)
  get(`/ipfs/${HAMT}/686.txt`)
  get(`/ipfs/${HAMT}/`)
  get(`/ipfs/${MIXED}/subdir`)
  get(`/ipfs/${MIXED}/subdir/`)
  get(`/ipfs/${PERCENT}/${encodeURIComponent('Portugal%2C+España=Peninsula Ibérica.txt')}`)
  get(`/ipfs/${SYMLINK}/foo`)
  get(`/ipfs/${SYMLINK}/bar`)
  get(`/ipfs/${DAG_JSON}/foo/link`)
  get(`/ipfs/${DAG_JSON}/foo/object/banana`)
  // paths into a dag-cbor node, through links and ending at fields that are not links (path-gateway.md
  // §Traversing through DAG-JSON and DAG-CBOR): 501 deserialized, the block holding the field as raw or CAR
  for (const rest of ['/foo', '/foo/object/banana', '/foo/link', '/foo/link/bar']) {
    for (const f of FORMATS.filter(f => f !== 'tar')) get(`/ipfs/${DAG_CBOR}${rest}${f === '' ? '' : `?format=${f}`}`)
    add('HEAD', `/ipfs/${DAG_CBOR}${rest}`)
  }
  get(`/ipfs/${DAG_CBOR}/foo/object?format=car&dag-scope=block`)
  get(`/ipfs/${DAG_CBOR}/foo/link/nope`)
  get(`/ipfs/${DAG_CBOR}?format=dag-json`)
  get(`/ipfs/${MISSING}`)
  get('/ipfs/not-a-cid')
  get('/ipfs/')
  get('/ipns/not-a-key')

  // ranges, conditional requests, filenames
  const file = `/ipfs/${DIR}/multiblock.txt`
  for (const range of ['bytes=0-4', 'bytes=200-900', 'bytes=1000-', 'bytes=-10', 'bytes=0-0,10-20', 'bytes=5000-6000', 'bytes=x-y']) {
    get(file, { Range: range })
    get(`/ipfs/${HELLO}?format=raw`, { Range: range })
  }
  get(file, { 'If-None-Match': `"${'bafkreie5noke3mb7hqxukzcy73nl23k6lxszxi5w3dtmuwz62wnvkpsscm'}"` })
  get(`/ipfs/${HELLO}`, { 'If-None-Match': `"${HELLO}"` })
  get(`/ipfs/${HELLO}`, { 'If-None-Match': `W/"${HELLO}"` })
  get(`/ipfs/${HELLO}`, { 'If-None-Match': '*' })
  get(`/ipfs/${HELLO}?format=raw`, { 'If-None-Match': `"${HELLO}.raw"` })
  get(`/ipfs/${DIR}?format=car`, { 'If-None-Match': `"${DIR}.car"` })
  // a range of a file some of whose blocks are missing (outside the range) is still served
  for (const range of ['bytes=997-1000', 'bytes=2200-2201']) get(`/ipfs/${MISSING}`, { Range: range })
  get(`/ipfs/${DIR}/ascii.txt`, { Range: 'bytes=6-16,0-4' })
  get(`/ipfs/${LISTING}/${encodeURIComponent('ą')}/${encodeURIComponent('ę')}`)
  get(`/ipfs/${LISTING}/${encodeURIComponent('ą')}/${encodeURIComponent('ę')}/`)
  get(`/ipfs/${LISTING}/${encodeURIComponent('ą')}/${encodeURIComponent('ę')}/${encodeURIComponent('file-źł.txt')}`)
  get(`/ipfs/${LISTING}/i-do-not-exist`)
  get(`/ipfs/${UNKNOWN}`, { 'Cache-Control': 'only-if-cached' })
  add('HEAD', `/ipfs/${UNKNOWN}`, { 'Cache-Control': 'only-if-cached' })
  get(`/ipfs/${HELLO}`, { 'Cache-Control': 'only-if-cached' })
  add('HEAD', `/ipfs/${HELLO}`, { 'Cache-Control': 'only-if-cached' })
  get(`/ipfs/${MISSING}`, { 'Cache-Control': 'only-if-cached' })
  add('HEAD', `/ipfs/${MISSING}`, { 'Cache-Control': 'only-if-cached' })
  get(`${file}?filename=given.txt`)
  get(`${file}?filename=given.txt&download=true`)
  get(`/ipfs/${HELLO}?filename=${encodeURIComponent('Ibérica.txt')}`)
  get(`/ipfs/${HELLO}?filename=x.json`)
  get(`/ipfs/${HELLO}?format=car&filename=my.car`)
  get(`/ipfs/${DIR}`, { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })
  get(`/ipfs/${HELLO}`, { Accept: 'application/vnd.ipld.unknown' })
  for (const m of ['POST', 'PUT', 'DELETE']) add(m, `/ipfs/${HELLO}`)
  add('OPTIONS', `/ipfs/${HELLO}`, { Origin: 'https://example.net', 'Access-Control-Request-Method': 'GET' })

  // CAR parameters (trustless-gateway: dag-scope, entity-bytes, car version, order, dups)
  for (const q of ['dag-scope=all', 'dag-scope=entity', 'dag-scope=block', 'dag-scope=everything',
    'dag-scope=entity&entity-bytes=0:*', 'dag-scope=entity&entity-bytes=10:500', 'dag-scope=entity&entity-bytes=-500:*',
    'dag-scope=entity&entity-bytes=500:-100', 'dag-scope=entity&entity-bytes=10:5', 'dag-scope=entity&entity-bytes=a:b']) {
    get(`${file}?format=car&${q}`)
  }
  for (const q of ['dag-scope=entity', 'dag-scope=block', 'dag-scope=all']) {
    get(`/ipfs/${DIR}?format=car&${q}`)
    get(`/ipfs/${HAMT}?format=car&${q}`)
    get(`/ipfs/${DIR}/hello.txt?format=car&${q}`)
  }
  for (const p of ['version=1', 'version=2', 'order=dfs', 'order=unk', 'dups=y', 'dups=n', 'dups=maybe', 'version=1; order=dfs; dups=y']) {
    get(`/ipfs/${DIR}`, { Accept: `application/vnd.ipld.car; ${p}` })
  }

  // IPNS names on the path gateway
  for (const record of await files(FIXTURES, '.ipns-record')) {
    const name = (record.split('/').pop() as string).split(/[_.]/)[0] as string
    for (const f of ['', 'raw', 'car', 'ipns-record']) get(`/ipns/${name}${f === '' ? '' : `?format=${f}`}`)
    add('HEAD', `/ipns/${name}`)
  }
  get(`/ipns/${PEER36}?format=ipns-record&filename=${encodeURIComponent('testтест.ipns-record')}`)
  get(`/ipns/${PEER36}`, { Accept: 'application/vnd.ipfs.ipns-record' })
  get(`/ipfs/${DIR}?format=tar&filename=${encodeURIComponent('testтест.tar')}`)
  get(`/ipns/${PEER}/a/b?x=1`)
  get(`/ipns/${CID.parse(PEER36, base36).toString()}`)
  get(`/ipns/${RSA}`)
  get(`/ipns/${IPNS_DIR}/root2`)
  get(`/ipns/${IPNS_DIR}/root2/`)
  get(`/ipns/${PEER36}`, { 'If-None-Match': `"${SUBDOMAIN_HELLO}"` })

  // DNSLink names, on the path gateway and as hosts
  const { domains } = JSON.parse(await readFile(join(FIXTURES, 'dnslinks.json'), 'utf8')) as { domains: Record<string, string> }
  for (const domain of Object.keys(domains).sort()) {
    get(`/ipns/${domain}`)
    get(`/ipns/${domain}/`)
    get(`/ipns/${domain}?format=ipns-record`)
    get('/', {}, domain)
    get(`/ipfs/${SUBDOMAIN_HELLO}`, {}, domain)
    get('/', {}, `${domain.replace(/-/g, '--').replace(/\./g, '-')}.ipns.localhost`)
    get('/', {}, `${domain}.ipns.localhost`)
    get(`/ipns/${domain}/`, {}, 'localhost')
  }

  // subdomain gateway (localhost and example.com are configured with UseSubdomains)
  for (const host of ['localhost', 'example.com']) {
    get(`/ipfs/${SUBDOMAIN_HELLO}`, {}, host)
    get(`/ipfs/${SUBDOMAIN_DIR}/hello-CIDv1?x=1`, {}, host)
    get(`/ipfs/${TOO_LONG}`, {}, host)
    get(`/ipns/${PEER}`, {}, host)
    get(`/ipns/${PEER36}`, {}, host)
    get('/', {}, `${SUBDOMAIN_HELLO}.ipfs.${host}`)
    get('/', {}, `${SUBDOMAIN_DIR}.ipfs.${host}`)
    get('/', {}, `${v1(SUBDOMAIN_DIR)}.ipfs.${host}`)
    get('/testdirlisting', {}, `${v1(SUBDOMAIN_DIR)}.ipfs.${host}`)
    get('/testdirlisting/', {}, `${v1(SUBDOMAIN_DIR)}.ipfs.${host}`)
    get('/hello-CIDv0?q=1', {}, `${v1(SUBDOMAIN_DIR)}.ipfs.${host}`)
    get('/', {}, `${CID.parse(SUBDOMAIN_HELLO).toString(base36)}.ipfs.${host}`)
    get('/', {}, `${TOO_LONG}.ipfs.${host}`)
    get('/', {}, `not-a-cid.ipfs.${host}`)
    get('/', {}, `${PEER36}.ipns.${host}`)
    get('/', {}, `${PEER}.ipns.${host}`)
    get('/?format=raw', {}, `${SUBDOMAIN_HELLO}.ipfs.${host}`)
    get('/', { Accept: 'application/vnd.ipld.car' }, `${SUBDOMAIN_HELLO}.ipfs.${host}`)
    get(`/ipfs/${SUBDOMAIN_HELLO}`, { 'X-Forwarded-Proto': 'https' }, host)
    get(`/ipns/${Object.keys(domains)[0] as string}`, { 'X-Forwarded-Proto': 'https' }, host)
  }
  // as the conformance suite sends them: the subdomain gateway at localhost with the gateway's port
  get(`/ipfs/${PERCENT}/Portugal%252C+Espa%C3%B1a=Peninsula%20Ib%C3%A9rica.txt`, {}, 'localhost:PORT')
  get(`/ipfs/${SUBDOMAIN_HELLO}/`, { 'X-Forwarded-Proto': 'https' }, 'localhost:PORT')
  get(`/ipfs/${SUBDOMAIN_HELLO}`, {}, 'fake.domain.com')
  get(`/ipfs/${SUBDOMAIN_HELLO}`, { 'X-Forwarded-Host': 'localhost:PORT' }, 'fake.domain.com')
  get(`/ipfs/${SUBDOMAIN_HELLO}`, { 'X-Forwarded-Host': 'localhost:PORT', 'X-Forwarded-Proto': 'https' }, 'fake.domain.com')
  get(`/${encodeURIComponent('ą')}/${encodeURIComponent('ę')}`, {}, `${LISTING}.ipfs.localhost:PORT`)
  get(`/${encodeURIComponent('ą')}/${encodeURIComponent('ę')}/`, {}, `${LISTING}.ipfs.localhost:PORT`)
  get('/', {}, `${LISTING}.ipfs.localhost:PORT`)
  // a key as a dag-pb CIDv1 label redirects to its libp2p-key label; /ipns/{key} on a subdomain gateway
  for (const key of [RSA, PEER]) {
    get('/', {}, `${CID.createV1(0x70, CID.parse(key.startsWith('Qm') ? key : CID.parse(PEER36, base36).toString()).multihash).toString(base36)}.ipns.localhost:PORT`)
    get(`/ipns/${key}`, {}, 'localhost:PORT')
  }
  get('/ipns/en.wikipedia-on-ipfs.example.org/wiki/', {}, 'localhost:PORT')
  get('/ipns/en.wikipedia-on-ipfs.example.org/wiki/', { 'X-Forwarded-Proto': 'https' }, 'localhost:PORT')
  get('/', { 'X-Forwarded-Host': `${SUBDOMAIN_HELLO}.ipfs.example.com` })
  get(`/ipfs/${SUBDOMAIN_HELLO}`, { 'X-Forwarded-Host': 'example.com' })
  get(`/ipfs/?uri=${encodeURIComponent(`ipfs://${SUBDOMAIN_DIR}/hello-CIDv1`)}`)
  get(`/ipns/?uri=${encodeURIComponent(`ipns://${Object.keys(domains)[0] as string}`)}`)
  get(`/ipfs/?uri=${encodeURIComponent('https://example.org/')}`)

  // _redirects (web-redirects-file): on a subdomain origin and a DNSLink host, not on the path gateway
  const origin = `${v1(EXAMPLES)}.ipfs.localhost`
  for (const path of ['/redirect-one', '/301-redirect-one', '/302-redirect-two', '/200-index', '/posts/2022/06/15/hello-world',
    '/splat/one.html', '/not-found/anything', '/gone/anything', '/unavail/anything', '/anything/else', '/one.html', '/redirect-one?x=1']) {
    get(path, {}, origin)
  }
  get('/redirect-one', {}, `${v1(NEWLINES)}.ipfs.localhost`)
  for (const cid of BAD_REDIRECTS) {
    get('/missing', {}, `${v1(cid)}.ipfs.localhost`)
    get('/found.html', {}, `${v1(cid)}.ipfs.localhost`)
  }
  get(`/ipfs/${EXAMPLES}/redirect-one`)
  for (const path of ['/', '/some/route', '/deep/er/route?x=1']) get(path, {}, 'dnslink-enabled-with-spa.example.org')
  return out
}
