/**
 * Bulk imports keep V8's young generation small. While `add -r` of many small files runs, the importer keeps
 * each directory's entries alive until the directory is written, and the write-behind keeps the blocks in
 * flight: most objects survive a scavenge or two, and V8 answers a high survival rate by growing the young
 * generation, up to 128 MB (twice, as two semi-spaces) on a machine with much memory. With the growth factor
 * at 1 while an add runs, the young generation stays at the size it had (a few MB after start-up):
 * 10,000 files of 1-8 KiB through the core API peaked at 355-378 MB RSS with V8's default, 265-278 MB
 * with this, for about 10% more CPU on that add (bench/README.md). The daemon's RPC add and the CLI's local
 * add both come through here.
 *
 * V8's flag is process-wide: it is set when the first add starts and put back to V8's default (2) when the
 * last running add ends. A process started with its own --semi-space-growth-factor is left alone.
 */
import { setFlagsFromString } from 'node:v8'

const FLAG = '--semi-space-growth-factor'
const V8_DEFAULT = 2

/** Adds running now */
let running = 0

function setByUser (): boolean {
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(a => a.startsWith(FLAG))
}

/** Call when a bulk import starts; call the returned function (once) when it ends */
export function holdYoungGeneration (): () => void {
  if (setByUser()) return () => {}
  if (running++ === 0) setFlagsFromString(`${FLAG}=1`)
  let released = false
  return () => {
    if (released) return
    released = true
    if (--running === 0) setFlagsFromString(`${FLAG}=${V8_DEFAULT}`)
  }
}
