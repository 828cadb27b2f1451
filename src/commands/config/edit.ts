/**
 * `tsipfs config edit`: the repo's config file in $EDITOR, as Kubo opens it (CLI only, no repo lock, so a
 * running daemon does not stop it), then checked as the repo checks it when it opens.
 */
import { spawn } from 'node:child_process'
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { command } from '../command.ts'
import { InvalidArgumentError, InvalidConfigError } from '../../core/errors.ts'
import { readConfig } from '../../core/repo/repo.ts'
import { repoPathFrom } from '../../cli/execute.ts'

/**
 * $EDITOR split into words as Kubo splits it (go-shlex in POSIX mode): whitespace between words, '…' and "…"
 * quoting, backslash escapes (inside "…" only before " and \); an unclosed quote or a trailing backslash fails
 */
export function splitEditor (text: string): string[] {
  const words: string[] = []
  const isSpace = (c: string): boolean => /^\s$/u.test(c)
  let word = ''
  let inWord = false
  let quote = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quote !== '') {
      if (c === quote) {
        quote = ''
      } else if (c === '\\' && quote === '"') {
        const next = text[++i]
        if (next === undefined) throw new InvalidArgumentError('cannot parse $EDITOR value: No escaped character')
        word += next === '"' || next === '\\' ? next : c + next
      } else {
        word += c
      }
    } else if (isSpace(c)) {
      if (inWord && word !== '') words.push(word)
      word = ''
      inWord = false
    } else if (c === '\\') {
      const next = text[++i]
      if (next === undefined) throw new InvalidArgumentError('cannot parse $EDITOR value: No escaped character')
      word += next
      inWord = true
    } else if (c === '"' || c === "'") {
      quote = c
      inWord = true
    } else {
      word += c
      inWord = true
    }
  }
  if (quote !== '') throw new InvalidArgumentError('cannot parse $EDITOR value: No closing quotation')
  if (inWord && word !== '') words.push(word)
  return words
}

/** Go's names of the signals an editor may die of (os/exec's "signal: …") */
const SIGNAL_NAMES: Record<string, string> = {
  SIGHUP: 'hangup', SIGINT: 'interrupt', SIGQUIT: 'quit', SIGABRT: 'aborted', SIGKILL: 'killed', SIGSEGV: 'segmentation fault',
  SIGPIPE: 'broken pipe', SIGTERM: 'terminated', SIGBUS: 'bus error'
}

/** Go's words for an editor that could not start */
const START_ERRORS: Record<string, string> = { ENOENT: 'no such file or directory', EACCES: 'permission denied', ENOTDIR: 'not a directory' }

/** Run the editor on the file with this terminal, as Go's exec.Command(…).Run() does, failing in its words */
async function runEditor (editor: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(editor, args, { stdio: 'inherit' })
    child.on('error', (err: NodeJS.ErrnoException) => {
      // a bare name is looked up in $PATH first: Go says it was not found there, whatever the reason
      if (!editor.includes('/')) reject(new InvalidArgumentError(`exec: ${JSON.stringify(editor)}: executable file not found in $PATH`))
      else reject(new InvalidArgumentError(`fork/exec ${editor}: ${START_ERRORS[err.code ?? ''] ?? err.message}`))
    })
    child.on('exit', (code, signal) => {
      if (signal !== null) reject(new InvalidArgumentError(`signal: ${SIGNAL_NAMES[signal] ?? signal}`))
      else if (code !== 0) reject(new InvalidArgumentError(`exit status ${code ?? -1}`))
      else resolve()
    })
  })
}

export default command<undefined>({
  path: ['config', 'edit'],
  tagline: 'Open the config file for editing in $EDITOR.',
  description: `
To use 'tsipfs config edit', you must have the $EDITOR environment
variable set to your preferred text editor.

When the editor exits, the file is checked as tsipfs checks it when it
opens the repo. A config that is not valid (JSON, the type of a key) is
reported in one error line, and kept on disk as you left it, so that
nothing you typed is lost: run 'tsipfs config edit' again to fix it (the
repo does not open until then).

As in Kubo, it runs here whether a daemon is running or not: a running
daemon keeps the config it started with until it is restarted.`,
  output: 'value',
  repo: 'none',
  cliOnly: true,
  async run ({ options }) {
    const value = process.env.EDITOR ?? ''
    if (value === '') throw new InvalidArgumentError('ENV variable $EDITOR not set')
    const [editor, ...args] = splitEditor(value)
    if (editor === undefined) throw new InvalidArgumentError('cannot parse $EDITOR value: no command in it')
    const dir = repoPathFrom(options)
    const file = join(dir, 'config')
    await runEditor(editor, [...args, file])
    // no file before and none after (no repo here, and nothing saved): nothing to check, as Kubo checks nothing
    const saved = await access(file).then(() => true, () => false)
    if (!saved) return undefined
    try {
      await readConfig(dir)
    } catch (err) {
      throw new InvalidConfigError(`${(err as Error).message} (the edit is kept: run 'tsipfs config edit' to fix it)`)
    }
    return undefined
  },
  text: () => ''
})
