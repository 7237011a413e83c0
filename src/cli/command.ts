/**
 * A CLI command is a plain object in its own file (cli/commands/<name>.ts). Commands never touch
 * `process` directly: the runner hands them their arguments, environment and output streams, so
 * tests call them in-process.
 */

export interface Output {
  write(text: string): void
}

export interface CommandContext {
  /** Arguments after the command name (and sub-command, if any). */
  argv: string[]
  env: Record<string, string | undefined>
  cwd: string
  stdout: Output
  stderr: Output
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM). */
  signal: AbortSignal
}

export interface Command {
  name: string
  /** One line for `zoho-auth --help`. */
  summary: string
  /** Full usage text for `zoho-auth <name> --help`. */
  usage: string
  /** Resolves to the exit code: 0 success, 1 failure, 2 misuse. */
  run(ctx: CommandContext): Promise<number>
  /**
   * The command ends by itself when `ctx.signal` aborts (a server that then closes), so the
   * runner waits for its exit code. Others are stopped at the signal with exit 130/143.
   */
  stopsOnSignal?: boolean
}

/** Thrown for misuse (unknown flag, missing argument): the runner prints it with usage, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
