/**
 * "Waiting for …" while login waits on a person. On a terminal: a spinner with the time left,
 * redrawn in place (its glyph coloured unless NO_COLOR is set). Anywhere else (a pipe, a log,
 * TERM=dumb): one plain line, because carriage returns make a mess of logs.
 */
import type { Output } from '../command.js'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const CLEAR_LINE = '\r\x1b[2K'
const FRAME_MS = 100

export interface Waiting {
  /** A line of its own above the spinner (a refused callback, a slow-down). */
  note(text: string): void
  stop(): void
}

/** True when `out` is an interactive terminal that understands redrawing a line. */
export function isInteractive(out: Output, env: Record<string, string | undefined>): boolean {
  return (out as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb'
}

/** no-color.org: any non-empty NO_COLOR turns colour off. */
export function colourAllowed(env: Record<string, string | undefined>): boolean {
  return (env.NO_COLOR ?? '') === ''
}

function remaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

export function startWaiting(o: {
  out: Output
  env: Record<string, string | undefined>
  text: string
  deadline: number
  now?: () => number
}): Waiting {
  const now = o.now ?? Date.now
  if (!isInteractive(o.out, o.env)) {
    o.out.write(`${o.text} (up to ${remaining(o.deadline - now())} min; Ctrl-C cancels)\n`)
    return { note: (text) => o.out.write(`${text}\n`), stop() {} }
  }
  const colour = colourAllowed(o.env)
  let frame = 0
  const draw = (): void => {
    const glyph = FRAMES[frame++ % FRAMES.length] ?? '*'
    const shown = colour ? `\x1b[36m${glyph}\x1b[39m` : glyph
    o.out.write(
      `${CLEAR_LINE}${shown} ${o.text} (${remaining(o.deadline - now())} left; Ctrl-C cancels)`,
    )
  }
  draw()
  const timer = setInterval(draw, FRAME_MS)
  timer.unref()
  return {
    note(text) {
      o.out.write(`${CLEAR_LINE}${text}\n`)
      draw()
    },
    stop() {
      clearInterval(timer)
      o.out.write(CLEAR_LINE)
    },
  }
}
