import { command, type Command } from '../command.ts'
import { InvalidArgumentError, InvalidConfigError } from '../../core/errors.ts'
import type { JSONValue } from '../../core/repo/config.ts'
import { PROFILES } from '../../core/repo/profiles.ts'
import { readAll } from '../util.ts'
import { byteOrder } from '../../core/order.ts'
import edit from './edit.ts'

const config = command({
  path: ['config'],
  tagline: 'Get and set tsipfs config values.',
  description: `
'tsipfs config' controls configuration variables. It works like 'git config'. The configuration values are
stored in a config file inside your tsipfs repository ($IPFS_PATH/config).

Examples:

Get the value of the 'Datastore.Path' key:

  $ tsipfs config Datastore.Path

Set the value of the 'Datastore.Path' key:

  $ tsipfs config Datastore.Path ~/.tsipfs/datastore

Set a JSON value:

  $ tsipfs config --json Bootstrap '["/ip4/127.0.0.1/tcp/4001/p2p/12D3…"]'`,
  args: [
    { name: 'key', type: 'string', required: true, description: 'The key of the config entry (e.g. "Addresses.API").' },
    { name: 'value', type: 'string', description: 'The value to set the config entry to.' }
  ],
  options: [
    { name: 'bool', type: 'bool', default: false, description: 'Set a boolean value.' },
    { name: 'json', type: 'bool', default: false, description: 'Parse stringified JSON.' }
  ],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const [key, raw] = args as [string, string | undefined]
    if (raw === undefined) return { Key: key, Value: sortKeys(await node.config.get(key)) }
    let value: JSONValue = raw
    if (options.json === true) {
      try {
        value = JSON.parse(raw) as JSONValue
      } catch (err) {
        throw new InvalidConfigError(`failed to unmarshal json. ${(err as Error).message}`)
      }
    } else if (options.bool === true) {
      if (raw !== 'true' && raw !== 'false') throw new InvalidArgumentError(`invalid boolean value "${raw}"`)
      value = raw === 'true'
    }
    await node.config.set(key, value)
    return { Key: key, Value: value }
  },
  // setting a value prints nothing, as Kubo
  text: (out, _options, args) => args.length === 2 ? '' : (typeof out.Value === 'string' ? out.Value : JSON.stringify(out.Value, null, 2)) + '\n'
})

/** Objects with their keys in byte order, at every depth: Kubo prints config maps as Go's encoding/json sorts them */
function sortKeys (v: JSONValue): JSONValue {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v === null || typeof v !== 'object') return v
  const out: Record<string, JSONValue> = {}
  for (const k of Object.keys(v).sort(byteOrder)) out[k] = sortKeys(v[k] as JSONValue)
  return out
}

const show = command({
  path: ['config', 'show'],
  tagline: 'Output config file contents.',
  description: 'Outputs the content of the config file (without the private key).',
  output: 'value',
  repo: 'read',
  async run ({ node }) {
    return sortKeys(await node.config.show() as unknown as JSONValue)
  },
  text: (out) => JSON.stringify(out, null, 2) + '\n'
})

const replace = command({
  path: ['config', 'replace'],
  tagline: 'Replace the config with <file>.',
  description: "Make sure to back up the config file first if necessary, as this operation can't be undone. The identity (Identity.PeerID) is kept.",
  args: [{ name: 'file', type: 'file', required: true, description: 'The file to use as the new config.' }],
  output: 'value',
  repo: 'write',
  async run ({ node, files }) {
    if (files === undefined) throw new InvalidArgumentError('argument "file" is required')
    let text = ''
    for await (const entry of files) {
      if (entry.type !== 'file' || entry.content === undefined) throw new InvalidArgumentError('config replace needs a file')
      text = new TextDecoder().decode(await readAll(entry.content, 16 * 1024 * 1024))
      break
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new InvalidConfigError('failed to decode file as config')
    }
    await node.config.replace(parsed)
    return {}
  },
  text: () => ''
})

const profile = command({
  path: ['config', 'profile'],
  tagline: 'Apply profiles to config.',
  description: 'Available profiles:\n' + Object.entries(PROFILES).map(([n, p]) => `  '${n}':\n    ${p.description}`).join('\n'),
  output: 'value',
  repo: 'none',
  async run () {
    return Object.keys(PROFILES)
  },
  text: (out) => out.join('\n') + '\n'
})

const apply = command({
  path: ['config', 'profile', 'apply'],
  tagline: 'Apply profile to config.',
  args: [{ name: 'profile', type: 'string', required: true, description: 'The profile to apply to the config.' }],
  options: [{ name: 'dry-run', type: 'bool', default: false, description: 'print difference between the current config and the config that would be generated' }],
  output: 'value',
  repo: 'write',
  async run ({ node, args, options }) {
    const names = (args[0] as string).split(',').map(s => s.trim()).filter(s => s !== '')
    for (const n of names) if (!Object.hasOwn(PROFILES, n)) throw new InvalidArgumentError(`${n} is not a profile`)
    return await node.config.applyProfile(names, { dryRun: options['dry-run'] === true })
  },
  text (out, options) {
    if (options['dry-run'] !== true) return ''
    const oldLines = JSON.stringify(out.OldCfg, null, 2).split('\n')
    const newLines = JSON.stringify(out.NewCfg, null, 2).split('\n')
    return lineDiff(oldLines, newLines).join('\n') + '\n'
  }
})

/** A unified-style line diff (LCS), enough to show what a profile changes */
function lineDiff (a: string[], b: string[]): string[] {
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[]
      row[j] = a[i] === b[j] ? (lcs[i + 1] as number[])[j + 1] as number + 1 : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number)
    }
  }
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i] as string}`)
      i++
      j++
    } else if (j < m && (i === n || ((lcs[i] as number[])[j + 1] as number) >= ((lcs[i + 1] as number[])[j] as number))) {
      out.push(`+ ${b[j] as string}`)
      j++
    } else {
      out.push(`- ${a[i] as string}`)
      i++
    }
  }
  return out
}

export default [config, show, edit, replace, profile, apply] as Command[]
