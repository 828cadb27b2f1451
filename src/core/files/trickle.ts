/**
 * Appending chunks to a UnixFS file as a trickle DAG, the layout Kubo's MFS writes (`files write`). The
 * shape rules are Kubo's (boxo trickle.Append): a node holds up to `maxLinks` leaves, then groups of
 * `DEPTH_REPEAT` subtrees of depth 1, 2, 3…; appending first fills the last, possibly partial, subtree.
 * The quirks of that algorithm are kept on purpose: the same writes must give the same CIDs as Kubo.
 */
import type * as dagPb from '@ipld/dag-pb'
import type { AbortOptions } from '@libp2p/interface'
import { encodeLeaf } from '../unixfs/leaves.ts'
import { TYPE, encodeData, growFilesize, fileSizeOf, type PbData } from './pb-data.ts'
import { linkTo, type FsNode, type NodeStore, type Prefix } from './nodes.ts'
import { WrongNodeTypeError } from '../errors.ts'

const DEPTH_REPEAT = 4
export const DEFAULT_MAX_LINKS = 174

/** A file node being built: its links and UnixFS data, encoded and stored only when committed */
export class FileNodeDraft {
  links: dagPb.PBLink[]
  data: PbData
  constructor (links: dagPb.PBLink[] = [], data: PbData = { type: TYPE.file, blocksizes: [], filesize: 0 }) {
    this.links = links
    this.data = data
  }

  static from (node: FsNode): FileNodeDraft {
    if (node.kind !== 'pb') throw new WrongNodeTypeError('expected a dag-pb file node')
    return new FileNodeDraft([...node.pb.Links], { ...node.data, blocksizes: [...node.data.blocksizes] })
  }

  get numChildren (): number {
    return this.data.blocksizes.length
  }

  addChild (child: FsNode, fileSize: number): void {
    this.links.push(linkTo(child, ''))
    this.data.blocksizes.push(fileSize)
    growFilesize(this.data, fileSize)
  }

  removeChild (index: number): void {
    growFilesize(this.data, -(this.data.blocksizes[index] as number))
    this.data.blocksizes.splice(index, 1)
    this.links.splice(index, 1)
  }

  async commit (store: NodeStore, prefix: Prefix, options: AbortOptions): Promise<FsNode> {
    return await store.putPb({ Data: encodeData(this.data), Links: this.links }, prefix, options)
  }
}

/** The chunks to append, and how leaves are made from them */
export class LeafSource {
  private index = 0
  private readonly chunks: Uint8Array[]
  private readonly store: NodeStore
  readonly prefix: Prefix
  readonly rawLeaves: boolean
  readonly maxLinks: number
  readonly options: AbortOptions
  constructor (chunks: Uint8Array[], store: NodeStore, prefix: Prefix, rawLeaves: boolean, maxLinks: number, options: AbortOptions) {
    this.chunks = chunks
    this.store = store
    this.prefix = prefix
    this.rawLeaves = rawLeaves
    this.maxLinks = maxLinks
    this.options = options
  }

  done (): boolean {
    return this.index >= this.chunks.length
  }

  /** The next chunk as a leaf: a raw block, or a dag-pb node of UnixFS type raw (as Kubo's trickle builder) */
  async nextLeaf (): Promise<{ node: FsNode, size: number }> {
    const chunk = this.chunks[this.index++] as Uint8Array
    this.options.signal?.throwIfAborted()
    const node = this.rawLeaves
      ? await this.store.putRaw(chunk, this.prefix, this.options)
      : await this.store.putEncodedPb(encodeLeaf(chunk, 0), this.prefix, this.options)
    return { node, size: chunk.byteLength }
  }

  async load (link: dagPb.PBLink): Promise<FsNode> {
    return await this.store.load(link.Hash, this.options)
  }

  async commit (draft: FileNodeDraft): Promise<FsNode> {
    return await draft.commit(this.store, this.prefix, this.options)
  }
}

/** The current time as a UnixFS mtime (Kubo refreshes a set mtime when it rewrites a file) */
export function nowMtime (): { secs: number, nsecs?: number } {
  const ms = Date.now()
  return { secs: Math.floor(ms / 1000), nsecs: (ms % 1000) * 1e6 }
}

function depthInfo (node: FileNodeDraft, maxLinks: number): [depth: number, repeat: number] {
  const n = node.numChildren
  if (n < maxLinks) return [0, 0]
  const nonLeaf = n - maxLinks
  return [Math.floor(nonLeaf / DEPTH_REPEAT) + 1, nonLeaf % DEPTH_REPEAT]
}

async function fillLayer (src: LeafSource, node: FileNodeDraft): Promise<void> {
  while (node.numChildren < src.maxLinks && !src.done()) {
    const leaf = await src.nextLeaf()
    node.addChild(leaf.node, leaf.size)
  }
}

async function fillRec (src: LeafSource, node: FileNodeDraft, maxDepth: number): Promise<void> {
  await fillLayer(src, node)
  for (let depth = 1; (maxDepth === -1 || depth < maxDepth) && !src.done(); depth++) {
    for (let r = 0; r < DEPTH_REPEAT && !src.done(); r++) {
      const child = new FileNodeDraft()
      await fillRec(src, child, depth)
      node.addChild(await src.commit(child), fileSizeOf(child.data))
    }
  }
}

async function fillLastChild (src: LeafSource, node: FileNodeDraft, depth: number, repeat: number): Promise<void> {
  if (node.numChildren <= src.maxLinks) return
  const last = node.numChildren - 1
  const lastChild = FileNodeDraft.from(await src.load(node.links[last] as dagPb.PBLink))
  await appendRec(src, lastChild, depth - 1)
  node.removeChild(last)
  node.addChild(await src.commit(lastChild), fileSizeOf(lastChild.data))
  if (repeat !== 0) {
    for (; repeat < DEPTH_REPEAT && !src.done(); repeat++) {
      const child = new FileNodeDraft()
      await fillRec(src, child, depth)
      node.addChild(await src.commit(child), fileSizeOf(child.data))
    }
  }
}

async function appendRec (src: LeafSource, node: FileNodeDraft, maxDepth: number): Promise<void> {
  if (maxDepth === 0 || src.done()) return
  let [depth, repeat] = depthInfo(node, src.maxLinks)
  if (depth === 0) {
    await fillLayer(src, node)
    depth++
  }
  if (depth === maxDepth) return
  await fillLastChild(src, node, depth, repeat)
  if (!src.done()) depth++
  for (let i = depth; i < maxDepth && !src.done(); i++) {
    for (let j = 0; j < DEPTH_REPEAT && !src.done(); j++) {
      const child = new FileNodeDraft()
      await fillRec(src, child, i)
      node.addChild(await src.commit(child), fileSizeOf(child.data))
    }
  }
}

/** Append every chunk of `src` to the file node `root`; returns the new root (not yet stored) */
export async function trickleAppend (src: LeafSource, root: FileNodeDraft): Promise<FileNodeDraft> {
  let [depth, repeat] = depthInfo(root, src.maxLinks)
  if (depth === 0) {
    await fillLayer(src, root)
    if (src.done()) {
      if (root.data.mtime !== undefined) root.data.mtime = nowMtime()
      return root
    }
    depth++
  }
  await fillLastChild(src, root, depth - 1, repeat)
  if (!src.done()) depth++
  for (let i = depth; !src.done(); i++) {
    for (let j = 0; j < DEPTH_REPEAT && !src.done(); j++) {
      const child = new FileNodeDraft()
      await fillRec(src, child, i)
      root.addChild(await src.commit(child), fileSizeOf(child.data))
    }
  }
  return root
}
