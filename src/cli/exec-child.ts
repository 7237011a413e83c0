/**
 * Running `exec`'s child as a shell would: stdio inherited (the process's own descriptors, so a
 * child on a terminal still sees a terminal), its exit code passed through, 128 + n when a signal
 * ended it, 127 when there is no such command, and SIGINT/SIGTERM forwarded to it.
 */
import { spawn, type StdioOptions } from 'node:child_process'
import { once } from 'node:events'
import { constants } from 'node:os'
import type { Input, Output } from './command.js'

export const EXIT_NOT_EXECUTABLE = 126
export const EXIT_NOT_FOUND = 127

export interface ChildSpec {
  command: string
  args: string[]
  env: Record<string, string | undefined>
  cwd: string
  stdin: Input | undefined
  stdout: Output
  stderr: Output
  /** Aborting it forwards the signal named by its reason (`'SIGINT'`), else SIGTERM. */
  signal: AbortSignal
}

/** What a shell reports for a process a signal ended: 128 + the signal's number. */
export function signalExit(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0)
}

function forwardedSignal(reason: unknown): NodeJS.Signals {
  return reason === 'SIGINT' || reason === 'SIGTERM' ? reason : 'SIGTERM'
}

/** A stream with a descriptor is handed to the child as is; others are piped through. */
function stdioOf(spec: ChildSpec): StdioOptions {
  const fd = (stream: { fd?: unknown } | undefined): number | undefined =>
    typeof stream?.fd === 'number' ? stream.fd : undefined
  return [
    spec.stdin === undefined ? 'ignore' : (fd(spec.stdin) ?? 'pipe'),
    fd(spec.stdout) ?? 'pipe',
    fd(spec.stderr) ?? 'pipe',
  ]
}

async function pump(input: Input, to: NodeJS.WritableStream): Promise<void> {
  for await (const chunk of input) {
    if (!to.write(chunk)) await once(to, 'drain')
  }
  to.end()
}

/** Runs the child to its end and resolves to the exit code zoho-auth should exit with. */
export function runChild(spec: ChildSpec): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      cwd: spec.cwd,
      stdio: stdioOf(spec),
    })
    let settled = false
    const finish = (code: number): void => {
      if (settled) return
      settled = true
      spec.signal.removeEventListener('abort', forward)
      resolve(code)
    }
    const forward = (): void => void child.kill(forwardedSignal(spec.signal.reason))
    spec.signal.addEventListener('abort', forward, { once: true })
    if (spec.signal.aborted) forward()

    child.stdout?.setEncoding('utf8').on('data', (text: string) => spec.stdout.write(text))
    child.stderr?.setEncoding('utf8').on('data', (text: string) => spec.stderr.write(text))
    if (child.stdin && spec.stdin) {
      // A child that exits without reading its input closes the pipe: not our error.
      child.stdin.on('error', () => undefined)
      pump(spec.stdin, child.stdin).catch(() => undefined)
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT'
      const code = notFound ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE
      const what = notFound
        ? `command not found: ${spec.command}`
        : `cannot run ${spec.command}: ${error.code ?? error.message}`
      const remedy = notFound
        ? 'Check the spelling, or give its path (the command is looked up in PATH).'
        : 'Check that the file is a program you may execute (chmod +x), or give another path.'
      spec.stderr.write(`zoho-auth: exec: ${what}\n  → ${remedy}\n`)
      finish(code)
    })
    child.on('close', (code, signal) => {
      finish(code ?? (signal ? signalExit(signal) : 1))
    })
  })
}
