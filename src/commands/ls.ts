import { command } from './command.ts'
import { checkCidBase, escNonPrint, formatCid } from './util.ts'
import { tabwrite } from './tabwriter.ts'
import { byteOrder } from '../core/order.ts'
import { goFileMode } from './files/stat.ts'

/** Kubo's numbers for entry types in `ls` (UnixFS Data.DataType) */
const LS_TYPE = { directory: 1, file: 2, symlink: 4 } as const

interface LsLink { Name: string, Hash: string, Size: number, Type: number, Target: string, Mode: number, ModTime: string }

interface LsObject {
  Hash: string
  Links: LsLink[]
}

/** Go's zero time.Time in JSON: what Kubo sends for an entry without a stored mtime */
const ZERO_TIME = '0001-01-01T00:00:00Z'

/** A UnixFS mtime as Go's time.Time marshals (RFC 3339, nanoseconds without trailing zeros), in UTC */
function modTimeJSON (mtime: { secs: number, nsecs?: number } | undefined): string {
  if (mtime === undefined) return ZERO_TIME
  const nsecs = mtime.nsecs !== undefined && mtime.nsecs >= 1 && mtime.nsecs <= 999999999 ? mtime.nsecs : 0
  const iso = new Date(mtime.secs * 1000).toISOString().slice(0, 19)
  const frac = nsecs === 0 ? '' : '.' + String(nsecs).padStart(9, '0').replace(/0+$/, '')
  return `${iso}${frac}Z`
}

