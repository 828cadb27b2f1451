/** What `files stat` and `files ls -l` report about a node, in Kubo's shapes and text formats. */
import type { CID } from 'multiformats/cid'
import type { FsNode } from '../../core/files/index.ts'
import { TYPE, cumulativeSize, fileSize, isDir } from '../../core/files/inspect.ts'
import { formatCid } from '../util.ts'
import type { Options } from '../command.ts'

export interface StatOutput {
  Hash: string
  Size: number
  CumulativeSize: number
  Blocks: number
  Type: 'file' | 'directory'
  WithLocality?: boolean
  Local?: boolean
  SizeLocal?: number
  Mtime?: number
  MtimeNsecs?: number
  /** Go's os.FileMode in octal, type bits included (a directory: 20000000755) */
  Mode?: string
}

const MODE_DIR = 2 ** 31
const MODE_SYMLINK = 2 ** 27

/** UnixFS permission bits → Go's os.FileMode (setuid, setgid and sticky move to Go's bits) */
export function goFileMode (perms: number, type: number): number {
  if (perms === 0) return 0
  let m = (perms & 0x1ff) + (perms & 0xc00) * 2 ** 12 + (perms & 0x200) * 2 ** 11
  if (type === TYPE.directory || type === TYPE.hamt) m += MODE_DIR
  if (type === TYPE.symlink) m += MODE_SYMLINK
  return m
}

/** Go's FileMode.String(), lower-cased as Kubo prints it: drwxr-xr-x */
export function modeString (mode: number): string {
  const kinds = 'dalTLDpSugct?'
  let out = ''
  for (let i = 0; i < kinds.length; i++) {
    if (Math.floor(mode / 2 ** (31 - i)) % 2 === 1) out += kinds[i] as string
  }
  if (out === '') out = '-'
  const rwx = 'rwxrwxrwx'
  for (let i = 0; i < 9; i++) out += (mode & (1 << (8 - i))) !== 0 ? rwx[i] as string : '-'
  return out.toLowerCase()
}

export function statNode (node: FsNode, options: Options): StatOutput {
  const Hash = formatCid(node.cid, options)
  if (node.kind === 'raw') return { Hash, Size: node.bytes.byteLength, CumulativeSize: node.bytes.byteLength, Blocks: 0, Type: 'file' }
  const out: StatOutput = {
    Hash,
    Size: isDir(node) ? 0 : fileSize(node),
    CumulativeSize: cumulativeSize(node),
    Blocks: node.pb.Links.length,
    Type: isDir(node) ? 'directory' : 'file'
  }
  let mode = goFileMode((node.data.mode ?? 0) & 0xfff, node.data.type)
  if (mode === 0 && node.data.type === TYPE.symlink) mode = MODE_SYMLINK + 0o777
  if (node.data.mtime !== undefined && node.data.mtime.secs > 0) {
    out.Mtime = node.data.mtime.secs
    if ((node.data.mtime.nsecs ?? 0) > 0) out.MtimeNsecs = node.data.mtime.nsecs
  }
  if (mode !== 0) out.Mode = mode.toString(8).padStart(4, '0')
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Go's "2 Jan 2006, 15:04:05 MST" in UTC */
function formatTime (secs: number): string {
  const d = new Date(secs * 1000)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()] as string} ${d.getUTCFullYear()}, ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`
}

export const DEFAULT_STAT_FORMAT = `<hash>
Size: <size>
CumulativeSize: <cumulsize>
ChildBlocks: <childs>
Type: <type>
Mode: <mode> (<mode-octal>)
Mtime: <mtime>`

const UNSET = 'not set'

export function formatStat (out: StatOutput, format: string): string {
  const mode = out.Mode === undefined ? 0 : parseInt(out.Mode, 8)
  const values: Record<string, string> = {
    '<hash>': out.Hash,
    '<size>': String(out.Size),
    '<cumulsize>': String(out.CumulativeSize),
    '<childs>': String(out.Blocks),
    '<type>': out.Type,
    '<mode>': mode === 0 ? UNSET : modeString(mode),
    '<mode-octal>': mode === 0 ? UNSET : '0' + (mode & 0x1ff).toString(8),
    '<mtime>': out.Mtime === undefined ? UNSET : formatTime(out.Mtime),
    '<mtime-secs>': out.Mtime === undefined ? UNSET : String(out.Mtime),
    '<mtime-nsecs>': out.Mtime === undefined ? UNSET : String(out.MtimeNsecs ?? 0)
  }
  return format.replace(/<[a-z-]+>/g, (token) => values[token] ?? token)
}

export function cidText (cid: CID): string {
  return cid.toString()
}
