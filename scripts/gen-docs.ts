/**
 * Writes docs/commands.md from the command tree (the same data as --help). `npm run docs` rewrites it; a
 * unit test fails when it is out of date.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { commands } from '../src/commands/index.ts'
import { GLOBAL_OPTIONS, type Command, type OptionDef } from '../src/commands/command.ts'

function optionRow (o: OptionDef): string {
  const names = [o.name, ...(o.aliases ?? [])].map(n => `\`${n.length === 1 ? '-' : '--'}${n}\``).join(', ')
  const dflt = o.default === undefined ? '' : `\`${JSON.stringify(o.default)}\``
  return `| ${names} | ${o.type} | ${dflt} | ${o.description.replaceAll('|', '\\|')} |`
}

function section (cmd: Command): string {
  const lines = [`## tsipfs ${cmd.path.join(' ')}`, '', cmd.tagline, '']
  if (cmd.description !== undefined) lines.push('```text', cmd.description.trim(), '```', '')
  const args = cmd.args ?? []
  if (args.length > 0) {
    lines.push('| argument | required | description |', '|---|---|---|')
    for (const a of args) lines.push(`| \`<${a.name}>${a.variadic === true ? '...' : ''}\` | ${a.required === true ? 'yes' : 'no'} | ${a.description} |`)
    lines.push('')
  }
  const opts = cmd.options ?? []
  if (opts.length > 0) {
    lines.push('| option | type | default | description |', '|---|---|---|---|', ...opts.map(optionRow), '')
  }
  lines.push(cmd.cliOnly === true ? 'CLI only.' : `RPC: \`POST /api/v0/${cmd.path.join('/')}\` (${cmd.output === 'value' ? 'one JSON value' : cmd.output === 'stream' ? 'NDJSON stream' : 'raw bytes'}).`, '')
  return lines.join('\n')
}

export function commandsMarkdown (): string {
  const sorted = [...commands].sort((a, b) => a.path.join(' ').localeCompare(b.path.join(' ')))
  return [
    '# Command reference',
    '',
    'Generated from the command tree (src/commands) by `npm run docs`; do not edit by hand.',
    'Each command is the same on the CLI (`tsipfs <command>`) and on the RPC API (`POST /api/v0/<command>`).',
    '',
    ...sorted.map(c => `- [${c.path.join(' ')}](#tsipfs-${c.path.join('-')}): ${c.tagline}`),
    '',
    '## Global options',
    '',
    '| option | type | default | description |', '|---|---|---|---|', ...GLOBAL_OPTIONS.map(optionRow),
    '',
    ...sorted.map(section)
  ].join('\n')
}

export const COMMANDS_DOC = fileURLToPath(new URL('../docs/commands.md', import.meta.url))

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(COMMANDS_DOC, commandsMarkdown())
  console.log(`wrote ${COMMANDS_DOC}`)
}
