/**
 * The gateway against the IPFS HTTP gateway specs (ipfs/specs src/http-gateways), with the conformance
 * suite's fixtures (../shared/fixtures/gateway-conformance) imported into an offline daemon. Every check
 * names the spec section it checks.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { harness, type Harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { sha256 } from 'multiformats/hashes/sha2'
import { Checks, carBlocks, get, gatewayUrl, loadFixtures, setGateway, type Got } from '../helpers/gateway.ts'

const C = {
  dir: 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy', // ascii.txt, ascii-copy.txt, hello.txt, multiblock.txt
  hello: 'bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4',
  ascii: 'bafkreifkam6ns4aoolg3wedr4uzrs3kvq66p4pecirz6y2vlrngla62mxm',
  multiblock: 'bafybeigcisqd7m5nf3qmuvjdbakl5bdnh4ocrmacaqkpuh77qjvggmt2sa',
  percent: 'bafybeig675grnxcmshiuzdaz2xalm6ef4thxxds6o6ypakpghm5kghpc34',
  symlink: 'QmWvY6FaqFMS89YAQ9NAPjVP4WZKA1qbHbicc9HeSKQTgt',
  listing: 'bafybeig6ka5mlwkl4subqhaiatalkcleo4jgnr3hqwvpmsqfca27cijp3i',
  dagPb: 'bafybeiegxwlgmoh2cny7qlolykdf7aq7g6dlommarldrbm7c4hbckhfcke',
  dagCbor: 'bafyreibs4utpgbn7uqegmd2goqz4bkyflre2ek2iwv743fhvylwi4zeeim',
  dagJson: 'baguqeeram5ujjqrwheyaty3w5gdsmoz6vittchvhk723jjqxk7hakxkd47xq',
  plainJson: 'bagaaierajjsnhsxqlgfrvknlt7z2heoljcgfv37cn45tu7mhmr23x3ekiboq',
  plainCbor: 'bafireif3aymeikgfbofx533yf5vlx4kimzq6zmzmpra2mnzfsfnmv4hchm',
  hamt: 'bafybeidbclfqleg2uojchspzd4bob56dqetqjsj27gy2cq3klkkgxtpn4i',
  mixed: 'bafybeidh6k2vzukelqtrjsmd4p52cpmltd2ufqrdtdg6yigi73in672fwu',
  missing: 'QmYhmPjhFjYFyaoiuNzYv8WGavpSRDwdHWe5B4M5du5Rtk',
  rawBlock: 'bafybeie72edlprgtlwwctzljf6gkn2wnlrddqjbkxo3jomh4n7omwblxly'
}

let h: Harness
const checks = new Checks()
const check = checks.add.bind(checks)

// ---------------------------------------------------------------- path-gateway: files
const PG = 'path-gateway.md'
for (const [name, cid, bytes] of [['hello.txt', C.hello, 12], ['ascii.txt', C.ascii, 31], ['multiblock.txt', C.multiblock, 1026]] as const) {
  const path = `/ipfs/${C.dir}/${name}`
  check(`${PG} §GET /ipfs/{cid}[/{path}]`, `${name}: 200 with the file's bytes`, async () => {
    const r = await get(path)
    assert.equal(r.status, 200)
    assert.equal(r.body.byteLength, bytes)
    assert.ok(r.body.equals(Buffer.from(await h.run(['cat', path]).then(x => x.stdoutBytes))))
  })
  check(`${PG} §Etag (response header)`, `${name}: Etag is the quoted CID`, async () => {
    assert.equal((await get(path)).headers.get('etag'), `"${cid}"`)
  })
  check(`${PG} §Cache-Control (response header)`, `${name}: immutable for /ipfs/`, async () => {
    assert.equal((await get(path)).headers.get('cache-control'), 'public, max-age=29030400, immutable')
  })
  check(`${PG} §X-Ipfs-Path (response header)`, `${name}: X-Ipfs-Path is the request path`, async () => {
    assert.equal((await get(path)).headers.get('x-ipfs-path'), path)
  })
  check(`${PG} §X-Ipfs-Roots (response header)`, `${name}: X-Ipfs-Roots lists the CIDs along the path`, async () => {
    assert.equal((await get(path)).headers.get('x-ipfs-roots'), `${C.dir},${cid}`)
  })
  check(`${PG} §Content-Type (response header)`, `${name}: text/plain from the .txt extension`, async () => {
    assert.equal((await get(path)).headers.get('content-type'), 'text/plain; charset=utf-8')
  })
  check(`${PG} §Content-Length (response header)`, `${name}: Content-Length is the file size`, async () => {
    assert.equal((await get(path)).headers.get('content-length'), String(bytes))
  })
  check(`${PG} §HEAD /ipfs/{cid}[/{path}]`, `${name}: HEAD has the GET headers and no body`, async () => {
    const r = await get(path, { method: 'HEAD' })
    assert.equal(r.status, 200)
    assert.equal(r.body.byteLength, 0)
    assert.equal(r.headers.get('etag'), `"${cid}"`)
    assert.equal(r.headers.get('content-length'), String(bytes))
  })
  check(`${PG} §If-None-Match (request header)`, `${name}: a matching Etag gives 304`, async () => {
    const r = await get(path, { headers: { 'If-None-Match': `"${cid}"` } })
    assert.equal(r.status, 304)
    assert.equal(r.body.byteLength, 0)
  })
  check(`${PG} §If-None-Match (request header)`, `${name}: a weak or listed Etag matches too`, async () => {
    assert.equal((await get(path, { headers: { 'If-None-Match': `"other", W/"${cid}"` } })).status, 304)
  })
  check(`${PG} §If-None-Match (request header)`, `${name}: another Etag gives 200`, async () => {
    assert.equal((await get(path, { headers: { 'If-None-Match': '"bafkqaaa"' } })).status, 200)
  })
  check(`${PG} §Range (request header)`, `${name}: bytes=0-4 gives 206 with Content-Range`, async () => {
    const r = await get(path, { headers: { Range: 'bytes=0-4' } })
    assert.equal(r.status, 206)
    assert.equal(r.headers.get('content-range'), `bytes 0-4/${bytes}`)
    assert.equal(r.body.byteLength, 5)
  })
  check(`${PG} §Range (request header)`, `${name}: a suffix range (bytes=-3) gives the last 3 bytes`, async () => {
    const full = (await get(path)).body
    const r = await get(path, { headers: { Range: 'bytes=-3' } })
    assert.equal(r.status, 206)
    assert.ok(r.body.equals(full.subarray(bytes - 3)))
  })
  check(`${PG} §Range (request header)`, `${name}: an open range (bytes=5-) runs to the end`, async () => {
    const full = (await get(path)).body
    const r = await get(path, { headers: { Range: 'bytes=5-' } })
    assert.equal(r.headers.get('content-range'), `bytes 5-${bytes - 1}/${bytes}`)
    assert.ok(r.body.equals(full.subarray(5)))
  })
  check(`${PG} §Range (request header)`, `${name}: a range past the end gives 416`, async () => {
    const r = await get(path, { headers: { Range: `bytes=${bytes + 10}-${bytes + 20}` } })
    assert.equal(r.status, 416)
    assert.equal(r.headers.get('content-range'), `bytes */${bytes}`)
  })
  check(`${PG} §Range (request header)`, `${name}: two ranges give multipart/byteranges`, async () => {
    const full = (await get(path)).body
    const r = await get(path, { headers: { Range: 'bytes=0-1,4-6' } })
    assert.equal(r.status, 206)
    assert.match(r.headers.get('content-type') ?? '', /^multipart\/byteranges; boundary=/)
    const text = r.body.toString('latin1')
    assert.ok(text.includes(`Content-Range: bytes 0-1/${bytes}`) && text.includes(`Content-Range: bytes 4-6/${bytes}`))
    assert.ok(text.includes(full.subarray(4, 7).toString('latin1')))
  })
  check(`${PG} §filename (request query parameter)`, `${name}: ?filename= sets an inline Content-Disposition`, async () => {
    const r = await get(`${path}?filename=given.txt`)
    assert.equal(r.headers.get('content-disposition'), 'inline; filename="given.txt"; filename*=UTF-8\'\'given.txt')
  })
  check(`${PG} §download (request query parameter)`, `${name}: ?download=true makes it an attachment`, async () => {
    const r = await get(`${path}?filename=given.txt&download=true`)
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="given.txt"/)
  })
}

check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'a bare raw CID serves its bytes', async () => {
  const r = await get(`/ipfs/${C.hello}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.toString(), 'hello world\n')
  assert.equal(r.headers.get('x-ipfs-roots'), C.hello)
})
check(`${PG} §Content-Type (response header)`, 'no extension: sniffed from the bytes (text)', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`)).headers.get('content-type'), 'text/plain; charset=utf-8')
})
check(`${PG} §Content-Type (response header)`, '?filename= with an extension sets the type', async () => {
  assert.equal((await get(`/ipfs/${C.hello}?filename=x.json`)).headers.get('content-type'), 'application/json')
})
check(`${PG} §Content-Disposition (response header)`, 'non-ASCII names: ASCII fallback plus UTF-8 filename*', async () => {
  const r = await get(`/ipfs/${C.hello}?filename=${encodeURIComponent('Ibérica.txt')}`)
  assert.equal(r.headers.get('content-disposition'), 'inline; filename="Ib_rica.txt"; filename*=UTF-8\'\'Ib%C3%A9rica.txt')
})
check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'percent-encoded names in the path resolve', async () => {
  const r = await get(`/ipfs/${C.percent}/${encodeURIComponent('Portugal%2C+España=Peninsula Ibérica.txt')}`)
  assert.equal(r.status, 200)
  assert.equal(r.body.byteLength, 38)
})
check(`${PG} §Accept-Ranges (response header)`, 'files advertise byte ranges', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/hello.txt`)).headers.get('accept-ranges'), 'bytes')
})
check(`${PG} §Range (request header)`, 'a range inside a multi-block file crosses leaves correctly', async () => {
  const full = (await get(`/ipfs/${C.dir}/multiblock.txt`)).body
  const r = await get(`/ipfs/${C.dir}/multiblock.txt`, { headers: { Range: 'bytes=200-900' } })
  assert.ok(r.body.equals(full.subarray(200, 901)))
})
check(`${PG} §Range (request header)`, 'a malformed Range header is ignored (200, whole file)', async () => {
  const r = await get(`/ipfs/${C.dir}/hello.txt`, { headers: { Range: 'bytes=x-y' } })
  assert.equal(r.status, 200)
  assert.equal(r.body.byteLength, 12)
})

