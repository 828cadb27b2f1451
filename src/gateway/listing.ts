/** The HTML page for a directory without index.html: names, sizes and CIDs, readable on a phone. */
import type { CID } from 'multiformats/cid'

export interface ListingRow { name: string, cid: CID, size?: bigint, dir?: boolean }

export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)
}

/** Sizes as people read them: 1.2 KB, 3.4 MB */
function human (n: bigint | undefined): string {
  if (n === undefined) return ''
  let v = Number(n)
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i] as string}`
}

const STYLE = `
body{font-family:system-ui,-apple-system,sans-serif;margin:0;color:#1b2631;background:#fafbfc}
header{background:#0b3a53;color:#fff;padding:.8rem 1rem;word-break:break-all}
header a{color:#9ad4db}
main{padding:0 .5rem 2rem;max-width:60rem;margin:auto}
h1{font-size:1.05rem;font-weight:600;word-break:break-all;margin:1rem .5rem}
table{width:100%;border-collapse:collapse;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.1)}
td{padding:.55rem .5rem;border-bottom:1px solid #eef1f4;vertical-align:top}
td.name{word-break:break-all}
td.cid a{color:#6b7c8a;font-family:ui-monospace,monospace;font-size:.8rem}
td.size{text-align:right;white-space:nowrap;color:#4a5a66}
a{color:#0b6e99;text-decoration:none}
@media (max-width:40rem){td.cid{display:none}}
`

/**
 * @param path the content path as requested, ending with '/'
 * @param base the URL path prefix links are relative to (path on a path gateway, '/' on subdomain hosts)
 * @param origin true on a subdomain or DNSLink host: /ipfs/ URLs there are paths inside the site, so CIDs
 * are shown without links and the breadcrumbs link relative to the site's root
 */
export function renderListing (path: string, dirCid: CID, rows: ListingRow[], base: string, origin = false): string {
  const parts = path.split('/').filter(Boolean)
  const crumbs: string[] = []
  let href = ''
  for (const [i, p] of parts.entries()) {
    if (i >= 2 || !origin) href += '/' + encodeURIComponent(decodeURIComponentSafe(p))
    crumbs.push(i < 2 ? escapeHtml(p) : `<a href="${escapeHtml(href)}/">${escapeHtml(decodeURIComponentSafe(p))}</a>`)
  }
  const link = (name: string): string => escapeHtml(base + encodeURIComponent(name))
  const cidCell = (cid: CID, name: string): string => origin
    ? `<span title="${cid.toString()}">${cid.toString().slice(0, 12)}…</span>`
    : `<a href="/ipfs/${cid.toString()}?filename=${encodeURIComponent(name)}">${cid.toString().slice(0, 12)}…</a>`
  const body = rows.map(r => `<tr><td class="name"><a href="${link(r.name)}${r.dir === true ? '/' : ''}">${escapeHtml(r.name)}${r.dir === true ? '/' : ''}</a></td>` +
    `<td class="cid">${cidCell(r.cid, r.name)}</td>` +
    `<td class="size">${human(r.size)}</td></tr>`).join('\n')
  const parent = parts.length > 2 ? `<tr><td class="name"><a href="..">..</a></td><td class="cid"></td><td class="size"></td></tr>\n` : ''
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A directory on IPFS">
<title>${escapeHtml(path)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>tsipfs gateway · ${origin ? escapeHtml(dirCid.toString()) : `<a href="/ipfs/${dirCid.toString()}/">${escapeHtml(dirCid.toString())}</a>`}</header>
<main>
<h1>Index of ${crumbs.map(c => `/${c}`).join('')}/</h1>
<table>
${parent}${body}
</table>
</main>
</body>
</html>
`
}

function decodeURIComponentSafe (s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
