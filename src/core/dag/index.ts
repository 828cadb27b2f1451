/** The dag part of the core API: IPLD nodes of any codec, and CAR import/export. */
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'

export function createDagApi (_components: Components, _deps: { pins: PinsApi }) {
  return {}
}

export type DagApi = ReturnType<typeof createDagApi>
