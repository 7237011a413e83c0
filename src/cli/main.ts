/**
 * `zoho-auth <command> …`: finds the command, runs it, turns errors into messages and exit codes.
 */
import { readFileSync } from 'node:fs'
import { EXIT_FAILURE, EXIT_USAGE, type CommandContext, type Input } from './command.js'
import { commands } from './commands/index.js'

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8)
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  return [
    'zoho-auth — Zoho OAuth made boring',
    '',
    'Usage: zoho-auth <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  --help     show help (also: zoho-auth <command> --help)',
    '  --version  print the version',
    '',
    'Configuration comes from flags, then the environment, then .env in the working directory',
    '(ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_DC, ZOHO_AUTH_DB, ZOHO_AUTH_ENCRYPTION_KEY, …).',
    '',
  ].join('\n')
}

/**
 * The executable hands over no stdin (yet); commands get the process's own, touched only when
 * read, so `token` does not pay for opening it.
 */
const processStdin: Input = {
  fd: 0,
  [Symbol.asyncIterator]: () => process.stdin[Symbol.asyncIterator](),
}

/** Runs the CLI with `argv` (without `node` and the script) and resolves to the exit code. */
export async function runCli(
  argv: string[],
  context: Omit<CommandContext, 'argv'>,
): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    context.stdout.write(helpText())
    return name === undefined ? EXIT_USAGE : 0
  }
  if (name === '--version' || name === '-v') {
    context.stdout.write(`${packageVersion()}\n`)
    return 0
  }
  const entry = commands.find((c) => c.name === name)
  if (!entry) {
    context.stderr.write(`zoho-auth: unknown command "${name}"\n\n${helpText()}`)
    return EXIT_USAGE
  }
  const command = await entry.load()
  // After `--` the words are another program's (`exec -- tool --help`).
  const own = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest
  if (own.includes('--help') || own.includes('-h')) {
    context.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`)
    return 0
  }
  try {
    const running = command.run({ ...context, stdin: context.stdin ?? processStdin, argv: rest })
    return await (command.stopsOnSignal === true ? running : untilInterrupted(running, context))
  } catch (error) {
    // Loaded on failure only: every error class and remedy is start-up cost `--version` and a
    // working `$(zoho-auth token)` never need.
    const { reportError } = await import('./report-error.js')
    const code = reportError(error, command.usage, context)
    // A command that stops by itself on Ctrl-C (and says what it left behind) still exits as a
    // stopped process does, so shells and scripts see the interruption.
    return context.signal.aborted && code === EXIT_FAILURE
      ? signalExitCode(context.signal.reason)
      : code
  }
}

/** What a process stopped by a signal exits with: 128 + the signal's number, as shells do. */
export function signalExitCode(signal: unknown): number {
  return signal === 'SIGTERM' ? 143 : 130
}

/**
 * The command's exit code, or, once `context.signal` is aborted (a first Ctrl-C), the signal's:
 * the command stops being waited for at once, and what it has in flight (a token being written,
 * the store closing) may finish while the executable allows it.
 */
function untilInterrupted(
  work: Promise<number>,
  context: Omit<CommandContext, 'argv'>,
): Promise<number> {
  const { signal } = context
  let stop = (): void => {}
  const interrupted = new Promise<number>((resolve) => {
    stop = () => {
      const name = typeof signal.reason === 'string' ? signal.reason : 'SIGINT'
      context.stderr.write(
        `zoho-auth: interrupted (${name}); letting what is in flight finish, press Ctrl-C again to quit at once\n`,
      )
      resolve(signalExitCode(name))
    }
    if (signal.aborted) stop()
    else signal.addEventListener('abort', stop, { once: true })
  })
  // Interrupted first, the command's later failure has nobody to report to.
  work.catch(() => undefined)
  return Promise.race([work, interrupted]).finally(() => signal.removeEventListener('abort', stop))
}
