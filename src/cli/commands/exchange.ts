import { UsageError, type Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { describeConnection } from '../format.js'
import { openRuntime, requireClient } from '../runtime.js'

/** Turns a Self Client grant code into a stored connection. */
export const exchangeCommand: Command = {
  name: 'exchange',
  summary: 'exchange a Self Client code for a stored connection',
  usage: `Usage: zoho-auth exchange --code CODE [--connection NAME] [--replace]

Exchanges a grant code minted in the Zoho API console (Self Client → Generate Code)
for a refresh token, and stores it encrypted as a connection. Codes live 3–10 minutes
and work once, in the data centre where they were minted (--dc, or ZOHO_DC).

Options:
  --code CODE         the grant code (1000.xxxx.yyyy)
  --connection NAME   name of the new connection (default: "default")
  --replace           overwrite an existing connection of that name

${CONFIG_USAGE}`,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, {
      ...CONFIG_OPTIONS,
      code: { type: 'string' },
      connection: { type: 'string' },
      replace: { type: 'boolean' },
    })
    if (!values.code) throw new UsageError('--code is required')
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
