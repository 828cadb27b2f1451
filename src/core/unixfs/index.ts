/** The unixfs part of the core API: files and directories in (add) and out (cat, ls, get). */
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import { createAdder } from './add.ts'
import { createExporter } from './export.ts'

export function createUnixfsApi (components: Components, deps: { pins: PinsApi }) {
  return {
    ...createAdder(components, deps),
    ...createExporter(components)
  }
}

export type UnixfsApi = ReturnType<typeof createUnixfsApi>
