/**
 * Directories built over the final CIDs. ipfs-unixfs-importer decides whether a directory becomes a HAMT
 * from the CIDs (and, in the "block" estimation, the Tsizes) of its entries, as Kubo does from the CIDs it
 * stores. When the re-hashing layer (rehash.ts) changes those CIDs (--hash, --inline, explicit default
 * modes), the importer's own sha2-256 CIDs would make that decision near the threshold differ from
 * Kubo's. So the import runs in two importers: the first builds files, symlinks and empty directories and
 * passes them through unchanged; each entry is then given its final CID and size; the second builds the
 * directories from those. (The step between also names a nameless file, stdin's, in a -w wrapper.)
 */
import { importer, type ImportCandidate, type ImporterOptions, type ImportResult, type InProgressImportResult, type WritableStorage } from 'ipfs-unixfs-importer'

/** Turns an entry of the first importer into the one the directories link to (and may name it) */
export type ToFinal = (entry: ImportResult) => Promise<{ cid: ImportResult['cid'], size: bigint, path?: string }>

export async function * importFinal (source: AsyncIterable<ImportCandidate>, store: WritableStorage, options: ImporterOptions, toFinal: ToFinal): AsyncGenerator<ImportResult> {
  // the first importer's tree builder sees each entry's original path (the second decides from it
  // whether several entries share one root directory)
  const originalPaths = new Map<string, string>()
  const passThrough: ImporterOptions['treeBuilder'] = async function * (entries) {
    for await (const entry of entries) {
      if (entry.path !== undefined && entry.originalPath !== undefined && entry.originalPath !== entry.path) originalPaths.set(entry.path, entry.originalPath)
      yield entry
    }
  }
  const built = async function * (): AsyncGenerator<InProgressImportResult> {
    for await (const entry of importer(source, store, { ...options, treeBuilder: passThrough })) {
      const { cid, size, path } = await toFinal(entry)
      const originalPath = (entry.path === undefined ? undefined : originalPaths.get(entry.path)) ?? entry.path
      yield { ...entry, cid, size, path: path ?? entry.path, originalPath: path ?? originalPath }
    }
  }
  const dagBuilder: ImporterOptions['dagBuilder'] = async function * (entries) {
    for await (const entry of entries as unknown as AsyncIterable<InProgressImportResult>) yield async () => entry
  }
  yield * importer(built() as never, store, { ...options, onProgress: undefined, dagBuilder, fileImportConcurrency: 1 })
}
