/**
 * lmdb-js trusts its data file. Opening one whose meta pages are damaged, or that ends before the pages its
 * trees start from, kills the process with SIGSEGV: no error and no message. Seen with data.mdb cut to
 * 8 KiB, and with random bytes over either meta page; the daemon would die the same way. So the two meta
 * pages are read and checked here first, and a file whose damage shows there is refused with a clear
 * error.
 *
 * Damage inside a tree page is out of reach of this check: LMDB pages carry no checksum.
 *
 * The layout (lmdb-js's liblmdb, mdb.c: MDB_page, MDB_meta): each meta page starts with a 24-byte page
 * header (pgno u64, txnid u64, pad u16, flags u16, …). The meta follows it: magic u32, version u32, address u64,
 * mapsize u64, two MDB_db of 48 bytes each (free pages, main), last_pg u64, txnid u64. The first MDB_db's
 * pad field holds the page size. With overlapping sync, lmdb-js keeps a third, "flushed" meta half a page
 * after the first.
 */
import { open } from 'node:fs/promises'
import { RepoCorruptError } from '../errors.ts'

const PAGE_HEADER = 24
const P_META = 0x08
const MAGIC = 0xbeefc0de
/** An empty tree's root */
const P_INVALID = 0xffff_ffff_ffff_ffffn
const MAX_PAGE = 0x10000
/** Offsets inside MDB_meta */
const M_PSIZE = 0x18
const M_FREE_ROOT = 0x40
const M_MAIN_ROOT = 0x70
const M_TXNID = 0x80
const META_BYTES = 0x90

/** Refuse an LMDB data file whose meta pages show damage; a missing or empty file is left to LMDB to create */
export async function checkLmdbFile (file: string): Promise<void> {
  let fh
  try {
    fh = await open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  try {
    const { size } = await fh.stat()
    if (size === 0) return
    const buf = Buffer.alloc(Math.min(size, 2 * MAX_PAGE))
    await fh.read(buf, 0, buf.byteLength, 0)
    const damaged = (what: string): RepoCorruptError =>
      new RepoCorruptError(`the datastore file ${file} is damaged (${what}); tsipfs will not open it: restore it from a backup, or move the datastore directory away to start with an empty store`)
    const meta = (page: number): number => page + PAGE_HEADER
    const isMeta = (page: number, pgno: bigint): boolean =>
      page + PAGE_HEADER + META_BYTES <= buf.byteLength &&
      buf.readBigUInt64LE(page) === pgno &&
      (buf.readUInt16LE(page + 18) & P_META) !== 0 &&
      buf.readUInt32LE(meta(page)) === MAGIC
    if (!isMeta(0, 0n)) throw damaged('page 0 is not a valid meta page')
    const psize = buf.readUInt32LE(meta(0) + M_PSIZE)
    if (psize < 512 || psize > MAX_PAGE || (psize & (psize - 1)) !== 0) throw damaged(`its page size reads ${psize}`)
    if (size < 2 * psize) throw damaged(`${size} bytes: shorter than its two meta pages`)
    if (!isMeta(psize, 1n)) throw damaged('page 1 is not a valid meta page')
    const pages = BigInt(Math.floor(size / psize))
    const checkRoots = (m: number, which: string): void => {
      for (const at of [M_FREE_ROOT, M_MAIN_ROOT]) {
        const root = buf.readBigUInt64LE(m + at)
        if (root !== P_INVALID && root >= pages) throw damaged(`a tree of the ${which} meta starts at page ${root}, beyond the file's end (${pages} pages)`)
      }
    }
    checkRoots(meta(0), 'first')
    checkRoots(meta(psize), 'second')
    // the flushed meta, used after a reboot, when its transaction is set
    const flushed = meta(psize >> 1)
    if (buf.readBigUInt64LE(flushed + M_TXNID) !== 0n) checkRoots(flushed, 'flushed')
  } finally {
    await fh.close()
  }
}
