import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readMultipart } from '../../src/rpc/multipart.ts'

const body = Buffer.from([
  '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\nContent-Type: application/octet-stream\r\n\r\n',
  'first body with \r\n-- almost a boundary\r\n--xy not quite',
  '\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="dir"\r\nContent-Type: application/x-directory\r\n\r\n',
  '\r\n--xyz\r\nContent-Disposition: form-data; name="file"; filename="dir%2Fb"\r\n\r\n',
  'second',
  '\r\n--xyz--\r\n'
].join(''))

async function * chunks (bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function read (source: AsyncIterable<Uint8Array>, inOrder = true): Promise<Array<{ name: string, type: string, body: string }>> {
  const parts = []
  const bodies: Array<AsyncIterable<Uint8Array>> = []
  for await (const p of readMultipart(source, 'xyz')) {
    const name = String(p.headers['content-disposition']).replace(/.*filename="([^"]*)".*/, '$1')
    const entry = { name, type: String(p.headers['content-type'] ?? ''), body: '' }
    parts.push(entry)
    if (inOrder) {
      for await (const c of p.body) entry.body += Buffer.from(c).toString()
    } else {
      bodies.push(p.body)
    }
  }
  for (const [i, b] of bodies.entries()) for await (const c of b) (parts[i] as { body: string }).body += Buffer.from(c).toString()
  return parts
}

const expected = [
  { name: 'a', type: 'application/octet-stream', body: 'first body with \r\n-- almost a boundary\r\n--xy not quite' },
  { name: 'dir', type: 'application/x-directory', body: '' },
  { name: 'dir%2Fb', type: '', body: 'second' }
]

test('multipart parts and bodies are found whatever the chunk sizes', async () => {
  for (const size of [1, 2, 3, 5, 7, 16, 64, 1000]) {
    assert.deepEqual(await read(chunks(body, size)), expected, `chunks of ${size}`)
  }
})

test('a body asked for after the next part is buffered, not lost', async () => {
  assert.deepEqual(await read(chunks(body, 5), false), expected)
})

test('truncated and boundary-less bodies are errors', async () => {
  await assert.rejects(read(chunks(body.subarray(0, body.length - 12), 8)), { name: 'InvalidArgumentError' })
  await assert.rejects(read(chunks(Buffer.from('no boundary here at all'), 4)), { name: 'InvalidArgumentError' })
})
