/**
 * `npm run bench -- encryption [--size <MiB>] [--runs <n>]`: one libp2p stream of --size MiB between two
 * nodes on 127.0.0.1 (TCP + yamux, both in this process), encrypted with TLS (@libp2p/tls, Kubo's and
 * tsipfs's first choice) and with Noise (@chainsafe/libp2p-noise); prints MB/s, measured when the receiver
 * has every byte, and the ratio TLS / Noise. Same process, same run, alternating, best of --runs.
 */
import { parseArgs } from 'node:util'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@libp2p/yamux'
import type { ConnectionEncrypter } from '@libp2p/interface'

async function once (encrypter: () => (c: any) => ConnectionEncrypter, bytes: number): Promise<number> {
  const mk = async () => await createLibp2p({ addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()], connectionEncrypters: [encrypter()], streamMuxers: [yamux()] })
  const [a, b] = await Promise.all([mk(), mk()])
  try {
    let done = (): void => {}
    const received = new Promise<void>(resolve => { done = resolve })
    await b.handle('/bench/1', async (stream) => {
      let n = 0
      for await (const c of stream) {
        n += c.byteLength
        if (n >= bytes) done()
      }
    })
    const s = await a.dialProtocol(b.getMultiaddrs()[0] as any, '/bench/1')
    const chunk = new Uint8Array(256 * 1024).fill(7)
    const start = performance.now()
    for (let sent = 0; sent < bytes; sent += chunk.byteLength) {
      if (!s.send(chunk)) await new Promise(resolve => s.addEventListener('drain', resolve, { once: true }))
    }
    await received
    const ms = performance.now() - start
    await s.close()
    return bytes / 1e6 / (ms / 1000)
  } finally {
    await Promise.all([a.stop(), b.stop()])
  }
}

export async function main (args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { size: { type: 'string', default: '128' }, runs: { type: 'string', default: '3' } } })
  const bytes = Number(values.size) * 1024 * 1024
  const best = { tls: 0, noise: 0 }
  for (let i = 0; i < Number(values.runs); i++) {
    best.tls = Math.max(best.tls, await once(tls as any, bytes))
    best.noise = Math.max(best.noise, await once(noise as any, bytes))
  }
  console.log(`one stream of ${values.size} MiB over TCP + yamux on 127.0.0.1, best of ${values.runs}`)
  console.log(`TLS    ${best.tls.toFixed(1)} MB/s`)
  console.log(`Noise  ${best.noise.toFixed(1)} MB/s`)
  console.log(`TLS / Noise: ${(best.tls / best.noise).toFixed(2)}`)
}
