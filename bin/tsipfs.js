#!/usr/bin/env node
// tsipfs CLI entry point. In a checkout it runs the TypeScript sources through Node's type stripping;
// an installed package (no src/) runs the built dist/.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import nodeModule from 'node:module'
import { fileURLToPath } from 'node:url'
import v8 from 'node:v8'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`Error: tsipfs needs Node.js 22 or newer; this is ${process.version}. Run it through npm (npx tsipfs …), which uses the Node 24 pinned in package.json.\n`)
  process.exit(1)
}
// Buffers count towards the next mark-compact by what they still hold, not by every byte allocated in them
// since the last one (V8 made this its default in 14.8 and removed the flag; Node 24 has V8 13.6). Without
// it, every 64 MB of buffers passing through (socket reads, TLS records, Bitswap blocks) started a
// mark-compact of the whole ~40 MB heap, garbage or not: a 128 MiB Bitswap fetch between two daemons ran 8
// of them. With it (3 runs each, 2 busy cores): 0-1; fetcher CPU 1.76-1.91 -> 1.27-1.36 s, provider
// 1.02-1.29 -> 0.66-0.71 s, GC threads 0.55-0.71 -> 0.19-0.24 s; peak RSS 40-80 MiB higher (garbage
// buffers live longer). Set before anything is loaded, on the V8 versions it was measured on and up to 14.8
// (an older V8 may not know the flag, and prints an error for one it does not know).
const [v8Major, v8Minor] = process.versions.v8.split('.').map(Number)
if ((v8Major === 13 && v8Minor >= 6) || (v8Major === 14 && v8Minor < 8)) v8.setFlagsFromString('--external-memory-accounted-in-global-limit')
// V8's compile cache (in the OS temp dir, keyed by each file's contents) keeps compiled code and the
// type-stripped sources between runs: start-up CPU of `tsipfs version` 0.62 -> 0.27 s. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
// (Node 22.0 has no enableCompileCache: a named import would fail there)
const compileCache = nodeModule.enableCompileCache?.()
resolutionCache(compileCache?.directory)
const source = new URL('../src/cli/main.ts', import.meta.url)
await import(existsSync(fileURLToPath(source)) ? source.href : new URL('../dist/src/cli/main.js', import.meta.url).href)

/**
 * Start-up resolves ~2000 import specifiers (~1000 modules), most of the CPU left after the compile cache:
 * package.json lookups and `exports` maps. The answers (URL and format, for `import` only) are kept in the
 * compile cache's directory, in a file of this Node and this entry point, valid for one state of
 * package.json and node_modules' lockfile (npm rewrites it on every install), so a new install starts it
 * over: `tsipfs version` CPU 0.70 -> 0.40 s. Only where node_modules/.package-lock.json is next to bin/
 * (a checkout, or an install with its own node_modules), and not without the compile cache
 * (NODE_DISABLE_COMPILE_CACHE=1 turns both off) or Node's synchronous hooks (22.15+).
 */
function resolutionCache (dir) {
  const lockfile = new URL('../node_modules/.package-lock.json', import.meta.url)
  if (dir === undefined || nodeModule.registerHooks === undefined || !existsSync(lockfile)) return
  const stamp = (url) => { const s = statSync(url); return `${s.size}\0${s.mtimeMs}` }
  const key = `${process.version}\0${import.meta.url}\0${stamp(lockfile)}\0${stamp(new URL('../package.json', import.meta.url))}`
  // one file per checkout and Node: a new install overwrites it (the key inside says whose it is) instead of
  // leaving the old one in the temp dir
  const name = `${process.version}\0${import.meta.url}`
  let hash = 0
  for (let i = 0; i < name.length; i++) hash = (Math.imul(hash, 31) + name.charCodeAt(i)) >>> 0
  const file = `${dir}/tsipfs-resolve-${hash.toString(16)}.json`
  let cache = {}
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8'))
    // entries of imports no longer made are never dropped one by one: past ~10x what a run makes, start over
    if (saved.key === key && Object.keys(saved.entries).length < 25_000) cache = saved.entries
  } catch {}
  let added = 0
  nodeModule.registerHooks({
    resolve (specifier, context, next) {
      const conditions = context.conditions ?? []
      if (!conditions.includes('import')) return next(specifier, context)
      const k = `${context.parentURL ?? ''} ${specifier} ${conditions.join(',')}`
      const hit = cache[k]
      if (hit !== undefined) return { url: hit[0], format: hit[1] ?? undefined, shortCircuit: true }
      const resolved = next(specifier, context)
      if (resolved.url.startsWith('file:')) {
        cache[k] = [resolved.url, resolved.format ?? null]
        added++
      }
      return resolved
    }
  })
  process.once('exit', () => {
    if (added === 0) return
    try {
      const tmp = `${file}.${process.pid}`
      writeFileSync(tmp, JSON.stringify({ key, entries: cache }))
      renameSync(tmp, file)
    } catch {}
  })
}
