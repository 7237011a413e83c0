import { readEnvironment } from '../../config.js'
import { dataCenterTable } from '../../protocol/data-centers.js'
import { ZohoAuthError } from '../../protocol/errors.js'
import type { Connection } from '../../stores/store.js'
import { ERR_CONNECTION_REVOKED, ERR_NEEDS_REAUTH } from '../../tokens/errors.js'
import type { Command, CommandContext } from '../command.js'
import { CONFIG_OPTIONS, CONFIG_USAGE, configFlags, parseFlags } from '../args.js'
import { openRuntime, requireClient, resolveConnectionId, type Runtime } from '../runtime.js'
import { grantFlowOf, regrantRemedy, type GrantFlow } from './doctor-regrant.js'

/** What the recipes call: CRM's modules, settings, users and org; Invoice is optional. */
const RECIPE_SCOPES = ['ZohoCRM.modules', 'ZohoCRM.settings', 'ZohoCRM.users', 'ZohoCRM.org']
const OPTIONAL_SCOPE = 'ZohoInvoice'

type Verdict = 'ok' | 'fail' | 'warn'
interface Line {
  verdict: Verdict
  text: string
  remedy?: string
  /** Failed because Zoho no longer honours the refresh token (needs_reauth or revoked). */
  deadGrant?: boolean
}

const USAGE = `Usage: zoho-auth doctor [--connection NAME]

Checks, one line each, with what to do on every line that fails:
  credentials   ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET present and well-formed
  store         the database opens and every row decrypts with the key
  connection    the connection exists, was made with this client, and its DC and servers
                are the DC table's
  token         the token manager serves a real access token (refreshing when due)
  scopes        the grant covers what the recipes call (CRM modules, settings, users, org);
                Invoice is optional and only warned about
A connection Zoho no longer honours is granted again the way its client allows: a new Self
Client code and \`exchange\`, or \`login\` for a Server-based client (ZOHO_REDIRECT_URI set),
or \`login --device\` for a 1004. client.
Exits 1 if any check failed. Marks are ✓ ✗ ! on a terminal, [ok] [FAIL] [warn] elsewhere or
with NO_COLOR. No secret is printed.

Options:
  --connection NAME   which connection (default: the one \`connections use\` chose, else
                      "default", else the only one)

${CONFIG_USAGE}`

const OPTIONS = { ...CONFIG_OPTIONS, connection: { type: 'string' } } as const

export const doctorCommand: Command = {
  name: 'doctor',
  options: OPTIONS,
  usage: USAGE,
  async run(ctx) {
    const { values } = parseFlags(ctx.argv, OPTIONS)
    const lines: Line[] = []
    let runtime: Runtime | undefined
    try {
      runtime = await openRuntime(ctx, configFlags(values))
      lines.push(check('credentials', () => requireClient(runtime!.config)))
      lines.push(await checkAsync('store and key: every row decrypts', () => runtime!.store.list()))
      const id = await resolveConnectionId(runtime, values.connection)
      const connection = await runtime.store.get(id)
      if (connection === null) {
        lines.push({
          verdict: 'fail',
          text: `connection "${id}" exists`,
          remedy: 'zoho-auth exchange --code CODE (or zoho-auth login)',
        })
      } else {
        const flow = await grantFlow(ctx, runtime, connection)
        const { emulatorURL } = runtime.config
        const regrant = (scopes: string[]): string => regrantRemedy(flow, id, scopes, emulatorURL)
        lines.push(...connectionChecks(runtime, connection))
        const served = await checkAsync(`connection "${id}": a token is served`, () =>
          runtime!.manager.getAccessToken(id),
        )
        // A dead or revoked grant is fixed by granting again, and how depends on the client:
        // the manager's remedy cannot know whether `login` can work for it.
        if (served.deadGrant) served.remedy = regrant(connection.scopes)
        lines.push(served)
        lines.push(...scopeChecks(connection, regrant))
      }
    } catch (error) {
      lines.push(failure('setup', error))
    } finally {
      await runtime?.close()
    }
    const marks = markSet(ctx)
    for (const line of lines) {
      ctx.stdout.write(`${marks[line.verdict]} ${line.text}\n`)
      if (line.remedy) ctx.stdout.write(`    → ${line.remedy}\n`)
    }
    return lines.some((line) => line.verdict === 'fail') ? 1 : 0
  },
}