/** Kubo's formatMode for `ls -l`: ls-style, setuid/setgid/sticky as s/S and t/T; '-' when no mode was stored */
function lsMode (mode: number): string {
  if (mode === 0) return '-'
  const bit = (n: number): boolean => Math.floor(mode / 2 ** n) % 2 === 1
  const type = bit(31) ? 'd' : bit(27) ? 'l' : bit(25) ? 'p' : bit(24) ? 's' : bit(26) ? (bit(21) ? 'c' : 'b') : '-'
  const rwx = (r: number, special: number | undefined, letter: string): string => {
    const x = (mode & (1 << r)) !== 0
    const perms = ((mode & (4 << r)) !== 0 ? 'r' : '-') + ((mode & (2 << r)) !== 0 ? 'w' : '-')
    if (special !== undefined && bit(special)) return perms + (x ? letter : letter.toUpperCase())
    return perms + (x ? 'x' : '-')
  }
  return type + rwx(6, 23, 's') + rwx(3, 22, 's') + rwx(0, 20, 't')
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Kubo's formatModTime: '-' for none; 'Jan 02 15:04' within the last six months, else 'Jan 02  2006' (UTC) */
function lsModTime (json: string): string {
  if (json === ZERO_TIME) return '-'
  const t = new Date(json)
  const now = new Date()
  const sixMonthsAgo = new Date(now)
  sixMonthsAgo.setUTCMonth(sixMonthsAgo.getUTCMonth() - 6)
  const day = `${MONTHS[t.getUTCMonth()] as string} ${String(t.getUTCDate()).padStart(2, '0')}`
  if (t > sixMonthsAgo && t.getTime() < now.getTime() + 24 * 3600 * 1000) {
    return `${day} ${String(t.getUTCHours()).padStart(2, '0')}:${String(t.getUTCMinutes()).padStart(2, '0')}`
  }
  return `${day}  ${t.getUTCFullYear()}`
}

/** The path whose entries were printed last, per command run (its options object): Kubo's lastObjectHash */
const lastListed = new WeakMap<object, string>()

export default command<{ Objects: LsObject[] }>({
  path: ['ls'],
  tagline: 'List directory contents for Unix filesystem objects.',
  description: `
Displays the contents of an IPFS or IPNS object(s) at the given path, with the following format:

  <link base58 hash> <link size in bytes> <link name>

With --long (-l), also the file mode and modification time, as 'ls -l' shows them (UTC), '-' for those not
stored (they are stored by 'add --preserve-mode' and '--preserve-mtime'):

  <mode> <cid> <size> <mtime> <name>

With --stream, entries are output one by one as they are found.`,
  args: [{ name: 'ipfs-path', type: 'string', required: true, variadic: true, stdin: true, description: 'The path to the IPFS object(s) to list links from.' }],
  options: [
    { name: 'headers', aliases: ['v'], type: 'bool', default: false, description: 'Print table headers (Hash, Size, Name).' },
    { name: 'resolve-type', type: 'bool', default: true, description: 'Resolve linked objects to find out their types.' },
    { name: 'size', type: 'bool', default: true, description: 'Resolve linked objects to find out their file size.' },
    { name: 'stream', aliases: ['s'], type: 'bool', default: false, description: 'Enable experimental streaming of directory entries as they are traversed.' },
    { name: 'long', aliases: ['l'], type: 'bool', default: false, description: 'Use a long listing format, showing file mode and modification time.' }
  ],
  output: 'stream',
  repo: 'read',
  async * run ({ node, args, options, signal }) {
    checkCidBase(options)
    const objects: LsObject[] = []
    for (const path of args) {
      const links: LsObject['Links'] = []
      const obj: LsObject = { Hash: path, Links: links }
      for await (const l of node.unixfs.ls(await node.names.toIpfsPath(path, { signal }), { signal })) {
        const link = {
          Name: l.name,
          Hash: formatCid(l.cid, options),
          Size: options.size === false ? 0 : Number(l.size),
          Type: l.type === 'unknown' ? 0 : LS_TYPE[l.type],
          Target: l.target ?? '',
          // Kubo's LsLink: Go's os.FileMode (0 when none was stored) and time.Time (zero when none)
          Mode: l.mode === undefined || l.dataType === undefined ? 0 : goFileMode(l.mode, l.dataType),
          ModTime: modTimeJSON(l.mtime)
        }
        if (options.stream === true) yield { Objects: [{ Hash: path, Links: [link] }] }
        else links.push(link)
      }
      // as Kubo: one result for all the paths, each directory's entries sorted by name
      if (options.stream !== true) objects.push({ ...obj, Links: links.sort((a, b) => byteOrder(a.Name, b.Name)) })
    }
    if (options.stream !== true) yield { Objects: objects }
  },
  text (out, options, args) {
    // Kubo's tabularOutput: columns aligned by Go's tabwriter (minimum width 10 when streaming, as it cannot
    // see the later rows), a '<path>:' line and a blank line between paths when several are listed, the
    // headers once per path; the last path seen carries over from one streamed result to the next
    const size = options.size !== false
    const long = options.long === true
    const multiple = args.length > 1
    let last = lastListed.get(options) ?? ''
    let s = ''
    for (const o of out.Objects) {
      if (o.Hash !== last) {
        if (multiple) s += `${last === '' ? '' : '\n'}${o.Hash}:\n`
        if (options.headers === true) {
          if (long) s += size ? 'Mode\tHash\tSize\tModTime\tName\n' : 'Mode\tHash\tModTime\tName\n'
          else s += size ? 'Hash\tSize\tName\n' : 'Hash\tName\n'
        }
        last = o.Hash
      }
      for (const l of o.Links) {
        const dir = l.Type === LS_TYPE.directory
        const name = dir ? `${escNonPrint(l.Name)}/` : escNonPrint(l.Name)
        const long1 = long ? `${lsMode(l.Mode)}\t` : ''
        const time = long ? `${lsModTime(l.ModTime)}\t` : ''
        s += size ? `${long1}${l.Hash}\t${dir ? '-' : l.Size}\t${time}${name}\n` : `${long1}${l.Hash}\t${time}${name}\n`
      }
    }
    lastListed.set(options, last)
    return tabwrite(s, options.stream === true ? 10 : 1, 1)
  }
})
