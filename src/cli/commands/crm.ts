import { API_USAGE } from '../api-session.js'
import { CONFIG_USAGE } from '../args.js'
import { UsageError, type Command, type CommandContext } from '../command.js'
import {
  FIELDS_AUDIT_OPTIONS,
  FIELDS_ENSURE_OPTIONS,
  fieldsAudit,
  fieldsEnsure,
} from '../crm/fields.js'
import { LEADS_CREATE_OPTIONS, leadsCreate } from '../crm/leads.js'
import { crmOrganisation, crmUser, WHO_OPTIONS } from '../crm/who.js'

type Run = (ctx: CommandContext, argv: string[]) => Promise<number>

const ACTIONS: Record<string, Run> = {
  'leads create': leadsCreate,
  'fields audit': fieldsAudit,
  'fields ensure': fieldsEnsure,
  user: crmUser,
  org: crmOrganisation,
}

/** `zoho-auth crm …`: the CRM recipes of src/api as commands. */
export const crmCommand: Command = {
  name: 'crm',
  usage: `Usage: zoho-auth crm <sub-command> [options]

  crm leads create --data JSON|@file|@- [--lead-source S] [--json]
      Creates leads (≤ 100 per call) and prints one result per lead; exit 1 if any failed.
      --data is a Lead (CRM field names: Last_Name, Email, …), an array of them, or a
      website's consultation form {"name","email","phone","interest"} (or an array of
      forms): name → First_Name + Last_Name, interest → Description.

  crm fields audit --module M [--require A,B] [--json]
      Lists the module's fields; with --require, says which of those (API names or labels)
      are missing, exit 1 if any is.

  crm fields ensure --module M --field NAME:TYPE [--length N] [--json]
      Adds the custom field unless the module has it: says "created" or "already there".
      TYPE is CRM's data type: text, textarea, email, phone, integer, double, currency,
      date, datetime, boolean, website, …

  crm user [--json]    the CRM user the connection acts for
  crm org [--json]     the connection's CRM organisation

Options of every sub-command:
${API_USAGE}

${CONFIG_USAGE}`,
  subcommands: {
    'leads create': LEADS_CREATE_OPTIONS,
    'fields audit': FIELDS_AUDIT_OPTIONS,
    'fields ensure': FIELDS_ENSURE_OPTIONS,
    user: WHO_OPTIONS,
    org: WHO_OPTIONS,
  },
  async run(ctx) {
    const [first = '', second = '', ...rest] = ctx.argv
    const pair = ACTIONS[`${first} ${second}`]
    if (pair) return pair(ctx, rest)
    const single = ACTIONS[first]
    if (single) return single(ctx, ctx.argv.slice(1))
    const known = Object.keys(ACTIONS)
      .map((words) => `crm ${words}`)
      .join(', ')
    throw new UsageError(
      first
        ? `unknown sub-command "crm ${[first, second].filter((w) => w && !w.startsWith('-')).join(' ')}" (one of: ${known})`
        : `missing sub-command (one of: ${known})`,
    )
  },
}