function failure(text: string, error: unknown): Line {
  const message = error instanceof Error ? error.message : String(error)
  const code = error instanceof ZohoAuthError ? error.code : undefined
  return {
    verdict: 'fail',
    text: `${text}: ${message}`,
    remedy: error instanceof ZohoAuthError ? error.remedy : 'zoho-auth doctor --help',
    deadGrant: code === ERR_NEEDS_REAUTH || code === ERR_CONNECTION_REVOKED,
  }
}

/** How this connection is granted again (see doctor-regrant.ts for how the client tells). */
async function grantFlow(
  ctx: CommandContext,
  runtime: Runtime,
  connection: Connection,
): Promise<GrantFlow> {
  const storedClient = await runtime.store.getClient(connection.clientId).catch(() => null)
  const redirect = readEnvironment(ctx.env, ctx.cwd).ZOHO_REDIRECT_URI ?? ''
  return grantFlowOf(connection, {
    storedFromSelfClientFile: storedClient !== null,
    redirectConfigured: redirect.trim() !== '',
  })
}

function check(text: string, work: () => void): Line {
  try {
    work()
    return { verdict: 'ok', text }
  } catch (error) {
    return failure(text, error)
  }
}

async function checkAsync(text: string, work: () => Promise<unknown>): Promise<Line> {
  try {
    await work()
    return { verdict: 'ok', text }
  } catch (error) {
    return failure(text, error)
  }
}

function connectionChecks({ config }: Runtime, connection: Connection): Line[] {
  const name = `connection "${connection.id}"`
  const lines: Line[] = []
  const sameClient = config.clientId === undefined || config.clientId === connection.clientId
  lines.push(
    sameClient
      ? { verdict: 'ok', text: `${name} was made with this client` }
      : {
          verdict: 'fail',
          text: `${name} was made with another client than ZOHO_CLIENT_ID`,
          remedy: `zoho-auth exchange --code CODE --connection ${connection.id} --replace (with this client's code)`,
        },
  )
  const table = dataCenterTable({ emulatorURL: config.emulatorURL })
  const dc = table.byLocation(connection.dc)
  const sameDc =
    dc !== undefined &&
    table.byAccountsServer(connection.accountsServer)?.location === dc.location &&
    table.byApiDomain(connection.apiDomain)?.location === dc.location
  lines.push(
    sameDc
      ? { verdict: 'ok', text: `${name} is in ${dc.location}, with that DC's servers` }
      : {
          verdict: 'fail',
          text: `${name} says DC "${connection.dc}" with ${connection.accountsServer} and ${connection.apiDomain}, which the DC table${table.emulated ? ' (emulator)' : ''} does not pair`,
          remedy: `zoho-auth exchange --code CODE --connection ${connection.id} --replace (a code minted in the user's DC)`,
        },
  )
  return lines
}

function scopeChecks(connection: Connection, regrant: (scopes: string[]) => string): Line[] {
  const has = (prefix: string): boolean =>
    connection.scopes.some((scope) => scope === 'ZohoCRM.ALL' || scope.startsWith(`${prefix}.`))
  const missing = RECIPE_SCOPES.filter((prefix) => !has(prefix))
  const wanted = [...connection.scopes, ...missing.map((prefix) => `${prefix}.ALL`)]
  const lines: Line[] = [
    missing.length === 0
      ? { verdict: 'ok', text: 'scopes cover the CRM recipes' }
      : {
          verdict: 'fail',
          text: `scopes miss ${missing.join(', ')} (the CRM recipes need them)`,
          remedy: regrant(wanted),
        },
  ]
  lines.push(
    connection.scopes.some((scope) => scope.startsWith(`${OPTIONAL_SCOPE}.`))
      ? { verdict: 'ok', text: 'scopes cover Invoice' }
      : {
          verdict: 'warn',
          text: 'no Invoice scope (only `invoice create` needs it)',
          remedy: regrant([...wanted, 'ZohoInvoice.fullaccess.all']),
        },
  )
  return lines
}

function markSet(ctx: CommandContext): Record<Verdict, string> {
  const tty = (ctx.stdout as { isTTY?: boolean }).isTTY === true && ctx.env.TERM !== 'dumb'
  if (tty && (ctx.env.NO_COLOR ?? '') === '') return { ok: '✓', fail: '✗', warn: '!' }
  return { ok: '[ok]', fail: '[FAIL]', warn: '[warn]' }
}
