/** Block size limits (a module of their own: the command tree reads them without loading the codecs) */

/** Kubo refuses blocks over 1 MiB + 1 KiB unless --allow-big-block is given (boxo's hard limit) */
export const MAX_BLOCK_SIZE = 1024 * 1024 + 1024
/** Beyond this even --allow-big-block refuses: the bitswap message limit */
export const HARD_MAX_BLOCK_SIZE = 4 * 1024 * 1024
