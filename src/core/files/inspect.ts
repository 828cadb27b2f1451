/**
 * What a node is and how big, read from a decoded node alone. A module of its own, next to nothing heavy,
 * so that the command tree (`files stat`, `add --to-files`) can use them without loading the importer.
 */
import type { FsNode } from './nodes.ts'
import { TYPE, fileSizeOf } from './pb-data.ts'

export { TYPE }

export type DirNode = FsNode & { kind: 'pb' }

export function isDir (node: FsNode): node is DirNode {
  return node.kind === 'pb' && (node.data.type === TYPE.directory || node.data.type === TYPE.hamt)
}

/** A node's cumulative size: its block plus every linked DAG's recorded size (what a link's Tsize holds) */
export function cumulativeSize (node: FsNode): number {
  if (node.kind === 'raw') return node.bytes.byteLength
  let n = node.bytes.byteLength
  for (const l of node.pb.Links) n += l.Tsize ?? 0
  return n
}

export function fileSize (node: FsNode): number {
  return node.kind === 'raw' ? node.bytes.byteLength : fileSizeOf(node.data)
}
