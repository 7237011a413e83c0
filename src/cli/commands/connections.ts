import { ConfigError } from '../../config-error.js'
import { ConnectionExistsError } from '../../stores/errors.js'
import { ConnectionNotFoundError } from '../../tokens/errors.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { connectionDetails, connectionSummary } from '../format.js'
import { openRuntime, type Runtime } from '../runtime.js'
import { listConnections, listingJson, listingText } from './connections-list.js'

const USAGE = `Usage: zoho-auth connections list [--json]
       zoho-auth connections show NAME [--json]
       zoho-auth connections use NAME
       zoho-auth connections rename OLD NEW
       zoho-auth connections remove NAME [--force]

  list     stored connections: name, data centre, user, status, scopes and token expiry
  show     every field of one connection but its tokens: DC, user, scopes, status, expiry,
           last error, API domain
  use      makes NAME the default: every command uses it when --connection is not given
  rename   renames OLD to NEW (its tokens stay valid; the default follows it). Refused if NEW
           exists
  remove   revokes NAME's refresh token at Zoho, then forgets it. If Zoho does not confirm the
           revoke, the connection is kept (run again, or pass --force to forget it anyway; the
           grant then stays live at Zoho until you remove it in Zoho Accounts)

Tokens are never printed (\`zoho-auth token\` prints an access token).

Options:
  --json    one JSON value, for scripts (list, show)
  --force   remove: forget the connection even when Zoho did not confirm the revoke

${CONFIG_USAGE}`

type Flags = ReturnType<typeof parse>['values']

const OPTIONS = {
  ...CONFIG_OPTIONS,
  json: { type: 'boolean' },
  force: { type: 'boolean' },
} as const

function parse(argv: string[]) {
  return parseFlags(argv, OPTIONS, true)
}

/** `connections list | show | use | remove`: what is stored, never a secret. */
export const connectionsCommand: Command = {
  name: 'connections',
  usage: USAGE,
  subcommands: { list: OPTIONS, show: OPTIONS, use: OPTIONS, rename: OPTIONS, remove: OPTIONS },
  async run(ctx) {
    const [sub, ...rest] = ctx.argv
    const { values, positionals } = parse(rest)
    const action = sub === undefined ? undefined : ACTIONS[sub]
    if (action === undefined) {
      throw new UsageError(sub ? `unknown sub-command "connections ${sub}"` : 'missing sub-command')
    }
    if (positionals.length !== action.names) {
      throw new UsageError(
        action.names === 0
          ? `connections ${sub} takes no name`
          : action.names === 1
            ? `connections ${sub} needs exactly one NAME`
            : `connections ${sub} needs OLD and NEW`,
      )
    }
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      return await action.run(runtime, ctx, values, positionals)
    } finally {
      await runtime.close()
    }
  },
}

interface Action {
  names: number
  run(runtime: Runtime, ctx: CommandContext, flags: Flags, names: string[]): Promise<number>
}

const ACTIONS: Record<string, Action> = {
  list: {
    names: 0,
    async run({ store }, ctx, flags) {
      // A row that cannot be read is listed as unreadable (exit 0: the listing itself worked,
      // and `--json` carries the row's status, error and remedy for scripts).
      const listing = await listConnections(store)
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(listingJson(listing), null, 2)}\n`)
      } else {
        ctx.stdout.write(listingText(listing, Date.now()))
      }
      return 0
    },
  },
  show: {
    names: 1,
    async run({ store }, ctx, flags, [name = '']) {
      const connection = await store.get(name)
      if (connection === null) throw new ConnectionNotFoundError(name)
      const isDefault = (await store.getDefaultConnection()) === name
      if (flags.json) {
        const summary = { ...connectionSummary(connection), default: isDefault }
        ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
      } else {
        ctx.stdout.write(connectionDetails(connection, Date.now(), isDefault))
      }
      return 0
    },
  },
  use: {
    names: 1,
    async run({ store }, ctx, _flags, [name = '']) {
      // Checked by id only: choosing a connection must not need every row to decrypt.
      if (!(await store.listIds()).includes(name)) throw new ConnectionNotFoundError(name)
      await store.setDefaultConnection(name)
      ctx.stdout.write(
        `Default connection is now "${name}": commands use it when --connection is not given.\n`,
      )
      return 0
    },
  },
  rename: {
    names: 2,
    async run({ store }, ctx, _flags, [from = '', to = '']) {
      try {
        if ((await store.rename(from, to, Date.now())) === null) {
          throw new ConnectionNotFoundError(from)
        }
      } catch (error) {
        if (!(error instanceof ConnectionExistsError)) throw error
        throw new ConfigError(
          `A connection named "${to}" already exists; "${from}" was left as it was`,
          `Choose another name, or forget the other one first: zoho-auth connections remove ${to}`,
        )
      }
      ctx.stdout.write(`Connection "${from}" is now "${to}".\n`)
      return 0
    },
  },
  remove: {
    names: 1,
    async run({ store, manager }, ctx, flags, [name = '']) {
      const connection = await store.get(name)
      if (connection === null) throw new ConnectionNotFoundError(name)
      try {
        await manager.revoke(name)
      } catch (error) {
        if (error instanceof ConnectionNotFoundError) throw error
        const reason = error instanceof Error ? error.message : String(error)
        const consoleHint = `sign in to Zoho Accounts (${connection.accountsServer}) → Security → Connected Apps and remove this client's access`
        if (!flags.force) {
          throw new ConfigError(
            `Zoho did not confirm revoking "${name}", so it is kept: ${reason}`,
            `Run \`zoho-auth connections remove ${name}\` again once Zoho answers, or \`zoho-auth connections remove ${name} --force\` to forget it anyway (then ${consoleHint}).`,
          )
        }
        ctx.stderr.write(
          `zoho-auth: warning: Zoho did not confirm revoking "${name}" (${reason}); forgetting it anyway, so its grant is still live at Zoho\n  → To end it, ${consoleHint}.\n`,
        )
      }
      await manager.delete(name)
      if ((await store.getDefaultConnection()) === name) await store.setDefaultConnection(null)
      ctx.stdout.write(`Connection "${name}" removed.\n`)
      return 0
    },
  },
}
