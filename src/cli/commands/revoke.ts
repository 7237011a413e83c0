import type { Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { openRuntime, resolveConnectionId } from '../runtime.js'

/**
 * Revokes the refresh token at Zoho and keeps the connection, marked `revoked`, so `connections
 * list` still shows what it was (see docs/architecture.md, "What revoke means").
 */
const OPTIONS = { ...CONFIG_OPTIONS, connection: { type: 'string' } } as const

export const revokeCommand: Command = {
  name: 'revoke',
  options: OPTIONS,
  usage: `Usage: zoho-auth revoke [--connection NAME]

Revokes the connection's refresh token at Zoho (the grant ends there too) and keeps the
connection, marked revoked, so it is still listed. \`zoho-auth connections remove NAME\` forgets
it; \`zoho-auth exchange --code CODE --connection NAME --replace\` connects it again.
Revoking a connection that is already revoked does nothing. If Zoho cannot be reached the
connection is left as it was.

Options:
  --connection NAME   which connection (default: the one \`connections use\` chose, else
                      "default", else the only one)

${CONFIG_USAGE}`,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      const id = await resolveConnectionId(runtime, values.connection)
      await runtime.manager.revoke(id)
      ctx.stdout.write(
        `Connection "${id}" revoked at Zoho and kept as revoked. Run \`zoho-auth connections remove ${id}\` to forget it.\n`,
      )
      return 0
    } finally {
      await runtime.close()
    }
  },
}
