/**
 * `zoho-auth <command> …`: finds the command, runs it, turns errors into messages and exit codes.
 */
import { readFileSync } from 'node:fs'
import { ZohoAuthError } from '../protocol/errors.js'
import { redact } from '../protocol/redact.js'
import { ERR_CONNECTION_EXISTS } from '../stores/errors.js'
import {
  ERR_CONNECTION_NOT_FOUND,
  ERR_CONNECTION_REVOKED,
  ERR_NEEDS_REAUTH,
} from '../tokens/errors.js'
import { apiRemedyInCli } from './api-remedies.js'
import { EXIT_FAILURE, EXIT_USAGE, UsageError, type CommandContext, type Input } from './command.js'
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
    return await command.run({ ...context, stdin: context.stdin ?? processStdin, argv: rest })
  } catch (error) {
    return reportError(error, command.usage, context)
  }
}

/** The library's remedies speak of APIs; at a shell, name the command that does it. */
function remedyInCli(error: ZohoAuthError): string {
  const id =
    'connectionId' in error && typeof error.connectionId === 'string' ? error.connectionId : 'NAME'
  switch (error.code) {
    case ERR_CONNECTION_NOT_FOUND:
      return 'Run `zoho-auth connections list` to see the names, or create one with `zoho-auth exchange --code CODE` or `zoho-auth import`.'
    case ERR_CONNECTION_EXISTS:
      return 'Pass --replace to overwrite it, or choose another name with --connection NAME.'
    case ERR_NEEDS_REAUTH:
    case ERR_CONNECTION_REVOKED:
      return `Mint a new code and run \`zoho-auth exchange --code CODE --connection ${id} --replace\` (or import a new refresh token with --replace).`
    default:
      return apiRemedyInCli(error) ?? error.remedy
  }
}

function reportError(error: unknown, usage: string, context: Omit<CommandContext, 'argv'>): number {
  if (error instanceof UsageError) {
    context.stderr.write(`zoho-auth: ${error.message}\n\n${usage}\n`)
    return EXIT_USAGE
  }
  if (error instanceof ZohoAuthError) {
    // Zoho's details name the field or parameter it refused (api_name, param_name).
    const details =
      'details' in error && error.details !== undefined
        ? `  details: ${redact(JSON.stringify(error.details))}\n`
        : ''
    context.stderr.write(`zoho-auth: ${error.message}\n${details}  → ${remedyInCli(error)}\n`)
    return EXIT_FAILURE
  }
  const message = error instanceof Error ? error.message : String(error)
  context.stderr.write(`zoho-auth: ${redact(message)}\n`)
  return EXIT_FAILURE
}
