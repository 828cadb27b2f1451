/**
 * The npm packages tsipfs runs with, for `version deps` (Kubo lists the Go modules built into it): tsipfs
 * itself, then every package its `dependencies` and `optionalDependencies` reach, as Node resolves them
 * from the installed tree (node_modules, nested first, then up the directories). Read from the packages'
 * package.json files; the checksum from npm's record of the install, where there is one.
 */
import { readFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { byteOrder } from './order.ts'

/** Kubo's shape for one module; here one npm package */
export interface Dependency {
  Path: string
  Version: string
  /** an npm alias (`"x": "npm:y@…"`): the package installed under the name */
  ReplacedBy: string
  /** npm's integrity for the package as installed (node_modules/.package-lock.json), or '' */
  Sum: string
}

interface PackageJson {
  name?: string
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

async function readJson<T> (file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** package.json files by path, each read once (a package is looked for from many places) */
const packages = new Map<string, Promise<PackageJson | undefined>>()
function readPackage (dir: string): Promise<PackageJson | undefined> {
  const file = join(dir, 'package.json')
  let p = packages.get(file)
  if (p === undefined) {
    p = readJson<PackageJson>(file)
    packages.set(file, p)
  }
  return p
}

/** The directory of tsipfs's own package.json, found up from this module (a checkout or an installed package) */
async function packageRoot (): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = await readJson<PackageJson>(join(dir, 'package.json'))
    if (pkg?.name === 'tsipfs') return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error('tsipfs package.json not found')
    dir = parent
  }
}

/** Where Node finds the package `name` required from `from`: the nearest node_modules/<name> up the directories */
async function resolvePackage (name: string, from: string): Promise<{ dir: string, pkg: PackageJson } | undefined> {
  let dir = from
  for (;;) {
    if (!dir.endsWith(`${sep}node_modules`)) {
      const candidate = join(dir, 'node_modules', name)
      const pkg = await readPackage(candidate)
      if (pkg !== undefined) return { dir: candidate, pkg }
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** npm's record of what it installed where (its hidden lockfile): the integrity of each package path */
async function integrities (root: string): Promise<Map<string, { version?: string, integrity?: string }>> {
  const lock = await readJson<{ packages?: Record<string, { version?: string, integrity?: string }> }>(join(root, 'node_modules', '.package-lock.json'))
  return new Map(Object.entries(lock?.packages ?? {}))
}

/** tsipfs first, then its runtime packages by name (and version, where several are installed) */
export async function dependencies (): Promise<Dependency[]> {
  const root = await packageRoot()
  const main = await readJson<PackageJson>(join(root, 'package.json')) as PackageJson
  const sums = await integrities(root)
  const seen = new Set<string>()
  const found = new Map<string, Dependency>()
  // level by level, each level's look-ups at once (hundreds of small files: one at a time is 10x slower)
  let level: Array<[PackageJson, string]> = [[main, root]]
  while (level.length > 0) {
    const wanted = level.flatMap(([pkg, dir]) => Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).map(name => [name, dir] as const))
    const hits = await Promise.all(wanted.map(async ([name, dir]) => ({ name, hit: await resolvePackage(name, dir) })))
    level = []
    for (const { name, hit } of hits) {
      // an optional package for another platform is not installed: it is not part of this build
      if (hit === undefined || seen.has(hit.dir)) continue
      seen.add(hit.dir)
      level.push([hit.pkg, hit.dir])
      const version = hit.pkg.version ?? ''
      const lock = sums.get(relative(root, hit.dir).split(sep).join('/'))
      found.set(`${name}@${version}`, {
        Path: name,
        Version: version,
        ReplacedBy: hit.pkg.name !== undefined && hit.pkg.name !== name ? `${hit.pkg.name}@${version}` : '',
        Sum: lock?.version === version ? lock.integrity ?? '' : ''
      })
    }
  }
  const deps = [...found.values()].sort((a, b) => byteOrder(a.Path, b.Path) || byteOrder(a.Version, b.Version))
  return [{ Path: 'tsipfs', Version: main.version ?? '', ReplacedBy: '', Sum: '' }, ...deps]
}
