/**
 * `--data JSON|@file|@-`, as gh and curl take it: the text itself, a file (relative to the
 * working directory), or standard input. Read whole and parsed here, so a typo is misuse
 * (exit 2) before anything is sent, and a body can be sent again after a refused token.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { redact } from '../protocol/redact.js'
import { UsageError, type CommandContext, type Input } from './command.js'

async function readAll(input: Input): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
  }
  return text + decoder.decode()
}

/** The text `value` stands for: itself, `@file`'s contents, or stdin for `@-`. */
export async function readDataText(
  value: string,
  ctx: Pick<CommandContext, 'cwd' | 'stdin'>,
  flag = '--data',
): Promise<{ text: string; source: string }> {
  if (value === '@-') {
    if (ctx.stdin === undefined) throw new UsageError(`${flag} @-: there is no standard input`)
    return { text: await readAll(ctx.stdin), source: 'standard input' }
  }
  if (!value.startsWith('@')) return { text: value, source: flag }
  const path = value.slice(1)
  if (path === '') throw new UsageError(`${flag} @ needs a file name: ${flag} @body.json`)
  try {
    return { text: await readFile(resolve(ctx.cwd, path), 'utf8'), source: path }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : String((error as Error).message)
    throw new UsageError(`${flag} @${path}: cannot read it (${why})`)
  }
}

/** `--data`'s value parsed as JSON; a parse error names where the text came from. */
export async function readJsonData(
  value: string,
  ctx: Pick<CommandContext, 'cwd' | 'stdin'>,
  flag = '--data',
): Promise<unknown> {
  const { text, source } = await readDataText(value, ctx, flag)
  if (text.trim() === '') throw new UsageError(`${flag}: ${source} is empty; pass JSON`)
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    // V8 quotes part of the text; it might hold a token a script put there.
    const reason = redact(error instanceof Error ? error.message : String(error))
    throw new UsageError(
      `${flag}: ${source} is not JSON (${reason}); pass JSON text, @file or @- for stdin`,
    )
  }
}
