/** Go's text/tabwriter as Kubo's text encoders use it (commands/tabwriter.ts) */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { tabwrite } from '../../src/commands/tabwriter.ts'

test('tabwrite: a column is as wide as its widest cell in the block plus the padding; the last cell is not padded', () => {
  assert.equal(tabwrite('a\tbb\tc\nccc\td\te\n', 1, 1), 'a   bb c\nccc d  e\n')
  // an empty last cell: the columns before it are still padded (Kubo's unnamed chunks in `ls <file>`)
  assert.equal(tabwrite('Qm1\t262144\t\nQm2\t37856\t\n', 1, 1), 'Qm1 262144 \nQm2 37856  \n')
})

test('tabwrite: a line without a cell in a column ends that column\'s block', () => {
  assert.equal(tabwrite('long cell\tx\nno tabs\nb\ty\n', 1, 1), 'long cell x\nno tabs\nb y\n')
  // a deeper column ends where a line has fewer cells, the outer one goes on
  assert.equal(tabwrite('a\tbbbb\tc\nd\te\nf\tg\th\n', 1, 1), 'a bbbb c\nd e\nf g h\n')
})

test('tabwrite: the minimum width applies to every column (Kubo\'s `ls --stream` uses 10)', () => {
  assert.equal(tabwrite('a\tb\tc\n', 10, 1), 'a         b         c\n')
  assert.equal(tabwrite('', 1, 1), '')
})
