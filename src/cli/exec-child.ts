/**
 * Running `exec`'s child as a shell would: stdio inherited (the process's own descriptors, so a
 * child on a terminal still sees a terminal), its exit code passed through, 128 + n when a signal
 * ended it, 127 when there is no such command, and SIGINT/SIGTERM forwarded to it. A child that
 * does not stop is killed, with whatever it started, so no process outlives zoho-auth.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { once } from 'node:events'
import { constants } from 'node:os'
import { isatty } from 'node:tty'
import type { Input, Output } from './command.js'

export const EXIT_NOT_EXECUTABLE = 126
export const EXIT_NOT_FOUND = 127

/**
 * How long a child may take to stop once the signal is passed on, before it and its process group
 * get SIGKILL. Shorter than bin/zoho-auth.js's 3 s grace, so the kill is sent and the child reaped
 * before the executable gives up and exits.
 */
export const CHILD_STOP_GRACE_MS = 2000

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

/**
 * On a terminal the child stays in zoho-auth's process group: Ctrl-C reaches it (and what it
 * started) from the terminal itself, and it keeps the terminal for prompts (`/dev/tty`). Off a
 * terminal it leads a group of its own, so a signal and the final kill reach its whole tree;
 * zoho-auth's group may hold the caller's script, which must never be signalled.
 */
function onTerminal(stdio: StdioOptions): boolean {
  return Array.isArray(stdio) && stdio.some((fd) => typeof fd === 'number' && isatty(fd))
}

/**
 * Signals the child's group when it leads one (even once the child itself has exited: what it
 * started may still hold its output open), else the child alone. Gone already is fine.
 */
function signalTree(child: ChildProcess, ownGroup: boolean, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    if (ownGroup) process.kill(-child.pid, signal)
    else if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  } catch {
    // ESRCH: the group ended between the child's exit and the signal.
  }
}

/** Runs the child to its end and resolves to the exit code zoho-auth should exit with. */
export function runChild(spec: ChildSpec): Promise<number> {
  return new Promise((resolve) => {
    const stdio = stdioOf(spec)
    const ownGroup = !onTerminal(stdio)
    const child = spawn(spec.command, spec.args, {
      env: spec.env,
      cwd: spec.cwd,
      stdio,
      detached: ownGroup,
    })
    let settled = false
    let killTimer: NodeJS.Timeout | undefined
    let killedAs: NodeJS.Signals | undefined
    const finish = (code: number): void => {
      if (settled) return
      settled = true
      clearTimeout(killTimer)
      spec.signal.removeEventListener('abort', forward)
      process.removeListener('exit', killNow)
      resolve(code)
    }
    // The last resort: a second Ctrl-C or the executable's own grace ends the process at once
    // (process.exit), and the child must not outlive it.
    const killNow = (): void => signalTree(child, ownGroup, 'SIGKILL')
    const forward = (): void => {
      const signal = forwardedSignal(spec.signal.reason)
      signalTree(child, ownGroup, signal)
      killTimer = setTimeout(() => {
        killedAs = signal
        spec.stderr.write(
          `zoho-auth: exec: ${spec.command} did not stop within ${CHILD_STOP_GRACE_MS / 1000} s of ${signal}; killed it\n` +
            '  → Make the command exit on SIGINT/SIGTERM, or stop it from its own interface.\n',
        )
        killNow()
      }, CHILD_STOP_GRACE_MS)
    }
    process.once('exit', killNow)
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
      // Killed after the grace, zoho-auth reports the signal it was stopped with, as for a child
      // that obeyed it.
      if (killedAs !== undefined) finish(signalExit(killedAs))
      else finish(code ?? (signal ? signalExit(signal) : 1))
    })
  })
}
