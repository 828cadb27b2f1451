/**
 * Content types for files served by the gateway: by the name's extension first (the table Kubo's Go
 * runtime carries, plus common web types), else sniffed from the first bytes (magic numbers, then text
 * versus binary), so a file is never buffered to decide.
 */

const BY_EXTENSION: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.ico': 'image/vnd.microsoft.icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.csv': 'text/csv; charset=utf-8',
  '.map': 'application/json',
  '.car': 'application/vnd.ipld.car',
  '.webmanifest': 'application/manifest+json'
}

export function typeByName (name: string): string | undefined {
  const dot = name.lastIndexOf('.')
  if (dot <= 0 && !name.startsWith('.')) return undefined
  return BY_EXTENSION[name.slice(dot).toLowerCase()]
}

const startsWith = (b: Uint8Array, sig: number[], at = 0): boolean => sig.every((v, i) => b[at + i] === v)
const ascii = (b: Uint8Array, text: string, at = 0): boolean => startsWith(b, [...text].map(c => c.charCodeAt(0)), at)

/** The content type of data that starts with `head` (its first 512 bytes are enough) */
export function sniff (head: Uint8Array): string {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (ascii(head, 'GIF87a') || ascii(head, 'GIF89a')) return 'image/gif'
  if (ascii(head, 'RIFF') && ascii(head, 'WEBP', 8)) return 'image/webp'
  if (ascii(head, '%PDF-')) return 'application/pdf'
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip'
  if (startsWith(head, [0x1f, 0x8b])) return 'application/gzip'
  if (startsWith(head, [0x00, 0x61, 0x73, 0x6d])) return 'application/wasm'
  if (ascii(head, 'ftyp', 4)) return 'video/mp4'
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm'
  if (ascii(head, 'ID3') || startsWith(head, [0xff, 0xfb])) return 'audio/mpeg'
  if (ascii(head, 'OggS')) return 'audio/ogg'
  if (ascii(head, 'wOFF')) return 'font/woff'
  if (ascii(head, 'wOF2')) return 'font/woff2'
  // text: no control bytes other than whitespace, and valid UTF-8
  let text = true
  for (const b of head) {
    if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) {
      text = false
      break
    }
  }
  if (text) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(trimPartialUtf8(head))
    } catch {
      text = false
    }
  }
  if (!text) return 'application/octet-stream'
  const start = new TextDecoder().decode(head.subarray(0, 512)).trimStart().toLowerCase()
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<head') || start.startsWith('<body') || start.startsWith('<script') || start.startsWith('<title') || start.startsWith('<div') || start.startsWith('<p>') || start.startsWith('<h1')) return 'text/html'
  if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg'))) return 'image/svg+xml'
  if (start.startsWith('<?xml')) return 'text/xml; charset=utf-8'
  return 'text/plain; charset=utf-8'
}

/** Drop a UTF-8 sequence cut off at the end of a sample */
function trimPartialUtf8 (b: Uint8Array): Uint8Array {
  let end = b.length
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i] as number
    if ((c & 0xc0) === 0x80) continue
    if ((c & 0xe0) === 0xc0 && i < 2) end -= i
    else if ((c & 0xf0) === 0xe0 && i < 3) end -= i
    else if ((c & 0xf8) === 0xf0 && i < 4) end -= i
    break
  }
  return b.subarray(0, end)
}
