/** Runs the CLI in-process, as `zoho-auth …` would, and keeps what it printed. */
import { tmpdir } from 'node:os'
import { Readable } from 'node:stream'
import { runCli } from '../../src/cli/main.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  /** What the command reads on stdin; default: nothing (never the test process's own). */
  stdin?: string
  /** Pretend stdout is a terminal. */
  tty?: boolean
  signal?: AbortSignal
}

export async function runCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  options: RunOptions = {},
): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    env,
    cwd: env.HOME ?? tmpdir(),
    stdout: { write: (s) => void (stdout += s), isTTY: options.tty === true },
    stderr: { write: (s) => void (stderr += s) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    signal: options.signal ?? new AbortController().signal,
  })
  return { code, stdout, stderr }
}

/**
 * stderr less emulator mode's one-line warning, which every command against the emulator prints
 * (test/cli-config.test.ts checks the warning itself); what is left is what the test is about.
 */
export function withoutEmulatorNotice(stderr: string): string {
  return stderr.replace(/^zoho-auth: warning: emulator mode: [^\n]*\n/m, '')
}
