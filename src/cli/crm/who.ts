/** `crm user` and `crm org`: who the connection acts for, and in which CRM organisation. */
import { crmOrg, currentUser } from '../../api/crm.js'
import { API_OPTIONS, withApiClient } from '../api-session.js'
import { parseFlags } from '../args.js'
import { EXIT_FAILURE, type CommandContext } from '../command.js'

export const WHO_OPTIONS = { ...API_OPTIONS, json: { type: 'boolean' } } as const

function nameOf(value: unknown): string | undefined {
  const name = (value as { name?: unknown } | undefined)?.name
  return typeof name === 'string' ? name : undefined
}

export async function crmUser(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, WHO_OPTIONS)
  const user = await withApiClient(ctx, values, (client) => currentUser(client))
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(user, null, 2)}\n`)
  } else if (user) {
    const role = [nameOf(user.role), nameOf(user.profile)].filter(Boolean).join(', ')
    ctx.stdout.write(
      `${user.full_name} <${user.email}>, id ${user.id}${role ? ` (${role})` : ''}\n`,
    )
  }
  if (user) return 0
  ctx.stderr.write(
    'zoho-auth: CRM names no current user for this token (a client-credentials token acts for none)\n  → Connect as a user: zoho-auth login, or zoho-auth exchange --code CODE with a Self Client code.\n',
  )
  return EXIT_FAILURE
}

export async function crmOrganisation(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, WHO_OPTIONS)
  const org = await withApiClient(ctx, values, (client) => crmOrg(client))
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(org, null, 2)}\n`)
  } else if (org) {
    ctx.stdout.write(`${org.company_name}, id ${org.id}\n`)
  }
  if (org) return 0
  ctx.stderr.write(
    'zoho-auth: CRM answered no organisation for this connection\n  → Check that the Zoho user has a CRM account in this data centre: zoho-auth api /crm/v8/org shows the raw answer.\n',
  )
  return EXIT_FAILURE
}
