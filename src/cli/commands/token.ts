import type { Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { openRuntime, resolveConnectionId } from '../runtime.js'

const OPTIONS = { ...CONFIG_OPTIONS, connection: { type: 'string' } } as const

function isTerminal(output: object): boolean {
  return 'isTTY' in output && output.isTTY === true
}

/** Prints only the access token, so `$(zoho-auth token)` works in scripts. */
export const tokenCommand: Command = {
  name: 'token',
  usage: `Usage: zoho-auth token [--connection NAME]

Prints a valid access token for the connection and nothing else, so
  curl -H "Authorization: Zoho-oauthtoken $(zoho-auth token)" …
works. The token is refreshed only when it is about to expire; concurrent
invocations share one refresh.

Options:
  --connection NAME   which connection (default: the one \`connections use\` chose, else
                      "default", else the only one)

${CONFIG_USAGE}`,
  options: OPTIONS,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      const id = await resolveConnectionId(runtime, values.connection)
      // A person at a terminal is told why it hangs; a script's stderr stays clean.
      const stopSaying = isTerminal(ctx.stderr)
        ? runtime.manager.on((event) => {
            if (event.type !== 'waiting' || event.connectionId !== id) return
            const seconds = Math.max(1, Math.ceil((event.until - Date.now()) / 1000))
            ctx.stderr.write(
              `zoho-auth: waiting for another process to refresh "${id}" (at most ${seconds} s if it has stopped)…\n`,
            )
          })
        : undefined
      try {
        const token = await runtime.manager.getAccessToken(id)
        ctx.stdout.write(`${token}\n`)
        return 0
      } finally {
        stopSaying?.()
      }
    } finally {
      await runtime.close()
    }
  },
}
