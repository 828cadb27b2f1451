import { command } from './command.ts'
import { DaemonNotRunningError } from '../core/errors.ts'

export default command({
  path: ['shutdown'],
  tagline: 'Shut down the daemon.',
  description: 'Stops the running daemon gracefully: requests in flight finish, the repo closes cleanly.',
  output: 'value',
  repo: 'read',
  daemonOnly: true,
  async run ({ shutdown }) {
    if (shutdown === undefined) throw new DaemonNotRunningError()
    // answer first, then stop
    setImmediate(shutdown)
    return {}
  },
  text: () => ''
})
