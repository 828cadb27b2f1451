#!/usr/bin/env node
// tsipfs CLI entry point. In a checkout it runs the TypeScript sources through Node's type stripping;
// an installed package (no src/) runs the built dist/.
import { existsSync } from 'node:fs'
import module from 'node:module'
import { fileURLToPath } from 'node:url'

const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  process.stderr.write(`Error: tsipfs needs Node.js 22 or newer; this is ${process.version}. Run it through npm (npx tsipfs …), which uses the Node 24 pinned in package.json.\n`)
  process.exit(1)
}
// Node's on-disk compile cache ($TMPDIR/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it off) keeps
// the type-stripped and compiled modules between runs: a CLI command starts in about 0.25 s instead of 0.45 s
module.enableCompileCache?.()
const source = new URL('../src/cli/main.ts', import.meta.url)
await import(existsSync(fileURLToPath(source)) ? source.href : new URL('../dist/src/cli/main.js', import.meta.url).href)
