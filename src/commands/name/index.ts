/** The `name` commands: IPNS */
import type { Command } from '../command.ts'
import publish from './publish.ts'
import resolve from './resolve.ts'
import inspect from './inspect.ts'
import get from './get.ts'
import put from './put.ts'

export default [publish, resolve, inspect, get, put] as Command[]
