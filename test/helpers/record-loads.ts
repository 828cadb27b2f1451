/**
 * Preloaded with `--import` into a CLI process: writes the URL of every module the process loaded to the
 * file named by TSIPFS_TEST_LOADS when it exits (test/e2e/basics.test.ts checks what start-up loads).
 */
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'

const urls: string[] = []
registerHooks({
  load (url, context, next) {
    urls.push(url)
    return next(url, context)
  }
})
process.once('exit', () => { writeFileSync(process.env.TSIPFS_TEST_LOADS as string, urls.join('\n')) })
