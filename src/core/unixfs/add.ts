/** `add`: import files and directories as UnixFS with Kubo's options, so CIDs equal Kubo's. */
import { importer, type ImportCandidate } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'
import type { AbortOptions } from '@libp2p/interface'
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import type { InputEntry } from '../../commands/command.ts'

export interface AddOptions extends AbortOptions {
  pin?: boolean
  pinName?: string
  onlyHash?: boolean
}

export interface AddResult {
  path: string
  cid: CID
  size: number
}

export function createAdder ({ blockstore, gcLock }: Components, { pins }: { pins: PinsApi }) {
  return {
    async * add (source: AsyncIterable<InputEntry>, options: AddOptions = {}): AsyncGenerator<AddResult> {
      const candidates = async function * (): AsyncGenerator<ImportCandidate> {
        for await (const entry of source) {
          if (entry.type === 'file') yield { path: entry.path, content: entry.content }
          else if (entry.type === 'directory') yield { path: entry.path }
        }
      }
      yield * gcLock.sharedStream(async function * () {
        let last: AddResult | undefined
        for await (const entry of importer(candidates(), blockstore, { cidVersion: 0, rawLeaves: false })) {
          options.signal?.throwIfAborted()
          const result: AddResult = { path: entry.path ?? entry.cid.toString(), cid: entry.cid, size: Number(entry.size) }
          last = result
          yield result
        }
        if (last !== undefined && options.pin !== false && options.onlyHash !== true) {
          await pins.add(last.cid, { recursive: true, name: options.pinName, signal: options.signal, complete: true })
        }
      })
    }
  }
}
