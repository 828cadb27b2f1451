import { command, type Command } from './command.ts'
import { REPO_VERSION } from '../core/repo/repo.ts'
import type { Dependency } from '../core/deps.ts'
import pkg from '../../package.json' with { type: 'json' }

const version = command({
  path: ['version'],
  tagline: 'Show tsipfs version information.',
  options: [
    { name: 'number', aliases: ['n'], type: 'bool', default: false, description: 'Only show the version number.' },
    { name: 'commit', type: 'bool', default: false, description: 'Show the commit hash.' },
    { name: 'repo', type: 'bool', default: false, description: 'Show repo version.' },
    { name: 'all', type: 'bool', default: false, description: 'Show all version information.' }
  ],
  output: 'value',
  repo: 'none',
  async run () {
    return { Version: pkg.version, Commit: '', Repo: String(REPO_VERSION), System: `${process.arch}/${process.platform}`, Golang: '', Nodejs: process.version }
  },
  text (out, options) {
    if (options.number === true) return out.Version + '\n'
    if (options.repo === true) return out.Repo + '\n'
    if (options.all === true) {
      return `tsipfs version: ${out.Version}\nRepo version: ${out.Repo}\nSystem version: ${out.System}\nNode.js version: ${out.Nodejs}\n`
    }
    return `tsipfs version ${out.Version}\n`
  }
})

const deps = command<Dependency>({
  path: ['version', 'deps'],
  tagline: 'Shows information about dependencies used for build.',
  description: `
Print out all dependencies and their versions.

Kubo lists the Go modules built into it; tsipfs lists the npm packages it
runs with: tsipfs@<version> first, then every package its dependencies
reach as Node resolves them from the installed node_modules, as
<name>@<version> by name (a package installed in several versions once a
version). Peer dependencies are left out: npm installs them (react-native,
as a peer of react-native-webrtc) but Node never loads them here. An npm
alias is shown as "<name>@<version> => <package>@<version>". With
--enc=json, Kubo's fields: Path, Version, ReplacedBy, and in Sum npm's
integrity of the installed package, where npm recorded one.`,
  output: 'stream',
  repo: 'none',
  async * run () {
    const { dependencies } = await import('../core/deps.ts')
    yield * await dependencies()
  },
  text: (dep) => `${dep.Path}@${dep.Version}${dep.ReplacedBy !== '' ? ` => ${dep.ReplacedBy}` : ''}\n`
})

export default [version, deps] as Command[]
