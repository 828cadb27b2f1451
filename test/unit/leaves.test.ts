import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { encodeLeaf } from '../../src/core/unixfs/leaves.ts'

test('encodeLeaf writes the bytes ipfs-unixfs + dag-pb write, for file and raw leaves of any size', () => {
  for (const size of [0, 1, 127, 128, 300, 16383, 16384, 262144, 1048576]) {
    const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff)
    for (const [type, name] of [[2, 'file'], [0, 'raw']] as const) {
      const expected = dagPb.encode({ Data: new UnixFS({ type: name, data }).marshal(), Links: [] })
      assert.deepEqual(encodeLeaf(data, type), expected, `${name} leaf of ${size} bytes`)
    }
  }
})
