/**
 * `npm run bench -- <name> [args]` runs bench/<name>.ts, which exports `main(args)`. Benchmarks measure
 * tsipfs next to its peers in the same run and print ratios; they are never part of `npm test`.
 */
import { readdir } from 'node:fs/promises'

const [name, ...args] = process.argv.slice(2)
const available = (await readdir(new URL('.', import.meta.url))).filter(f => f.endsWith('.ts') && f !== 'run.ts').map(f => f.slice(0, -3))
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [options]`)
  process.exit(1)
}
const mod = await import(`./${name}.ts`) as { main: (args: string[]) => Promise<void> }
await mod.main(args)