// symlinks
check(`${PG} §UnixFS symlinks`, 'a symlink is served as itself: inode/symlink with its target', async () => {
  const r = await get(`/ipfs/${C.symlink}/bar`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'inode/symlink')
  assert.equal(r.body.toString(), 'foo')
})
check(`${PG} §UnixFS symlinks`, 'the symlink target file is served normally', async () => {
  assert.equal((await get(`/ipfs/${C.symlink}/foo`)).body.toString(), 'content\n')
})

// ---------------------------------------------------------------- path-gateway: directories
const listingPath = `/ipfs/${C.dir}/`
check(`${PG} §Location (response header)`, 'a directory without a trailing slash redirects (301) to it', async () => {
  const r = await get(`/ipfs/${C.dir}`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `/ipfs/${C.dir}/`)
})
check(`${PG} §Location (response header)`, 'the redirect keeps the query string', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?a=b`)).headers.get('location'), `/ipfs/${C.dir}/?a=b`)
})
check(`${PG} §Location (response header)`, 'a subdirectory redirects too', async () => {
  const r = await get(`/ipfs/${C.mixed}/subdir`)
  assert.equal(r.status, 301)
  assert.equal(r.headers.get('location'), `/ipfs/${C.mixed}/subdir/`)
})
check(`${PG} §Generated HTML with directory index`, 'a directory without index.html is an HTML listing', async () => {
  const r = await get(listingPath)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'text/html')
})
for (const name of ['ascii.txt', 'ascii-copy.txt', 'hello.txt', 'multiblock.txt']) {
  check(`${PG} §Generated HTML with directory index`, `the listing names ${name} with a link`, async () => {
    const html = (await get(listingPath)).body.toString()
    assert.ok(html.includes(`href="${listingPath}${name}"`), html)
  })
}
check(`${PG} §Generated HTML with directory index`, 'the listing shows each entry\'s CID and size', async () => {
  const html = (await get(listingPath)).body.toString()
  assert.ok(html.includes(`/ipfs/${C.hello}?filename=hello.txt`))
  assert.ok(html.includes('12 B'))
  assert.ok(html.includes('1.0 KB'))
})
check(`${PG} §Generated HTML with directory index`, 'the listing is readable on a phone (viewport meta)', async () => {
  assert.match((await get(listingPath)).body.toString(), /<meta name="viewport" content="width=device-width, initial-scale=1">/)
})
check(`${PG} §Generated HTML with directory index`, 'names are HTML-escaped', async () => {
  const html = (await get(`/ipfs/${C.listing}/`)).body.toString()
  assert.ok(html.includes('ą'))
  assert.ok(!/<script/i.test(html))
})
check(`${PG} §Generated HTML with directory index`, 'subdirectories are marked and link with a slash', async () => {
  const html = (await get(`/ipfs/${C.listing}/`)).body.toString()
  assert.ok(html.includes(`href="/ipfs/${C.listing}/api/">api/</a>`), html)
})
check(`${PG} §Generated HTML with directory index`, 'a nested listing links to its parent', async () => {
  const html = (await get(`/ipfs/${C.mixed}/subdir/`)).body.toString()
  assert.ok(html.includes('href=".."'))
})
check(`${PG} §Etag (response header)`, 'a listing has a weak Etag naming the directory CID', async () => {
  assert.match((await get(listingPath)).headers.get('etag') ?? '', new RegExp(`^"DirIndex-.*_CID-${C.dir}"$`))
})
check(`${PG} §If-None-Match (request header)`, 'the listing Etag gives 304', async () => {
  const etag = (await get(listingPath)).headers.get('etag') as string
  assert.equal((await get(listingPath, { headers: { 'If-None-Match': etag } })).status, 304)
})
check(`${PG} §X-Ipfs-Roots (response header)`, 'a listing has X-Ipfs-Roots', async () => {
  assert.equal((await get(`/ipfs/${C.mixed}/subdir/`)).headers.get('x-ipfs-roots'), `${C.mixed},bafybeicnmple4ehlz3ostv2sbojz3zhh5q7tz5r2qkfdpqfilgggeen7xm`)
})
check(`${PG} §Cache-Control (response header)`, 'a listing of /ipfs/ is generated HTML: cached for a week, not as immutable', async () => {
  assert.equal((await get(listingPath)).headers.get('cache-control'), 'public, max-age=604800, stale-while-revalidate=2678400')
})
check(`${PG} §HEAD /ipfs/{cid}[/{path}]`, 'HEAD of a listing: headers, no body', async () => {
  const r = await get(listingPath, { method: 'HEAD' })
  assert.equal(r.status, 200)
  assert.equal(r.body.byteLength, 0)
  assert.equal(r.headers.get('content-type'), 'text/html')
})
check(`${PG} §Generated HTML with directory index`, 'a HAMT-sharded directory lists all its entries', async () => {
  const html = (await get(`/ipfs/${C.hamt}/`)).body.toString()
  const names = [...html.matchAll(/>(\d+\.txt)<\/a>/g)].map(m => m[1])
  assert.equal(names.length, 1000)
})
check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'a file inside a HAMT directory resolves', async () => {
  const r = await get(`/ipfs/${C.hamt}/686.txt`)
  assert.equal(r.status, 200)
  assert.equal(r.body.byteLength, 1026)
})

// ---------------------------------------------------------------- errors and status codes
check(`${PG} §400 Bad Request`, 'an invalid CID is 400', async () => {
  assert.equal((await get('/ipfs/not-a-cid')).status, 400)
})
check(`${PG} §400 Bad Request`, 'an empty CID is 400', async () => {
  assert.equal((await get('/ipfs/')).status, 400)
})
check(`${PG} §404 Not Found`, 'a missing name in a directory is 404', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/nope.txt`)).status, 404)
})
check(`${PG} §404 Not Found`, 'a path through a file is 404', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/hello.txt/more`)).status, 404)
})
check(`${PG} §404 Not Found`, 'a CID with no local block (offline) is 404', async () => {
  assert.equal((await get('/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')).status, 404)
})
check(`${PG} §404 Not Found`, 'error bodies are text, not HTML, for scripts', async () => {
  assert.match((await get(`/ipfs/${C.dir}/nope.txt`)).headers.get('content-type') ?? '', /^text\/plain/)
})
check(`${PG} §Response headers`, 'errors carry no immutable caching', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/nope.txt`)).headers.get('cache-control'), null)
})
check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'a missing block inside a file is not a silent success', async () => {
  const r = await fetch(`${gatewayUrl()}/ipfs/${C.missing}`).then(async res => ({ status: res.status, text: await res.text().catch(() => 'aborted') })).catch(() => ({ status: 0, text: 'aborted' }))
  assert.ok(r.status !== 200 || r.text === 'aborted' || r.text.length < 3072, `status ${r.status}`)
})
check('path-gateway.md §Only GET and HEAD', 'POST is 405 with Allow', async () => {
  const r = await get(`/ipfs/${C.hello}`, { method: 'POST' })
  assert.equal(r.status, 405)
  assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS')
})
check('path-gateway.md §Only GET and HEAD', 'PUT and DELETE are 405: the gateway never writes', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`, { method: 'PUT', body: 'x' })).status, 405)
  assert.equal((await get(`/ipfs/${C.hello}`, { method: 'DELETE' })).status, 405)
})
check('path-gateway.md §GET /ipfs/{cid}[/{path}]', 'the gateway does not serve /api/v0', async () => {
  assert.equal((await get('/api/v0/version', { method: 'POST' })).status, 405)
  assert.equal((await get('/api/v0/version')).status, 404)
})
check('path-gateway.md §GET /ipfs/{cid}[/{path}]', 'paths outside /ipfs/ and /ipns/ are 404', async () => {
  assert.equal((await get('/something')).status, 404)
})
check(`${PG} §Cache-Control (request header): only-if-cached`, 'present content with only-if-cached is served', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`, { headers: { 'Cache-Control': 'only-if-cached' } })).status, 200)
})
check(`${PG} §Cache-Control (request header): only-if-cached`, 'absent content with only-if-cached is 412', async () => {
  assert.equal((await get('/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', { headers: { 'Cache-Control': 'only-if-cached' } })).status, 412)
})
check(`${PG} §Cache-Control (request header): only-if-cached`, 'HEAD with only-if-cached tells presence without a body', async () => {
  const r = await get(`/ipfs/${C.hello}`, { method: 'HEAD', headers: { 'Cache-Control': 'only-if-cached' } })
  assert.equal(r.status, 200)
  assert.equal(r.body.byteLength, 0)
})
check('path-gateway.md §CORS', 'GET responses allow any origin', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`, { headers: { Origin: 'https://example.net' } })).headers.get('access-control-allow-origin'), '*')
})
check('path-gateway.md §CORS', 'OPTIONS preflight answers with the allowed methods and headers', async () => {
  const r = await get(`/ipfs/${C.hello}`, { method: 'OPTIONS', headers: { Origin: 'https://example.net', 'Access-Control-Request-Method': 'GET' } })
  assert.equal(r.status, 200)
  assert.match(r.headers.get('access-control-allow-methods') ?? '', /GET/)
  assert.match(r.headers.get('access-control-allow-headers') ?? '', /Range/)
})
check('path-gateway.md §CORS', 'IPFS headers are exposed to scripts', async () => {
  const exposed = (await get(`/ipfs/${C.hello}`)).headers.get('access-control-expose-headers') ?? ''
  for (const hname of ['X-Ipfs-Path', 'X-Ipfs-Roots', 'Content-Range']) assert.ok(exposed.includes(hname), hname)
})

// ---------------------------------------------------------------- trustless: raw blocks
const TG = 'trustless-gateway.md'
for (const [how, init, q] of [['?format=raw', {}, '?format=raw'], ['Accept: application/vnd.ipld.raw', { headers: { Accept: 'application/vnd.ipld.raw' } }, '']] as const) {
  for (const [label, path, cid] of [['a raw leaf', `/ipfs/${C.hello}`, C.hello], ['a dag-pb directory', `/ipfs/${C.dir}`, C.dir], ['a path to a block', `/ipfs/${C.dir}/multiblock.txt`, C.multiblock], ['a dag-cbor block', `/ipfs/${C.dagCbor}`, C.dagCbor]] as const) {
    check(`${TG} §Block Responses (application/vnd.ipld.raw)`, `${how}: ${label} is the block's exact bytes`, async () => {
      const r = await get(path + q, init)
      assert.equal(r.status, 200)
      const c = CID.parse(cid)
      if (c.multihash.code === sha256.code) assert.deepEqual((await sha256.digest(r.body)).bytes, c.multihash.bytes)
    })
    check(`${TG} §Block Responses (application/vnd.ipld.raw)`, `${how}: ${label} has Content-Type application/vnd.ipld.raw`, async () => {
      assert.equal((await get(path + q, init)).headers.get('content-type'), 'application/vnd.ipld.raw')
    })
  }
}
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'raw responses are attachments named {cid}.bin', async () => {
  assert.match((await get(`/ipfs/${C.hello}?format=raw`)).headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${C.hello}.bin"`))
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'raw responses forbid sniffing', async () => {
  assert.equal((await get(`/ipfs/${C.hello}?format=raw`)).headers.get('x-content-type-options'), 'nosniff')
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'raw Etag is "{cid}.raw"', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=raw`)).headers.get('etag'), `"${C.dir}.raw"`)
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'raw responses are immutable', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=raw`)).headers.get('cache-control'), 'public, max-age=29030400, immutable')
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'a directory block is not redirected when asked raw', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=raw`)).status, 200)
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'the gateway conformance raw block fixture is served', async () => {
  assert.equal((await get(`/ipfs/${C.rawBlock}?format=raw`)).status, 200)
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'If-None-Match with the raw Etag is 304', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=raw`, { headers: { 'If-None-Match': `"${C.dir}.raw"` } })).status, 304)
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'Range works on a raw block', async () => {
  const r = await get(`/ipfs/${C.hello}?format=raw`, { headers: { Range: 'bytes=0-4' } })
  assert.equal(r.status, 206)
  assert.equal(r.body.toString(), 'hello')
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'a missing block is 404', async () => {
  assert.equal((await get('/ipfs/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy?format=raw')).status, 404)
})

