import { UsageError, type Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { describeConnection } from '../format.js'
import { openRuntime, requireClient } from '../runtime.js'

const OPTIONS = {
  ...CONFIG_OPTIONS,
  'refresh-token': { type: 'string' },
  connection: { type: 'string' },
  replace: { type: 'boolean' },
} as const

/** Stores an existing refresh token (e.g. from an old `.env`) as an encrypted connection. */
export const importCommand: Command = {
  name: 'import',
  usage: `Usage: zoho-auth import [--refresh-token TOKEN] [--connection NAME] [--replace]

Imports a refresh token you already have (default: ZOHO_REFRESH_TOKEN) and stores
it encrypted as a connection. The token is checked with one refresh right away, so
a dead token fails now rather than in production. After importing, remove the token
from your .env: the store keeps it encrypted.

Options:
  --refresh-token T   the refresh token (default: ZOHO_REFRESH_TOKEN)
  --connection NAME   name of the new connection (default: "default")
  --replace           overwrite an existing connection of that name

${CONFIG_USAGE}`,
  options: OPTIONS,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      const refreshToken = values['refresh-token'] ?? runtime.config.refreshToken
      if (!refreshToken) {
        throw new UsageError('no refresh token: pass --refresh-token or set ZOHO_REFRESH_TOKEN')
      }
      requireClient(runtime.config)
      const connection = await runtime.manager.importRefreshToken({
        id: values.connection ?? 'default',
        refreshToken,
        dc: runtime.config.dc,
        replace: values.replace ?? false,
      })
      ctx.stdout.write(`${describeConnection(connection)}\n`)
      return 0
    } finally {
      await runtime.close()
    }
  },
}
