import { listenPort, parseFlags } from '../args.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import { DEMO_REDIRECT_URI, startEmulator, type DemoData } from '../../emulator/index.js'

const DEFAULT_PORT = 3002

const OPTIONS = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  seed: { type: 'string' },
} as const

function parse(ctx: CommandContext): { port: number; host: string; seed: number | undefined } {
  const { values } = parseFlags(ctx.argv, OPTIONS)
  const port = listenPort(values.port, ctx.env.PORT, DEFAULT_PORT)
  if (values.seed !== undefined && !/^\d+$/.test(values.seed)) {
    throw new UsageError(`--seed must be a whole number, got "${values.seed}"`)
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    seed: values.seed === undefined ? undefined : Number(values.seed),
  }
}

function banner(url: string, demo: DemoData): string {
  const { serverClient, selfClient, deviceClient, users } = demo
  const codeBody = JSON.stringify({
    client_id: selfClient.clientId,
    scope: 'ZohoCRM.users.READ,ZohoCRM.modules.ALL',
    minutes: 10,
    email: users[0]?.email,
  })
  return `Zoho emulator listening on ${url}
  accounts servers  ${url}/{dc}/accounts   (dc: us eu in au jp ca sa uk cn)
  API domains       ${url}/{dc}/api
  control API       ${url}/__emulator/

Demo server client (every DC, redirect ${DEMO_REDIRECT_URI}):
  ZOHO_CLIENT_ID=${serverClient.clientId}
  ZOHO_CLIENT_SECRET=${serverClient.secret}
  ZOHO_EMULATOR_URL=${url}
Self Client (${selfClient.dcs[0]}): client_id ${selfClient.clientId}  client_secret ${selfClient.secret}
Device client (${deviceClient.dcs.join(', ')}): client_id ${deviceClient.clientId}  client_secret ${deviceClient.secret}
Users: ${users.map((u) => `${u.email} (${u.dc})`).join(', ')}

Try it from a second shell with the Self Client (nothing else to set up):
  export ZOHO_EMULATOR_URL=${url} ZOHO_CLIENT_ID=${selfClient.clientId} ZOHO_CLIENT_SECRET=${selfClient.secret}
  code=$(curl -s -X POST ${url}/__emulator/self-client/code -H 'content-type: application/json' -d '${codeBody}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).code')
  node bin/zoho-auth.js exchange --code "$code"
  curl -s -H "Authorization: Zoho-oauthtoken $(node bin/zoho-auth.js token)" '${url}/us/api/crm/v8/users?type=CurrentUser'
Sign in headlessly by adding emulator_login=<email> to an authorize URL. Ctrl-C stops.
`
}

/** `zoho-auth emulator`: an offline Zoho on one port, with demo clients and users. */
export const emulatorCommand: Command = {
  name: 'emulator',
  usage: `Usage: zoho-auth emulator [--port P] [--host H] [--seed N]

Runs an offline Zoho: the accounts server of every data centre under {base}/{dc}/accounts,
the CRM API under {base}/{dc}/api, and a control API under {base}/__emulator/. Prints a demo
server client, a Self Client, a device client and demo users. Point zoho-auth at it with
ZOHO_EMULATOR_URL.

Options:
  --port P   port to listen on (default: $PORT, else ${DEFAULT_PORT}; 0 picks a free one)
  --host H   address to bind (default: 127.0.0.1)
  --seed N   seed every id and token, for repeatable demo data`,
  stopsOnSignal: true,
  options: OPTIONS,
  async run(ctx) {
    const { port, host, seed } = parse(ctx)
    const running = await startEmulator({
      port,
      host,
      demo: true,
      ...(seed === undefined ? {} : { seed }),
    })
    const demo = running.emulator.demo()
    if (demo) ctx.stdout.write(banner(running.url, demo))
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve()
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    await running.close()
    ctx.stdout.write('Zoho emulator stopped.\n')
    return 0
  },
}
