import { command } from './command.ts'
import { REPO_VERSION } from '../core/repo/repo.ts'
import pkg from '../../package.json' with { type: 'json' }

export default command({
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
