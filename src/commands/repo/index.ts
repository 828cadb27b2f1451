import { command, type Command } from '../command.ts'
import { formatCid } from '../util.ts'
import { REPO_VERSION } from '../../core/repo/repo.ts'

const gc = command({
  path: ['repo', 'gc'],
  tagline: 'Perform a garbage collection sweep on the repo.',
  description: "'tsipfs repo gc' is a plumbing command that will sweep the local set of stored objects and remove ones that are not pinned in order to reclaim hard disk space.",
  options: [
    { name: 'stream-errors', type: 'bool', default: false, description: 'Stream errors.' },
    { name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write minimal output.' },
    { name: 'silent', type: 'bool', default: false, description: 'Write no output.' }
  ],
  output: 'stream',
  repo: 'write',
  async * run ({ node, options, signal }) {
    const errors: string[] = []
    for await (const r of node.repo.gc({ signal })) {
      if (r.error !== undefined) {
        if (options['stream-errors'] === true) yield { Error: r.error }
        else errors.push(r.error)
        continue
      }
      if (options.silent === true || r.cid === undefined) continue
      yield { Key: { '/': formatCid(r.cid, options) } }
    }
    if (errors.length > 0) throw new Error(`encountered errors during gc run:\n${errors.join('\n')}`)
  },
  text (out, options) {
    if ('Error' in out) return `Error: ${out.Error}\n`
    return options.quiet === true ? `${out.Key['/']}\n` : `removed ${out.Key['/']}\n`
  }
})

const stat = command({
  path: ['repo', 'stat'],
  tagline: 'Get stats for the currently used repo.',
  description: `
'tsipfs repo stat' provides information about the local set of stored objects. It outputs:

RepoSize        int Size in bytes that the repo is currently taking.
StorageMax      string Maximum datastore size (from configuration)
NumObjects      int Number of objects in the local repo.
RepoPath        string The path to the repo being currently used.
Version         string The repo version.`,
  options: [
    { name: 'size-only', aliases: ['s'], type: 'bool', default: false, description: 'Only report RepoSize and StorageMax.' },
    { name: 'human', aliases: ['H'], type: 'bool', default: false, description: 'Print sizes in human readable format (e.g., 1K 234M 2G).' }
  ],
  output: 'value',
  repo: 'read',
  async run ({ node, options, signal }) {
    const s = await node.repo.stat({ signal, sizeOnly: options['size-only'] === true })
    // Kubo's Stat struct has no omitempty: with --size-only the other fields are there, zero
    return options['size-only'] === true ? { RepoSize: s.RepoSize, StorageMax: s.StorageMax, NumObjects: 0, RepoPath: '', Version: '' } : s
  },
  text (out, options) {
    const size = (n: number): string => (options.human === true ? humanSize(n) : String(n))
    const lines = []
    const full = options['size-only'] !== true
    if (full) lines.push(`NumObjects: ${out.NumObjects}`)
    lines.push(`RepoSize:   ${size(out.RepoSize)}`, `StorageMax: ${size(out.StorageMax)}`)
    if (full) lines.push(`RepoPath:   ${out.RepoPath}`, `Version:    ${out.Version}`)
    return lines.join('\n') + '\n'
  }
})

/** go-humanize's IEC-less style Kubo uses for -H: 1.2 kB, 3.4 MB */
export function humanSize (n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return i === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i] as string}`
}

const verify = command({
  path: ['repo', 'verify'],
  tagline: 'Verify all blocks in repo are not corrupted.',
  output: 'stream',
  repo: 'read',
  async * run ({ node, signal }) {
    // as Kubo: a count per block, and messages (a corrupt block, the summary) with Progress 0
    for await (const p of node.repo.verify({ signal })) yield p.Msg === '' ? p : { Msg: p.Msg, Progress: 0 }
  },
  text (out) {
    // Kubo's text: the count on one line redrawn with \r, then each message (short ones padded over the count)
    if (out.Msg === '') return `${out.Progress} blocks processed.\r`
    return `${out.Msg.length < 20 ? out.Msg + ' '.repeat(13) : out.Msg}\n`
  }
})

const version = command({
  path: ['repo', 'version'],
  tagline: 'Show the repo version.',
  options: [{ name: 'quiet', aliases: ['q'], type: 'bool', default: false, description: 'Write minimal output.' }],
  output: 'value',
  repo: 'none',
  async run () {
    return { Version: String(REPO_VERSION) }
  },
  text: (out, options) => (options.quiet === true ? `${out.Version}\n` : `tsipfs repo version fs-repo@${out.Version}\n`)
})

export default [gc, stat, verify, version] as Command[]
