/**
 * Log lines gathered and written together once per turn of the event loop. A busy broker logs
 * one line per request; writing each to stderr on its own costs a system call per request, and
 * under load that was a tenth of the token route's time (docs/benchmarks.md). Lines reach the
 * stream in order, at the latest when the current turn ends, and `flush()` writes what is left
 * at once (the broker calls it on shutdown and at exit, so no line is lost).
 */
export interface LineBuffer {
  /** Queues one line (without its newline). */
  write(line: string): void
  /** Writes every queued line now. */
  flush(): void
}

/** A LineBuffer over `sink` (e.g. `(text) => process.stderr.write(text)`). */
export function lineBuffer(sink: (text: string) => void): LineBuffer {
  let queued: string[] = []
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (queued.length === 0) return
    const text = `${queued.join('\n')}\n`
    queued = []
    sink(text)
  }
  return {
    write(line) {
      queued.push(line)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
