/** `tsipfs provide stat`: what the provide system has announced, and how fast. */
import { command, type Command } from '../command.ts'
import { ONLINE } from '../routing/events.ts'
import type { ProvideStats } from '../../core/routing/api.ts'

function duration (ns: number): string {
  const ms = ns / 1e6
  return ms < 1000 ? `${ms.toFixed(3).replace(/\.?0+$/, '')}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`
}

const stat = command<ProvideStats>({
  path: ['provide', 'stat'],
  tagline: 'Returns statistics about the node\'s provider system.',
  description: `
Counts of announced CIDs and reprovide runs since the daemon started, the time of the last reprovide run,
the number of CIDs waiting to be announced, and the Provide.Strategy in use. Durations in the JSON output
are nanoseconds.${ONLINE}`,
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ node }) {
    return node.routing.stat()
  },
  text: (s) => [
    `TotalProvides:          ${s.TotalProvides}`,
    `TotalReprovides:        ${s.TotalReprovides}`,
    `AvgProvideDuration:     ${duration(s.AvgProvideDuration)}`,
    `LastReprovideDuration:  ${duration(s.LastReprovideDuration)}`,
    `LastReprovideBatchSize: ${s.LastReprovideBatchSize}`,
    `LastRun:                ${s.LastRun === '' ? 'never' : s.LastRun}`,
    `QueueSize:              ${s.QueueSize}`,
    `Strategy:               ${s.Strategy}`
  ].join('\n') + '\n'
})

export default stat as Command
