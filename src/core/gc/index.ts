/** The repo part of the core API: garbage collection, stat, verify, version. */
import type { Components } from '../node.ts'
import type { PinsApi } from '../pins/index.ts'
import { REPO_VERSION } from '../repo/repo.ts'

export function createRepoApi (_components: Components, _deps: { pins: PinsApi }) {
  return {
    async version (): Promise<{ Version: string }> {
      return { Version: String(REPO_VERSION) }
    }
  }
}

export type RepoApi = ReturnType<typeof createRepoApi>
