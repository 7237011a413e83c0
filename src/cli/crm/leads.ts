/**
 * `crm leads create --data …`: leads as CRM records, or the consultation form a website collects
 * (`{name, email, phone, interest}`), one or many; one result line per lead, exit 1 if any failed.
 */
import { createLeads, leadFromConsultation, type LeadRecord } from '../../api/crm-leads.js'
import { NOT_SENT, type RecordResult } from '../../api/records.js'
import { zohoApiError } from '../../api/remedies.js'
import { ZohoAuthError } from '../../protocol/errors.js'
import { API_OPTIONS, withApiClient } from '../api-session.js'
import { parseFlags } from '../args.js'
import { EXIT_FAILURE, UsageError, type CommandContext } from '../command.js'
import { readJsonData } from '../data-input.js'
import { marks } from '../style.js'

export const LEADS_CREATE_OPTIONS = {
  ...API_OPTIONS,
  data: { type: 'string', short: 'd' },
  'lead-source': { type: 'string' },
  json: { type: 'boolean' },
} as const

const FORM_FIELDS = new Set(['name', 'email', 'phone', 'interest', 'company'])

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A consultation form has `name` and nothing but the form's fields; anything else is a Lead. */
function isConsultationForm(item: Json): boolean {
  return typeof item.name === 'string' && Object.keys(item).every((key) => FORM_FIELDS.has(key))
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** The leads `--data` stands for: an object, an array, or CRM's own `{"data": [...]}` body. */
export function leadsFromData(data: unknown, leadSource: string | undefined): LeadRecord[] {
  const body = isObject(data) && Array.isArray(data.data) && Object.keys(data).length === 1
  const list: unknown[] = body ? (data.data as unknown[]) : Array.isArray(data) ? data : [data]
  if (list.length === 0) throw new UsageError('--data holds no leads; pass an object or an array')
  return list.map((item, i) => {
    if (!isObject(item)) {
      throw new UsageError(`--data: lead ${i + 1} is not a JSON object`)
    }
    if (!isConsultationForm(item)) return leadSource ? { Lead_Source: leadSource, ...item } : item
    const form = {
      name: text(item.name) ?? '',
      email: text(item.email) ?? '',
      phone: text(item.phone),
      interest: text(item.interest),
    }
    const company = text(item.company)
    return leadFromConsultation(form, {
      ...(leadSource ? { leadSource } : {}),
      ...(company ? { company } : {}),
    })
  })
}

function who(lead: LeadRecord | undefined): string {
  if (!lead) return ''
  const name = [lead.First_Name, lead.Last_Name].filter(Boolean).join(' ')
  const email = typeof lead.Email === 'string' ? ` <${lead.Email}>` : ''
  return `${name || '(no name)'}${email}`
}

function resultLine(result: RecordResult, lead: LeadRecord | undefined, mark: string): string {
  const head = `${mark} ${result.index + 1} ${who(lead)}`
  if (result.ok) return `${head}: created, id ${result.id}\n`
  const field = typeof result.details.api_name === 'string' ? ` (${result.details.api_name})` : ''
  return `${head}: ${result.code}${result.message ? ` — ${result.message}` : ''}${field}\n`
}

function recordRemedy(result: RecordResult, connectionId: string): string {
  return zohoApiError(
    { zohoCode: result.code, zohoMessage: result.message, details: result.details },
    { connectionId, request: 'POST /crm/v8/Leads', status: 400, product: 'crm' },
  ).remedy
}

function errorJson(error: Error): Json {
  return error instanceof ZohoAuthError
    ? { code: error.code, message: error.message, remedy: error.remedy }
    : { message: error.message }
}

export async function leadsCreate(ctx: CommandContext, argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, LEADS_CREATE_OPTIONS)
  if (values.data === undefined) {
    throw new UsageError('--data is required: a lead, an array of leads, or a consultation form')
  }
  const leads = leadsFromData(await readJsonData(values.data, ctx), values['lead-source'])
  const { outcome, connectionId } = await withApiClient(ctx, values, async (client) => ({
    outcome: await createLeads(client, leads),
    connectionId: client.connectionId,
  }))
  if (values.json) {
    const { stoppedBy, ...rest } = outcome
    const json = stoppedBy ? { ...rest, stoppedBy: errorJson(stoppedBy) } : rest
    ctx.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  } else {
    const mark = marks(ctx.stdout, ctx.env)
    for (const result of outcome.results) {
      ctx.stdout.write(resultLine(result, leads[result.index], result.ok ? mark.ok : mark.failed))
      if (!result.ok && result.code !== NOT_SENT) {
        ctx.stdout.write(`    → ${recordRemedy(result, connectionId)}\n`)
      }
    }
    ctx.stdout.write(`${outcome.created} created, ${outcome.failed} failed\n`)
  }
  if (outcome.stoppedBy) {
    const remedy = outcome.stoppedBy instanceof ZohoAuthError ? outcome.stoppedBy.remedy : ''
    ctx.stderr.write(
      `zoho-auth: stopped after ${outcome.created} created: ${outcome.stoppedBy.message}\n  → ${remedy || 'Send the leads marked NOT_SENT again.'}\n`,
    )
  }
  if (outcome.failed === 0) return 0
  ctx.stderr.write(
    `zoho-auth: ${outcome.failed} of ${outcome.results.length} leads were not created\n  → Fix those records (each line says why) and run zoho-auth crm leads create again with only them.\n`,
  )
  return EXIT_FAILURE
}
