/** `tsipfs name pubsub …`: the IPNS over pubsub resolver's state and subscriptions */
import type { Command } from '../../command.ts'
import cancel from './cancel.ts'
import state from './state.ts'
import subs from './subs.ts'

export default [cancel, state, subs] as Command[]
