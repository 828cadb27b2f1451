import { statfs } from 'node:fs/promises'
import { cpus, networkInterfaces, totalmem, freemem } from 'node:os'
import { command } from '../command.ts'
import { repoPathFrom } from '../../cli/execute.ts'
import pkg from '../../../package.json' with { type: 'json' }

export default command({
  path: ['diag', 'sys'],
  tagline: 'Print system diagnostic information.',
  description: "Prints out information about your computer to aid in easier debugging (the shape of Kubo's, with Node.js in place of Go).",
  output: 'value',
  repo: 'none',
  async run ({ node, options, mode }) {
    const repoPath = repoPathFrom(options)
    let disk = { free_space: 0, total_space: 0, fstype: '' }
    try {
      const s = await statfs(repoPath)
      disk = { free_space: s.bavail * s.bsize, total_space: s.blocks * s.bsize, fstype: `0x${s.type.toString(16)}` }
    } catch {}
    const addrs = Object.values(networkInterfaces()).flat().filter(a => a !== undefined).map(a => `/${a.family === 'IPv6' ? 'ip6' : 'ip4'}/${a.address}`)
    return {
      diskinfo: disk,
      environment: { IPFS_PATH: process.env.IPFS_PATH ?? '', PATH: process.env.PATH ?? '' },
      ipfs_commit: '',
      ipfs_version: pkg.version,
      memory: { total: totalmem(), free: freemem(), rss: process.memoryUsage().rss },
      net: { interface_addresses: addrs, online: mode === 'daemon' && node.network.online },
      runtime: { arch: process.arch, compiler: 'node', numcpu: cpus().length, os: process.platform, version: process.version }
    }
  },
  text: (out) => JSON.stringify(out, null, 2) + '\n'
})