// ---------------------------------------------------------------- trustless: CAR
const carOf = async (path: string, init: RequestInit = {}): Promise<Got & { roots: string[], cids: string[] }> => {
  const r = await get(path, init)
  assert.equal(r.status, 200, `${path}: ${r.body.toString()}`)
  return { ...r, ...await carBlocks(r.body) }
}
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, '?format=car returns a CARv1 whose root is the path root', async () => {
  const r = await carOf(`/ipfs/${C.dir}?format=car`)
  assert.deepEqual(r.roots, [C.dir])
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'Accept: application/vnd.ipld.car works like ?format=car', async () => {
  const r = await carOf(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car' } })
  assert.deepEqual(r.roots, [C.dir])
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'Content-Type names version, order and dups', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=car`)).headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=n')
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'CAR responses are attachments named {cid}.car', async () => {
  assert.match((await get(`/ipfs/${C.dir}?format=car`)).headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${C.dir}.car"`))
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'CAR responses forbid sniffing and have a weak Etag', async () => {
  const r = await get(`/ipfs/${C.dir}?format=car`)
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff')
  assert.match(r.headers.get('etag') ?? '', /^W\//)
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'CAR responses of /ipfs/ are immutable', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=car`)).headers.get('cache-control'), 'public, max-age=29030400, immutable')
})
check(`${TG} §dag-scope=all`, 'the default scope is the whole DAG, depth-first, each block once', async () => {
  const r = await carOf(`/ipfs/${C.dir}?format=car`)
  assert.equal(r.cids[0], C.dir)
  assert.equal(new Set(r.cids).size, r.cids.length)
  assert.ok(r.cids.includes(C.hello) && r.cids.includes(C.ascii) && r.cids.includes(C.multiblock))
})
check(`${TG} §dag-scope=all`, 'every block of a multi-block file is included', async () => {
  const r = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car`)
  const refs = (await h.ok(['refs', '-r', '-u', C.multiblock])).trim().split('\n')
  for (const ref of refs) assert.ok(r.cids.includes(CID.parse(ref).toV1().toString()) || r.cids.includes(ref), ref)
})
check(`${TG} §dag-scope=all`, 'the blocks proving the path come first', async () => {
  const r = await carOf(`/ipfs/${C.mixed}/subdir/hello.txt?format=car`)
  // the header names the terminal element, as Kubo's does (trustless-gateway.md §CAR roots leaves it open)
  assert.deepEqual(r.roots, [C.hello])
  assert.equal(r.cids[0], C.mixed)
  assert.equal(r.cids[1], 'bafybeicnmple4ehlz3ostv2sbojz3zhh5q7tz5r2qkfdpqfilgggeen7xm')
  assert.equal(r.cids.at(-1), C.hello)
})
check(`${TG} §dag-scope=block`, 'dag-scope=block is the path blocks plus the terminal block only', async () => {
  const r = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=block`)
  assert.deepEqual(r.cids, [C.dir, C.multiblock])
})
check(`${TG} §dag-scope=block`, 'dag-scope=block of a directory is its one block', async () => {
  assert.deepEqual((await carOf(`/ipfs/${C.dir}?format=car&dag-scope=block`)).cids, [C.dir])
})
check(`${TG} §dag-scope=entity`, 'entity of a file is all of the file', async () => {
  const all = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car`)
  const entity = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity`)
  assert.deepEqual(entity.cids, all.cids)
})
check(`${TG} §dag-scope=entity`, 'entity of a directory is the directory block, not its children', async () => {
  assert.deepEqual((await carOf(`/ipfs/${C.dir}?format=car&dag-scope=entity`)).cids, [C.dir])
})
check(`${TG} §dag-scope=entity`, 'entity of a HAMT directory is its shard nodes, not its entries', async () => {
  const r = await carOf(`/ipfs/${C.hamt}?format=car&dag-scope=entity`)
  assert.ok(!r.cids.includes(C.multiblock))
  assert.equal(r.cids[0], C.hamt)
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'a path that does not exist: 200, root bafkqaaa, the blocks proving it is not there (as Kubo)', async () => {
  const r = await carOf(`/ipfs/${C.mixed}/subdir/nothing-here?format=car`)
  assert.equal(r.status, 200)
  assert.deepEqual(r.roots, ['bafkqaaa'])
  assert.deepEqual(r.cids, [C.mixed, 'bafybeicnmple4ehlz3ostv2sbojz3zhh5q7tz5r2qkfdpqfilgggeen7xm'])
  assert.equal(r.headers.get('x-ipfs-roots'), C.mixed)
  assert.match(r.headers.get('content-disposition') ?? '', new RegExp(`filename="${C.mixed}_nothing-here.car"`))
  // below a file: the file's root block shows it has no links
  assert.deepEqual((await carOf(`/ipfs/${C.dir}/multiblock.txt/deeper?format=car`)).cids, [C.dir, C.multiblock])
  // in a HAMT directory: its shard nodes, and none of its entries
  const hamt = await carOf(`/ipfs/${C.hamt}/nothing-here.txt?format=car`)
  assert.equal(hamt.cids[0], C.hamt)
  assert.ok(hamt.cids.length > 1 && !hamt.cids.includes(C.multiblock), hamt.cids.join(' '))
  // a missing path without format=car stays a 404
  assert.equal((await get(`/ipfs/${C.mixed}/subdir/nothing-here`)).status, 404)
})
check(`${TG} §dag-scope=entity`, 'entity of a raw block is that block', async () => {
  assert.deepEqual((await carOf(`/ipfs/${C.hello}?format=car&dag-scope=entity`)).cids, [C.hello])
})
check(`${TG} §entity-bytes`, 'entity-bytes=0:* is the whole file', async () => {
  const all = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity`)
  assert.deepEqual((await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=0:*`)).cids, all.cids)
})
check(`${TG} §entity-bytes`, 'entity-bytes=0:0 is the root and the first leaf only', async () => {
  const r = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=0:0`)
  const all = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity`)
  assert.equal(r.cids.length, 3) // the directory proving the path, the file root, its first leaf
  assert.deepEqual(r.cids, all.cids.slice(0, 3))
})
check(`${TG} §entity-bytes`, 'a negative from counts from the end (-1:* is the last leaf)', async () => {
  const r = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=-1:*`)
  const all = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity`)
  assert.deepEqual(r.cids, [...all.cids.slice(0, 2), all.cids.at(-1)])
})
check(`${TG} §entity-bytes`, 'a range past the end is clipped, not an error', async () => {
  const r = await carOf(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=1000:99999`)
  assert.ok(r.cids.length >= 3)
})
check(`${TG} §entity-bytes`, 'a malformed entity-bytes is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=a:b`)).status, 400)
})
check(`${TG} §entity-bytes`, 'from after to is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/multiblock.txt?format=car&dag-scope=entity&entity-bytes=10:5`)).status, 400)
})
check(`${TG} §dups`, 'dups=n (default): a block linked twice is sent once', async () => {
  const r = await carOf(`/ipfs/${C.dir}?format=car`)
  assert.equal(r.cids.filter(c => c === C.ascii).length, 1)
})
check(`${TG} §dups`, 'dups=y: a block linked twice is sent twice, and the Content-Type says so', async () => {
  const r = await carOf(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' } })
  assert.equal(r.cids.filter(c => c === C.ascii).length, 2)
  assert.equal(r.headers.get('content-type'), 'application/vnd.ipld.car; version=1; order=dfs; dups=y')
})
check(`${TG} §dups`, 'an unknown dups value is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car; dups=maybe' } })).status, 400)
})
check(`${TG} §order`, 'order=unk may be answered with dfs', async () => {
  assert.match((await get(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car; order=unk' } })).headers.get('content-type') ?? '', /order=dfs/)
})
check(`${TG} §order`, 'an unknown order is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car; order=random' } })).status, 400)
})
check(`${TG} §version`, 'version=2 is not offered: 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}`, { headers: { Accept: 'application/vnd.ipld.car; version=2' } })).status, 400)
})
check(`${TG} §dag-scope`, 'an unknown dag-scope is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=car&dag-scope=everything`)).status, 400)
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'a CAR of a dag-cbor DAG follows its links', async () => {
  const r = await carOf(`/ipfs/${C.dagCbor}?format=car`)
  assert.ok(r.cids.includes('bafyreig5alecq2l2akgajxywgnv22kuxh6xcagsnelepylqovt4t5jxt6u'))
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'a path through dag-cbor links resolves for a CAR', async () => {
  const r = await carOf(`/ipfs/${C.dagCbor}/foo/link?format=car&dag-scope=block`)
  assert.deepEqual(r.cids, [C.dagCbor, 'bafyreig5alecq2l2akgajxywgnv22kuxh6xcagsnelepylqovt4t5jxt6u'])
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'If-None-Match is not answered 304 with a different CAR', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=car`, { headers: { 'If-None-Match': `"${C.dir}"` } })).status, 200)
})

// ---------------------------------------------------------------- codecs, tar
for (const [label, cid, type] of [['dag-json', C.dagJson, 'application/vnd.ipld.dag-json'], ['dag-cbor', C.dagCbor, 'application/vnd.ipld.dag-cbor'], ['json', C.plainJson, 'application/json'], ['cbor', C.plainCbor, 'application/cbor']] as const) {
  check(`${PG} §Content-Type (response header)`, `a ${label} block is served as ${type} by default`, async () => {
    const r = await get(`/ipfs/${cid}`)
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type'), type)
  })
  check(`${PG} §format (request query parameter)`, `?format=${label} of a ${label} block is its bytes`, async () => {
    const r = await get(`/ipfs/${cid}?format=${label}`)
    assert.equal(r.status, 200)
    const c = CID.parse(cid)
    assert.deepEqual((await sha256.digest(r.body)).bytes, c.multihash.bytes)
  })
  check(`${PG} §Etag (response header)`, `a ${label} response has an Etag naming the format`, async () => {
    assert.equal((await get(`/ipfs/${cid}?format=${label}`)).headers.get('etag'), `"${cid}.${label}"`)
  })
  check(`${PG} §X-Content-Type-Options (response header)`, `${label} responses forbid sniffing`, async () => {
    assert.equal((await get(`/ipfs/${cid}?format=${label}`)).headers.get('x-content-type-options'), 'nosniff')
  })
}
check(`${PG} §406 Not Acceptable`, 'dag-json of a dag-pb node is not converted: 406', async () => {
  assert.equal((await get(`/ipfs/${C.dagPb}?format=dag-json`)).status, 406)
})
check(`${PG} §406 Not Acceptable`, 'dag-cbor of a dag-json block is not converted: 406', async () => {
  assert.equal((await get(`/ipfs/${C.dagJson}?format=dag-cbor`)).status, 406)
})
check(`${PG} §format (request query parameter)`, 'json of a dag-json block is its bytes', async () => {
  const r = await get(`/ipfs/${C.dagJson}?format=json`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'application/json')
})
check(`${PG} §format (request query parameter)`, 'cbor of a dag-cbor block is its bytes', async () => {
  assert.equal((await get(`/ipfs/${C.dagCbor}?format=cbor`)).status, 200)
})
check(`${PG} §Accept (request header)`, 'plain json/cbor of UnixFS is no conversion: the file as it is (as Kubo and the conformance suite)', async () => {
  for (const q of ['?format=json', '?format=cbor']) {
    const r = await get(`/ipfs/${C.dir}/hello.txt${q}`)
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.equal(r.body.toString(), 'hello world\n')
  }
  const dir = await get(`/ipfs/${C.dagPb}?format=json`)
  assert.equal(dir.status, 301)
  assert.equal(dir.headers.get('location'), `/ipfs/${C.dagPb}/?format=json`)
})
check(`${PG} §404 Not Found`, 'a path to a field a dag-json document does not have is 404', async () => {
  assert.equal((await get(`/ipfs/${C.dagJson}/foo/i-do-not-exist`)).status, 404)
})
check(`${PG} §501 Not Implemented`, 'a path into a dag-json document\'s fields (not a link) is 501', async () => {
  assert.equal((await get(`/ipfs/${C.dagJson}/foo/object/banana`)).status, 501)
})
check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'a path through dag-json links reaches the linked block', async () => {
  const r = await get(`/ipfs/${C.dagJson}/foo/link`)
  assert.equal(r.status, 200)
  // one CID per path segment: `foo` is a field inside the root block (as Kubo lists it)
  assert.equal(r.headers.get('x-ipfs-roots'), `${C.dagJson},${C.dagJson},baguqeeraxpdqyfizawpb7zl5gnpg7jw3myuynb42ngzmeo7xn5kmm5pabt6q`)
})

// {foo: {link: <L1>, object: {banana: 10, monkey: false}}}, L1 = {bar: <L2>}: checked against Kubo v0.42 too
// (helpers/gateway-corpus.ts, in gateway-conformance.test.ts's differential test)
const DAG = `${PG} §Traversing through DAG-JSON and DAG-CBOR`
const L1 = 'bafyreig5alecq2l2akgajxywgnv22kuxh6xcagsnelepylqovt4t5jxt6u'
const L2 = 'bafyreiaefvpp22slf5bzd4lqgzwbztqahwlldtqkpgmlhv7mh23pudle7y'
check(DAG, 'a path through dag-cbor links is served as the linked block, with one X-Ipfs-Roots CID per segment', async () => {
  for (const [rest, cid, roots] of [['/foo/link', L1, [C.dagCbor, C.dagCbor, L1]], ['/foo/link/bar', L2, [C.dagCbor, C.dagCbor, L1, L2]]] as const) {
    const r = await get(`/ipfs/${C.dagCbor}${rest}`)
    assert.equal(r.status, 200, rest)
    assert.equal(r.headers.get('content-type'), 'application/vnd.ipld.dag-cbor')
    assert.equal(r.headers.get('etag'), `"${cid}.dag-cbor"`)
    assert.equal(r.headers.get('x-ipfs-roots'), roots.join(','))
    assert.deepEqual((await sha256.digest(r.body)).bytes, CID.parse(cid).multihash.bytes)
  }
})
check(DAG, 'a path that ends at a field that is not a link (map, number, bool) is 501, in every deserialized format', async () => {
  for (const rest of ['/foo', '/foo/object', '/foo/object/banana', '/foo/object/monkey']) {
    for (const q of ['', '?format=dag-cbor', '?format=dag-json', '?format=cbor', '?format=json']) {
      const r = await get(`/ipfs/${C.dagCbor}${rest}${q}`)
      assert.equal(r.status, 501, `${rest}${q}`)
      assert.match(r.body.toString(), /reading IPLD Kinds other than Links \(CBOR Tag 42\) is not implemented/)
    }
    assert.equal((await get(`/ipfs/${C.dagCbor}${rest}`, { method: 'HEAD' })).status, 501)
  }
})
check(DAG, 'a field a dag-cbor node does not have is 404, before and after a link', async () => {
  for (const rest of ['/foo/i-do-not-exist', '/foo/link/nope']) assert.equal((await get(`/ipfs/${C.dagCbor}${rest}`)).status, 404, rest)
})
check(`${TG} §Block Responses (application/vnd.ipld.raw)`, 'a path that ends at a field inside a dag-cbor block: the raw block holding it (as Kubo)', async () => {
  const r = await get(`/ipfs/${C.dagCbor}/foo/object/banana?format=raw`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('etag'), `"${C.dagCbor}.raw"`)
  assert.equal(r.headers.get('x-ipfs-roots'), Array(4).fill(C.dagCbor).join(','))
  assert.deepEqual((await sha256.digest(r.body)).bytes, CID.parse(C.dagCbor).multihash.bytes)
})
check(`${TG} §CAR Responses (application/vnd.ipld.car)`, 'a path that ends at a field inside a dag-cbor block: the CAR of that block and its scope (as Kubo)', async () => {
  const all = await carOf(`/ipfs/${C.dagCbor}/foo/object?format=car`)
  assert.deepEqual(all.cids, [C.dagCbor, L1, L2])
  const block = await carOf(`/ipfs/${C.dagCbor}/foo/object?format=car&dag-scope=block`)
  assert.deepEqual(block.cids, [C.dagCbor])
  const r = await get(`/ipfs/${C.dagCbor}/foo/object?format=car`)
  assert.match(r.headers.get('content-disposition') ?? '', new RegExp(`^attachment; filename="${C.dagCbor}_object\\.car"`))
})
check(`${PG} §Content-Disposition (response header)`, 'dag-json is inline, dag-cbor an attachment', async () => {
  assert.match((await get(`/ipfs/${C.dagJson}?format=dag-json`)).headers.get('content-disposition') ?? '', /^inline; filename="[^"]+\.json"/)
  assert.match((await get(`/ipfs/${C.dagCbor}?format=dag-cbor`)).headers.get('content-disposition') ?? '', /^attachment; filename="[^"]+\.cbor"/)
})
check(`${PG} §400 Bad Request`, 'an unknown application/vnd.ipld type in Accept is 400', async () => {
  assert.equal((await get(`/ipfs/${C.hello}`, { headers: { Accept: 'application/vnd.ipld.unknown' } })).status, 400)
})
check(`${PG} §format (request query parameter)`, '?format= wins over Accept', async () => {
  assert.equal((await get(`/ipfs/${C.hello}?format=raw`, { headers: { Accept: 'application/vnd.ipld.car' } })).headers.get('content-type'), 'application/vnd.ipld.raw')
})
check(`${PG} §Accept (request header)`, 'a browser Accept header gets the deserialized file', async () => {
  assert.equal((await get(`/ipfs/${C.dir}/hello.txt`, { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } })).body.toString(), 'hello world\n')
})
check(`${PG} §format (request query parameter)`, '?format=tar of a directory is a TAR stream', async () => {
  const r = await get(`/ipfs/${C.dir}?format=tar`)
  assert.equal(r.status, 200)
  assert.equal(r.headers.get('content-type'), 'application/x-tar')
  assert.ok(r.body.toString('latin1').includes('hello world\n'))
  assert.ok(r.body.toString('latin1').includes(`${C.dir}/multiblock.txt`))
})
check(`${PG} §Etag (response header)`, 'TAR has a weak Etag', async () => {
  assert.equal((await get(`/ipfs/${C.dir}?format=tar`)).headers.get('etag'), `W/"${C.dir}.x-tar"`)
})
check(`${PG} §Content-Disposition (response header)`, 'TAR is an attachment named {cid}.tar', async () => {
  assert.match((await get(`/ipfs/${C.dir}?format=tar`)).headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="${C.dir}.tar"`))
})
check(`${PG} §format (request query parameter)`, 'Accept: application/x-tar works like ?format=tar', async () => {
  assert.equal((await get(`/ipfs/${C.dir}`, { headers: { Accept: 'application/x-tar' } })).headers.get('content-type'), 'application/x-tar')
})
check(`${PG} §format (request query parameter)`, 'TAR of a dag-cbor block is 400', async () => {
  assert.equal((await get(`/ipfs/${C.dagCbor}?format=tar`)).status, 400)
})
check(`${PG} §GET /ipfs/{cid}[/{path}]`, 'a repeated request (answered from a kept response) gets the first answer\'s status, headers and body; HEAD the same headers', async () => {
  // the end-to-end headers (Node closes the connection after a HEAD, whichever way it is answered)
  const strip = (g: Got): Array<[string, string]> => [...g.headers].filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k))
  for (const path of [`/ipfs/${C.dir}/ascii.txt?filename=given.txt`, `/ipfs/${C.listing}/`, `/ipfs/${C.hello}`]) {
    const first = await get(path)
    assert.equal(first.status, 200)
    for (const method of ['GET', 'HEAD']) {
      const again = await get(path, { method })
      assert.equal(again.status, 200)
      assert.deepEqual(strip(again), strip(first), `${method} ${path}`)
      assert.ok(again.body.equals(method === 'GET' ? first.body : Buffer.alloc(0)))
    }
    // a different Accept is a different answer
    assert.equal((await get(path, { headers: { Accept: 'application/vnd.ipld.raw' } })).headers.get('content-type'), 'application/vnd.ipld.raw')
  }
})

test('gateway: checks against the specs', async (t) => {
  assert.ok(checks.list.length >= 150, `${checks.list.length} checks`)
  h = await harness(t)
  await loadFixtures(h)
  await startDaemon(t, h, ['--offline'])
  setGateway((await readFile(join(h.repo, 'gateway'), 'utf8')).trim())
  await checks.run(t)
})
