import { UsageError, type Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { describeConnection } from '../format.js'
import { openRuntime, requireClient } from '../runtime.js'

const OPTIONS = {
  ...CONFIG_OPTIONS,
  code: { type: 'string' },
  file: { type: 'string' },
  connection: { type: 'string' },
  replace: { type: 'boolean' },
} as const

/** Turns a Self Client grant code into a stored connection. */
export const exchangeCommand: Command = {
  name: 'exchange',
  usage: `Usage: zoho-auth exchange (--code CODE | --file self_client.json) [--connection NAME] [--replace]

Exchanges a grant code minted in the Zoho API console (Self Client → Generate Code)
for a refresh token, and stores it encrypted as a connection. Codes live 3–10 minutes
and work once, in the data centre where they were minted (--dc, or ZOHO_DC).

Options:
  --code CODE         the grant code (1000.xxxx.yyyy)
  --file PATH         the self_client.json the console downloads: its client id and
                      secret are used for this exchange and kept (encrypted) with the store
  --connection NAME   name of the new connection (default: "default")
  --replace           overwrite an existing connection of that name

${CONFIG_USAGE}`,
  options: OPTIONS,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    if (values.code && values.file) throw new UsageError('pass --code or --file, not both')
    if (values.file) {
      const { exchangeSelfClientFile } = await import('../self-client-exchange.js')
      const connection = await exchangeSelfClientFile(ctx, {
        file: values.file,
        connectionId: values.connection ?? 'default',
        replace: values.replace ?? false,
        flags: configFlags(values),
      })
      ctx.stdout.write(`${describeConnection(connection)}\n`)
      ctx.stderr.write(
        `${values.file} holds your client secret; the store keeps it encrypted now, so you can delete the file.\n`,
      )
      return 0
    }
    if (!values.code) throw new UsageError('--code is required (or --file self_client.json)')
    const runtime = await openRuntime(ctx, configFlags(values))
    try {
      requireClient(runtime.config)
      const connection = await runtime.manager.createFromCode({
        id: values.connection ?? 'default',
        code: values.code,
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
