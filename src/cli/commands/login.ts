import { UsageError, type Command } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { connectionSummary } from '../format.js'
import { openRuntime } from '../runtime.js'

const DEFAULT_TIMEOUT_SECONDS = 300

function timeoutMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000
  const seconds = Number(value)
  if (!/^\d+$/.test(value.trim()) || seconds < 1 || seconds > 3600) {
    throw new UsageError(
      `--timeout must be a whole number of seconds from 1 to 3600, got "${value}"`,
    )
  }
  return seconds * 1000
}

const OPTIONS = {
  ...CONFIG_OPTIONS,
  connection: { type: 'string' },
  scopes: { type: 'string' },
  'no-browser': { type: 'boolean' },
  device: { type: 'boolean' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const

/** `zoho-auth login`: sign in to Zoho in a browser (or with a device code) and store the grant. */
export const loginCommand: Command = {
  name: 'login',
  // The login closes its listener and says "nothing was stored" on Ctrl-C itself.
  stopsOnSignal: true,
  usage: `Usage: zoho-auth login [--connection NAME] [--dc DC] [--scopes S] [--no-browser] [--device]

Signs you in to Zoho and stores the grant, encrypted, as a connection.

In a browser (the default): prints Zoho's sign-in URL and opens it in your browser, then
waits for Zoho to redirect back to ZOHO_REDIRECT_URI (default
http://localhost:3001/oauth/callback), which must be registered for your Server-based
client in the Zoho API console. The redirect lands in the data centre of your Zoho
account; the code is exchanged there.

With --device, for machines without a browser: prints a code and a URL to open on any
other device; needs a "Non-browser Application" client (its id starts with 1004.).

Logging in again under the same name replaces that connection's grant.

Options:
  --connection NAME   name of the connection (default: "default")
  --scopes S          comma-separated scopes (ZOHO_SCOPES; default: CRM modules, settings,
                      users and org)
  --no-browser        print the URL, do not open a browser (never opened in CI, nor on
                      Linux without DISPLAY / WAYLAND_DISPLAY, nor over SSH)
  --device            use the device flow instead of a browser redirect
  --timeout SECONDS   how long to wait for the sign-in (default ${DEFAULT_TIMEOUT_SECONDS})
  --json              print the stored connection as JSON (never a token)

${CONFIG_USAGE}`,
  options: OPTIONS,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    const waitMs = timeoutMs(values.timeout)
    if (values.scopes !== undefined && values.scopes.trim() === '') {
      throw new UsageError(
        '--scopes is empty; pass comma-separated scopes like ZohoCRM.modules.ALL',
      )
    }
    const connectionId = values.connection ?? 'default'
    const runtime = await openRuntime(ctx, { ...configFlags(values), scopes: values.scopes })
    try {
      const previous = await runtime.manager.get(connectionId)
      // Loaded here, not at the top: `login` without --device never starts the device poller,
      // and neither needs the other's code.
      const { loginReport } = await import('../login/report.js')
      const connection = values.device
        ? await (
            await import('../login/device-flow.js')
          ).deviceLogin({
            ctx,
            runtime,
            connectionId,
            timeoutMs: waitMs,
          })
        : await (
            await import('../login/browser-flow.js')
          ).browserLogin({
            ctx,
            runtime,
            connectionId,
            noBrowser: values['no-browser'] ?? false,
            timeoutMs: waitMs,
          })
      ctx.stdout.write(
        values.json
          ? `${JSON.stringify({ ...connectionSummary(connection), replaced: previous !== null }, null, 2)}\n`
          : loginReport(connection, previous),
      )
      return 0
    } finally {
      await runtime.close()
    }
  },
}
