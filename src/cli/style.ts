/**
 * Marks for result lines: ✓ and ✗, green and red on a terminal unless NO_COLOR is set
 * (no-color.org), plain in a pipe or a log.
 */
import type { Output } from './command.js'
import { colourAllowed, isInteractive } from './login/spinner.js'

export interface Marks {
  ok: string
  failed: string
}

export function marks(out: Output, env: Record<string, string | undefined>): Marks {
  const colour = isInteractive(out, env) && colourAllowed(env)
  return colour ? { ok: '\x1b[32m✓\x1b[0m', failed: '\x1b[31m✗\x1b[0m' } : { ok: '✓', failed: '✗' }
}
