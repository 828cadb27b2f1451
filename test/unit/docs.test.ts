import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { errorClasses } from '../../src/core/errors.ts'
import { commandsMarkdown, COMMANDS_DOC } from '../../scripts/gen-docs.ts'
import { commands } from '../../src/commands/index.ts'

test('every error class is documented in docs/errors.md with its code and status', async () => {
  const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  for (const Cls of errorClasses) {
    const e = new Cls()
    assert.equal(e.name, Cls.name, `${Cls.name} sets its name`)
    assert.ok(e.message.length > 0, `${Cls.name} has a default message`)
    const row = doc.split('\n').find(l => l.startsWith(`| \`${e.name}\``))
    assert.ok(row !== undefined, `${e.name} is in docs/errors.md`)
    assert.match(row, new RegExp(`\\| ${e.code} \\| ${e.status} \\|`), `${e.name} row shows code ${e.code} and status ${e.status}`)
  }
})

test('docs/commands.md is generated from the current command tree (run `npm run docs`)', async () => {
  const doc = await readFile(COMMANDS_DOC, 'utf8')
  assert.equal(doc, commandsMarkdown())
})

test('every command has a tagline, and every option and argument a description', () => {
  const seen = new Set<string>()
  for (const c of commands) {
    const key = c.path.join(' ')
    assert.ok(!seen.has(key), `${key} is defined once`)
    seen.add(key)
    assert.ok(c.tagline.length > 0, `${key} has a tagline`)
    for (const o of c.options ?? []) assert.ok(o.description.length > 0, `${key} --${o.name} has a description`)
    for (const a of c.args ?? []) assert.ok(a.description.length > 0, `${key} <${a.name}> has a description`)
  }
})
