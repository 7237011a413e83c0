/**
 * How a failed command is reported: misuse with its usage (exit 2), a ZohoAuthError with Zoho's
 * details and the remedy as a command to run (exit 1), anything else redacted (exit 1).
 */
import { ZohoAuthError } from '../protocol/errors.js'
import { redact } from '../protocol/redact.js'
import { ERR_CONNECTION_EXISTS } from '../stores/errors.js'
import {
  ERR_CONNECTION_NOT_FOUND,
  ERR_CONNECTION_REVOKED,
  ERR_NEEDS_REAUTH,
} from '../tokens/errors.js'
import { apiRemedyInCli } from './api-remedies.js'
import { oauthRemedyInCli } from './oauth-remedies.js'
import { EXIT_FAILURE, EXIT_USAGE, UsageError, type CommandContext } from './command.js'

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
      return `Mint a new code and run \`zoho-auth exchange --code CODE --connection ${id} --replace\` (Self Client), or run \`zoho-auth login --connection ${id}\` (Server-based client), or import a new refresh token with \`zoho-auth import --connection ${id} --replace\`; \`zoho-auth doctor --connection ${id}\` says which fits.`
    default:
      return apiRemedyInCli(error) ?? oauthRemedyInCli(error) ?? error.remedy
  }
}

export function reportError(
  error: unknown,
  usage: string,
  context: Omit<CommandContext, 'argv'>,
): number {
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
