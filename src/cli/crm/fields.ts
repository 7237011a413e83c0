/**
 * `crm fields audit` (does a module have the fields a script needs?) and `crm fields ensure` (add
 * a custom field unless it is there: a second run changes nothing).
 */
import { auditFields, ensureField, type CrmField } from '../../api/crm-fields.js'
import { API_OPTIONS, withApiClient } from '../api-session.js'
import { parseFlags } from '../args.js'
import { EXIT_FAILURE, UsageError, type CommandContext } from '../command.js'
import { marks } from '../style.js'

export const FIELDS_AUDIT_OPTIONS = {
  ...API_OPTIONS,
  module: { type: 'string', short: 'm' },
  require: { type: 'string' },
  json: { type: 'boolean' },
} as const

export const FIELDS_ENSURE_OPTIONS = {
  ...API_OPTIONS,
  module: { type: 'string', short: 'm' },
  field: { type: 'string' },
  length: { type: 'string' },
  json: { type: 'boolean' },
} as const

function moduleOf(value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new UsageError('--module is required (the API name: Leads, Contacts, Deals, …)')
  }
  return value.trim()
}

function fieldTable(fields: CrmField[]): string {
  const rows = fields.map((f) => [
    f.api_name,
    f.field_label,
    f.data_type,
    f.custom_field ? 'custom' : '',
  ])
  const header = ['API NAME', 'LABEL', 'TYPE', '']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return `${[header, ...rows].map(line).join('\n')}\n`
}

export async function fieldsAudit(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FIELDS_AUDIT_OPTIONS)
  const module = moduleOf(values.module)
  const required = (values.require ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const audit = await withApiClient(ctx, values, (client) => auditFields(client, module, required))
  if (values.json) {
    ctx.stdout.write(`${JSON.stringify(audit, null, 2)}\n`)
  } else if (required.length === 0) {
    ctx.stdout.write(fieldTable(audit.fields))
  } else {
    const mark = marks(ctx.stdout, ctx.env)
    ctx.stdout.write(
      `${module}: ${audit.present.length} of ${required.length} required fields present\n`,
    )
    for (const { name, field } of audit.present) {
      ctx.stdout.write(`  ${mark.ok} ${name} (${field.api_name}, ${field.data_type})\n`)
    }
    for (const name of audit.missing) ctx.stdout.write(`  ${mark.failed} ${name} missing\n`)
  }
  if (audit.missing.length === 0) return 0
  const [first] = audit.missing
  ctx.stderr.write(
    `zoho-auth: ${module} lacks ${audit.missing.length} required field${audit.missing.length > 1 ? 's' : ''}: ${audit.missing.join(', ')}\n  → Add each with its type, e.g. zoho-auth crm fields ensure --module ${module} --field ${first}:text\n`,
  )
  return EXIT_FAILURE
}

/** `NAME:TYPE`; the last colon splits, so a label may hold one. */
function fieldSpec(value: string | undefined): { label: string; type: string } {
  const colon = value?.lastIndexOf(':') ?? -1
  const label = value?.slice(0, colon).trim() ?? ''
  const type = value?.slice(colon + 1).trim() ?? ''
  if (value === undefined || colon === -1 || label === '' || type === '') {
    throw new UsageError('--field NAME:TYPE is required, e.g. --field StrategicPartnerId:text')
  }
  return { label, type }
}

function lengthOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 2000) {
    throw new UsageError(`--length must be a whole number from 1 to 2000, got "${value}"`)
  }
  return Number(value)
}

export async function fieldsEnsure(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, FIELDS_ENSURE_OPTIONS)
  const module = moduleOf(values.module)
  const spec = fieldSpec(values.field)
  const length = lengthOf(values.length)
  const result = await withApiClient(ctx, values, (client) =>
    ensureField(client, module, { ...spec, ...(length === undefined ? {} : { length }) }),
  )
  const { field } = result
  if (values.json) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  if (result.status === 'exists_with_other_type') {
    ctx.stderr.write(
      `zoho-auth: ${module} already has "${field.field_label}" (${field.api_name}) of type ${field.data_type}, not ${spec.type}; nothing was changed\n  → A field's type cannot be changed through the API: use it as ${field.data_type} (zoho-auth crm fields ensure --module ${module} --field ${spec.label}:${field.data_type}), or choose another name.\n`,
    )
    return EXIT_FAILURE
  }
  if (!values.json) {
    const what = result.status === 'created' ? 'created' : 'already there'
    ctx.stdout.write(`${module}.${field.api_name} (${field.data_type}): ${what}\n`)
  }
  return 0
}
