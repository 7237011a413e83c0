/**
 * CRM field metadata recipes: list a module's fields, audit them against a required list, and
 * ensure a custom field exists (idempotent: a second run finds it and changes nothing).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
import type { ZohoApiClient } from './client.js'
import { ZohoApiError } from './errors.js'
import { recordResults } from './records.js'

/**
 * A field as `GET /crm/v8/settings/fields` lists it.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 */
export interface CrmField {
  api_name: string
  field_label: string
  data_type: string
  id?: string
  custom_field?: boolean
  [property: string]: unknown
}

/**
 * Data types CRM takes for a new custom field (others exist; any string is passed through).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
export type CustomFieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'integer'
  | 'double'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'boolean'
  | 'website'
  | 'picklist'
  | (string & {})

/** CRM's api_name of a label, and how names are compared: case and separators aside. */
function key(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_')
}

function matches(field: CrmField, name: string): boolean {
  return key(field.api_name) === key(name) || key(field.field_label) === key(name)
}

/**
 * Every field of `module` (standard and custom).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 */
export async function listFields(client: ZohoApiClient, module: string): Promise<CrmField[]> {
  const { data } = await client.get('/crm/v8/settings/fields', {
    query: { module },
    scope: 'ZohoCRM.settings.fields.READ',
  })
  const fields = (data as { fields?: unknown } | undefined)?.fields
  return Array.isArray(fields) ? (fields as CrmField[]) : []
}

/**
 * A module's fields measured against the ones a script needs.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 */
export interface FieldAudit {
  module: string
  /** Every field the module has. */
  fields: CrmField[]
  /** Required names found, with the field each one matched. */
  present: { name: string; field: CrmField }[]
  /** Required names the module lacks, in the order asked. */
  missing: string[]
}

/**
 * Which of `required` (API names or labels, case-insensitive) `module` has and lacks.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 */
export async function auditFields(
  client: ZohoApiClient,
  module: string,
  required: readonly string[],
): Promise<FieldAudit> {
  const fields = await listFields(client, module)
  const present: FieldAudit['present'] = []
  const missing: string[] = []
  for (const name of required) {
    const field = fields.find((f) => matches(f, name))
    if (field) present.push({ name, field })
    else missing.push(name)
  }
  return { module, fields, present, missing }
}

/**
 * The custom field to ensure. `label` becomes the API name too (separators → `_`).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
export interface CustomFieldSpec {
  label: string
  type: CustomFieldType
  /** Text fields need a length; 255 unless given. */
  length?: number
}

/**
 * What ensureField found or did. `exists_with_other_type` changes nothing either: a field's type
 * cannot be changed through the API, and a script should not silently use the wrong one.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
export interface EnsureFieldResult {
  status: 'created' | 'exists' | 'exists_with_other_type'
  field: CrmField
}

/**
 * Makes sure `module` has the custom field: creates it when no field has that API name or label,
 * else leaves everything as it is. Two runs racing both end with one field (CRM answers the loser
 * DUPLICATE_DATA, which is read as "exists").
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
export async function ensureField(
  client: ZohoApiClient,
  module: string,
  spec: CustomFieldSpec,
): Promise<EnsureFieldResult> {
  const found = await findField(client, module, spec)
  if (found) return found
  const field: Record<string, unknown> = { field_label: spec.label.trim(), data_type: spec.type }
  if (spec.length !== undefined || spec.type === 'text') field.length = spec.length ?? 255
  const response = await client.post('/crm/v8/settings/fields', {
    query: { module },
    json: { fields: [field] },
    scope: 'ZohoCRM.settings.fields.CREATE',
  })
  const [result] = recordResults(response.data, 'fields', 1)
  if (result?.ok) {
    const created = await findField(client, module, spec)
    if (created) return { ...created, status: 'created' }
  } else if (result?.code === 'DUPLICATE_DATA') {
    const existing = await findField(client, module, spec)
    if (existing) return existing
  }
  throw new ZohoApiError({
    connectionId: client.connectionId,
    request: 'POST /crm/v8/settings/fields',
    status: response.status,
    product: 'crm',
    zohoCode: result?.code,
    zohoMessage: result?.message,
    details: result?.details,
    remedy: `CRM did not create the field "${spec.label}" on ${module}; check the data type and length (details.api_name names the refused value).`,
  })
}

async function findField(
  client: ZohoApiClient,
  module: string,
  spec: CustomFieldSpec,
): Promise<EnsureFieldResult | null> {
  const field = (await listFields(client, module)).find((f) => matches(f, spec.label))
  if (!field) return null
  return { status: field.data_type === spec.type ? 'exists' : 'exists_with_other_type', field }
}
