import { UsageError, type Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { connectionSummary, connectionTable } from '../format.js'
import { openRuntime } from '../runtime.js'

const LIST_OPTIONS = { ...CONFIG_OPTIONS, json: { type: 'boolean' } } as const

/** `connections list`: what is stored, never a secret. More sub-commands come with the full CLI. */
export const connectionsCommand: Command = {
  name: 'connections',
  usage: `Usage: zoho-auth connections list [--json]

Lists stored connections: name, data centre, user, status, scopes and token expiry.
Tokens are never printed.

Options:
  --json   one JSON array, for scripts

${CONFIG_USAGE}`,
  subcommands: { list: LIST_OPTIONS },
  async run(ctx) {
    const [sub, ...rest] = ctx.argv
    if (sub !== 'list') {
      throw new UsageError(sub ? `unknown sub-command "connections ${sub}"` : 'missing sub-command')
    }
    const { values } = parseFlags(rest, LIST_OPTIONS)
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      const connections = await runtime.manager.list()
      if (values.json) {
        ctx.stdout.write(`${JSON.stringify(connections.map(connectionSummary), null, 2)}\n`)
      } else {
        ctx.stdout.write(connectionTable(connections, Date.now()))
      }
      return 0
    } finally {
      await runtime.close()
    }
  },
}
