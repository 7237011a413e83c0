/**
 * A CLI command is a plain object in its own file (cli/commands/<name>.ts). Commands never touch
 * `process` directly: the runner hands them their arguments, environment and output streams, so
 * tests call them in-process.
 */
import type { ParseArgsConfig } from 'node:util'

export interface Output {
  write(text: string): void
  /** True on an interactive terminal (process.stdout has it); pretty output and colour key on it. */
  isTTY?: boolean
  /** The file descriptor behind the stream, when there is one: `exec` hands it to its child. */
  fd?: number
}

/** Standard input: bytes as they come (process.stdin is one). */
export interface Input extends AsyncIterable<Uint8Array | string> {
  fd?: number
}

export interface CommandContext {
  /** Arguments after the command name (and sub-command, if any). */
  argv: string[]
  env: Record<string, string | undefined>
  cwd: string
  stdout: Output
  stderr: Output
  /** Read by `--data @-` and inherited by `exec`'s child; absent means none. */
  stdin?: Input
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM). */
  signal: AbortSignal
}

/** The flags a command takes, as util.parseArgs declares them. */
export type FlagOptions = NonNullable<ParseArgsConfig['options']>

export interface Command {
  name: string
  /** Full usage text for `zoho-auth <name> --help`. (The one-line summary lives in the registry.) */
  usage: string
  /** The flags it parses: shell completion offers them. */
  options?: FlagOptions
  /** Sub-commands by their words (`'leads create'`) and the flags each parses, for completion. */
  subcommands?: Record<string, FlagOptions>
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
