/**
 * Creating CRM leads: in batches of at most 100 (CRM's limit per call), one result per lead, and
 * the mapping of a website's consultation form onto Lead fields.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
import type { ZohoAuthError } from '../protocol/errors.js'
import type { ZohoApiClient } from './client.js'
import { NOT_SENT, recordResults, type RecordResult } from './records.js'

/**
 * CRM takes at most 100 records per insert call.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export const MAX_RECORDS_PER_CALL = 100

/**
 * A Lead as CRM's API names its fields; `Last_Name` is the one CRM requires.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export interface LeadRecord {
  Last_Name?: string
  First_Name?: string
  Email?: string
  Phone?: string
  Company?: string
  Description?: string
  Lead_Source?: string
  [field: string]: unknown
}

/**
 * What a consultation form on a website collects.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export interface ConsultationForm {
  name: string
  email: string
  phone?: string | undefined
  interest?: string | undefined
}

function put(record: LeadRecord, field: string, value: string | undefined): void {
  const trimmed = value?.trim()
  if (trimmed) record[field] = trimmed
}

/**
 * Maps a consultation form onto a Lead:
 *
 * - `name` → `First_Name` + `Last_Name`. The first word is the first name and the rest the last
 *   name ("Gabriel García Márquez", "Jan van der Berg"); "Lovelace, Ada" is read as last, first;
 *   a single word is the last name (the one CRM requires). An empty name sends no `Last_Name`, so
 *   CRM's own `MANDATORY_NOT_FOUND` comes back for that record instead of an invented name.
 * - `email` → `Email`, `phone` → `Phone`.
 * - `interest` → `Description`: it is free text, while `Lead_Source` is a picklist of the org's
 *   own values; pass `leadSource` to set one (e.g. "Web Download") for every lead.
 * - `company` → `Company`, for orgs whose Lead layout makes it mandatory.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export function leadFromConsultation(
  form: ConsultationForm,
  options: { leadSource?: string; company?: string } = {},
): LeadRecord {
  const record: LeadRecord = {}
  const name = form.name?.trim() ?? ''
  const comma = name.indexOf(',')
  if (comma !== -1) {
    put(record, 'First_Name', name.slice(comma + 1))
    put(record, 'Last_Name', name.slice(0, comma))
  } else {
    const words = name.split(/\s+/).filter(Boolean)
    if (words.length === 1) put(record, 'Last_Name', words[0])
    else if (words.length > 1) {
      put(record, 'First_Name', words[0])
      put(record, 'Last_Name', words.slice(1).join(' '))
    }
  }
  put(record, 'Email', form.email)
  put(record, 'Phone', form.phone)
  put(record, 'Description', form.interest)
  put(record, 'Lead_Source', options.leadSource)
  put(record, 'Company', options.company)
  return record
}

/**
 * What createLeads did, lead by lead.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export interface CreateLeadsResult {
  /** One per input lead, in input order. */
  results: RecordResult[]
  created: number
  failed: number
  /** Set when a batch call failed after earlier batches had created leads; later leads are NOT_SENT. */
  stoppedBy?: ZohoAuthError | Error
}

/**
 * Creates leads, at most 100 per call, one call after another. Per-record failures are results,
 * not errors. A call that fails as a whole (scope, quota, server) throws when nothing was
 * created yet; after earlier batches created leads it stops and reports them, with `stoppedBy`
 * and the rest marked NOT_SENT, so no created lead goes unreported.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 */
export async function createLeads(
  client: ZohoApiClient,
  leads: readonly LeadRecord[],
  options: { trigger?: string[]; batchSize?: number } = {},
): Promise<CreateLeadsResult> {
  const size = Math.min(
    MAX_RECORDS_PER_CALL,
    Math.max(1, options.batchSize ?? MAX_RECORDS_PER_CALL),
  )
  const results: RecordResult[] = []
  let stoppedBy: Error | undefined
  for (let offset = 0; offset < leads.length; offset += size) {
    const batch = leads.slice(offset, offset + size)
    try {
      const { data } = await client.post('/crm/v8/Leads', {
        json: { data: batch, ...(options.trigger ? { trigger: options.trigger } : {}) },
        scope: 'ZohoCRM.modules.leads.CREATE',
      })
      results.push(...recordResults(data, 'data', batch.length, offset))
    } catch (error) {
      if (!results.some((r) => r.ok)) throw error
      stoppedBy = error instanceof Error ? error : new Error(String(error))
      for (let index = offset; index < leads.length; index++) {
        results.push({
          ok: false,
          index,
          code: NOT_SENT,
          message: `not sent: ${stoppedBy.message}`,
          details: {},
        })
      }
      break
    }
  }
  const created = results.filter((r) => r.ok).length
  return { results, created, failed: results.length - created, ...(stoppedBy ? { stoppedBy } : {}) }
}
