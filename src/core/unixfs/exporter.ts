/**
 * ipfs-unixfs-exporter, loaded on the first read: commands that only write (add, pin, block, repo) open the
 * node without its 27 modules.
 */
import type { exporter as Exporter } from 'ipfs-unixfs-exporter'

export async function exporter (...args: Parameters<typeof Exporter>): ReturnType<typeof Exporter> {
  const { exporter } = await import('ipfs-unixfs-exporter')
  return await exporter(...args)
}
