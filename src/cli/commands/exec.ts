import { needsRefresh } from '../../tokens/connection.js'
import type { AccessToken } from '../../tokens/types.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import { runChild } from '../exec-child.js'
import { openRuntime, resolveConnectionId } from '../runtime.js'

const OPTIONS = { ...CONFIG_OPTIONS, connection: { type: 'string' } } as const

// The TokenManager's default refresh margin (openRuntime sets none): inside it a token is still
// served, but a child that runs for minutes needs one with at least this much life left.
const REFRESH_MARGIN_MS = 5 * 60_000

/**
 * A token with at least the manager's margin left. Inside the margin getToken serves the current
 * token and starts a background refresh; invalidating that token joins the refresh (one flight
 * per connection, one lease across processes) instead of starting another.
 */
async function freshToken(ctx: CommandContext, values: Record<string, unknown>) {
  const runtime = await openRuntime(ctx, configFlags(values))
  try {
    const requested = typeof values.connection === 'string' ? values.connection : undefined
    const id = await resolveConnectionId(runtime, requested)
    const token: AccessToken = await runtime.manager.getToken(id)
    const stored = await runtime.manager.get(id)
    if (
      stored !== null &&
      stored.accessToken === token.accessToken &&
      needsRefresh(stored, Date.now(), REFRESH_MARGIN_MS)
    ) {
      return await runtime.manager.invalidate(id, token.accessToken)
    }
    return token
  } finally {
    // Closed before the child starts: it may run for hours and must not hold the store.
    await runtime.close()
  }
}

/** `zoho-auth exec -- COMMAND`: a token in the environment of a program that reads one there. */
export const execCommand: Command = {
  name: 'exec',
  usage: `Usage: zoho-auth exec [--connection NAME] -- COMMAND [ARGS…]

Runs COMMAND with these in its environment, for scripts that read a token from there:
  ZOHO_ACCESS_TOKEN   a valid access token of the connection (at least 5 minutes left,
                      or a quarter of its lifetime; refreshed first if it had less)
  ZOHO_API_DOMAIN     the connection's API domain, e.g. https://www.zohoapis.eu
For example:
  zoho-auth exec -- sh -c 'curl -H "Authorization: Zoho-oauthtoken $ZOHO_ACCESS_TOKEN" "$ZOHO_API_DOMAIN/crm/v8/org"'

Standard input, output and error are the command's own. zoho-auth exits with the command's
exit code (128 + n when signal n ended it; 127 when there is no such command), and passes
SIGINT and SIGTERM on to it; a command still running 2 s later is killed, with what it started.

Options:
  --connection NAME   which connection (default: "default", or the only one)

${CONFIG_USAGE}`,
  options: OPTIONS,
  stopsOnSignal: true,
  async run(ctx) {
    const split = ctx.argv.indexOf('--')
    if (split === -1) {
      throw new UsageError('put -- before the command: zoho-auth exec -- COMMAND [ARGS…]')
    }
    const { values } = parseFlags(ctx.argv.slice(0, split), OPTIONS)
    const [command, ...args] = ctx.argv.slice(split + 1)
    if (command === undefined || command === '') {
      throw new UsageError('missing COMMAND after --: zoho-auth exec -- COMMAND [ARGS…]')
    }
    const token = await freshToken(ctx, values)
    return runChild({
      command,
      args,
      env: { ...ctx.env, ZOHO_ACCESS_TOKEN: token.accessToken, ZOHO_API_DOMAIN: token.apiDomain },
      cwd: ctx.cwd,
      stdin: ctx.stdin,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      signal: ctx.signal,
    })
  },
}
