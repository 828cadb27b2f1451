/** The `key` commands: the keystore */
import type { Command } from '../command.ts'
import gen from './gen.ts'
import list from './list.ts'
import rename from './rename.ts'
import rm from './rm.ts'
import importCmd from './import.ts'
import exportCmd from './export.ts'
import rotate from './rotate.ts'
import sign from './sign.ts'
import verify from './verify.ts'

export default [gen, list, rename, rm, importCmd, exportCmd, rotate, sign, verify] as Command[]
