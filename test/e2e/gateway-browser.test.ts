/**
 * What a person sees: Debian's chromium (driven by playwright-core) opens a directory listing on the path
 * gateway and a DNSLink website that uses `_redirects`, and the test checks what the browser rendered.
 * The DNSLink host resolves to 127.0.0.1 through chromium's --host-resolver-rules; the name comes from
 * IPFS_NS_MAP, so nothing leaves the machine.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { access, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { harness } from '../helpers/cli.ts'
import { startDaemon } from '../helpers/daemon.ts'
import { FIXTURES } from '../helpers/gateway.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DIR = 'bafybeihchr7vmgjaasntayyatmp5sv6xza57iy2h4xj7g46bpjij6yhrmy' // ascii.txt, ascii-copy.txt, hello.txt, multiblock.txt
const SITE = 'dnslink-redirects-examples.example.org'
const SITE_ROOT = '/ipfs/QmYBhLYDwVFvxos9h8CGU2ibaY66QNgv8hpfewxaQrPiZj'

async function launch (t: { after: (fn: () => Promise<void>) => void }): Promise<Browser> {
  await access(CHROMIUM).catch(() => { throw new Error(`no chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`) })
  // playwright starts chromium with a new empty profile of its own
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      '--host-resolver-rules=MAP *.example.org 127.0.0.1'
    ]
  })
  t.after(async () => { await browser.close() })
  return browser
}

test('gateway in a browser: a directory listing and a DNSLink site with _redirects', async (t) => {
  const h = await harness(t)
  await h.ok(['dag', 'import', '--pin-roots=false', join(FIXTURES, 'path_gateway_unixfs', 'dir-with-files.car'), join(FIXTURES, 'redirects_file', 'redirects.car')])
  await startDaemon(t, h, ['--offline'], { IPFS_NS_MAP: `${SITE}:${SITE_ROOT}` })
  const gw = (await readFile(join(h.repo, 'gateway'), 'utf8')).trim()
  const port = new URL(gw).port
  const browser = await launch(t)

  await t.test('a listing renders every entry with its size, fits a phone screen, and its links open files', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 667 } })
    const res = await page.goto(`${gw}/ipfs/${DIR}/`)
    assert.equal(res?.status(), 200)
    assert.equal(await page.title(), `/ipfs/${DIR}/`)
    // (page scripts as strings: this program is type-checked without the DOM library)
    const rows = await page.evaluate<string[][]>("Array.from(document.querySelectorAll('table tr')).map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim()))")
    const names = rows.map(r => r[0])
    assert.deepEqual(names, ['ascii-copy.txt', 'ascii.txt', 'hello.txt', 'multiblock.txt'])
    assert.equal(rows.find(r => r[0] === 'hello.txt')?.[2], '12 B')
    assert.equal(rows.find(r => r[0] === 'multiblock.txt')?.[2], '1.0 KB')
    // readable on a phone: nothing wider than the screen
    assert.ok(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), 'no horizontal scrolling at 375 px')
    await Promise.all([page.waitForURL(`${gw}/ipfs/${DIR}/hello.txt`), page.click('text=hello.txt')])
    assert.equal((await page.innerText('body')).trim(), 'hello world')
    await page.close()
  })

  await t.test('a DNSLink site follows its _redirects: a redirect, a rewrite and a custom 404 page', async () => {
    const page = await browser.newPage()
    const site = `http://${SITE}:${port}`
    // /redirect-one → 301 /one.html
    const redirected = await page.goto(`${site}/redirect-one`)
    assert.equal(page.url(), `${site}/one.html`)
    assert.equal(redirected?.status(), 200)
    assert.equal((await page.innerText('body')).trim(), 'my one')
    // /200-index → index.html served in place, the address stays
    const rewritten = await page.goto(`${site}/200-index`)
    assert.equal(page.url(), `${site}/200-index`)
    assert.equal(rewritten?.status(), 200)
    assert.equal((await page.innerText('body')).trim(), 'my index')
    // /not-found/* → the site's own 404 page, with status 404
    const missing = await page.goto(`${site}/not-found/page`)
    assert.equal(missing?.status(), 404)
    assert.equal((await page.innerText('body')).trim(), 'my 404')
    await page.close()
  })
})
