/**
 * Zoho CRM v8 field metadata: `GET /crm/v8/settings/fields?module=…` and `POST` the same URL to
 * add custom fields.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/create-custom-fields.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { newRecordId } from '../random.js'
import type { AccessToken } from '../state.js'
import { CRM_ERRORS, crmError, invalidBody } from './crm.js'
import { batchStatus, recordError } from './crm-records.js'
import { jsonObject, orgOf } from './org.js'
import { registerApiRoute } from './route.js'

type Field = Record<string, unknown>

// A few standard fields per module: enough for recipes that read metadata.
const STANDARD: Record<string, [string, string][]> = {
  Leads: [
    ['Last_Name', 'text'],
    ['First_Name', 'text'],
    ['Email', 'email'],
    ['Company', 'text'],
    ['Phone', 'phone'],
    ['Lead_Status', 'picklist'],
  ],
  Contacts: [
    ['Last_Name', 'text'],
    ['First_Name', 'text'],
    ['Email', 'email'],
    ['Phone', 'phone'],
    ['Account_Name', 'lookup'],
  ],
  Accounts: [
    ['Account_Name', 'text'],
    ['Phone', 'phone'],
    ['Website', 'website'],
  ],
  Deals: [
    ['Deal_Name', 'text'],
    ['Amount', 'currency'],
    ['Stage', 'picklist'],
    ['Closing_Date', 'date'],
    ['Account_Name', 'lookup'],
  ],
}

const CUSTOM_TYPES = new Set([
  'text',
  'textarea',
  'email',
  'phone',
  'integer',
  'double',
  'currency',
  'date',
  'datetime',
  'boolean',
  'website',
  'picklist',
])

/** The module as CRM spells it, or an error answer. */
function moduleOf(c: Context): string | Response {
  const wanted = c.req.query('module')
  if (!wanted) {
    return crmError(c, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
      param_name: 'module',
    })
  }
  const module = Object.keys(STANDARD).find((m) => m.toLowerCase() === wanted.toLowerCase())
  return (
    module ?? crmError(c, 400, 'INVALID_MODULE', 'the module name given seems to be invalid', {})
  )
}

function fieldsOf(ctx: EmulatorContext, token: AccessToken, module: string): Field[] {
  const standard = (STANDARD[module] ?? []).map(([apiName, dataType], i) => ({
    api_name: apiName,
    field_label: apiName.replace(/_/g, ' '),
    data_type: dataType,
    id: `${orgOf(ctx, token.dc).id.slice(0, -4)}${String(1000 + i)}`,
    custom_field: false,
  }))
  return [...standard, ...(orgOf(ctx, token.dc).customFields.get(module) ?? [])]
}

function addField(
  ctx: EmulatorContext,
  token: AccessToken,
  module: string,
  input: unknown,
  index: number,
): Field {
  const path = (key: string): string => `$.fields[${index}].${key}`
  const spec = (typeof input === 'object' && input !== null ? input : {}) as Field
  if (typeof spec.field_label !== 'string' || spec.field_label.trim() === '') {
    return recordError('MANDATORY_NOT_FOUND', 'required field not found', {
      api_name: 'field_label',
      json_path: path('field_label'),
    })
  }
  if (typeof spec.data_type !== 'string' || !CUSTOM_TYPES.has(spec.data_type)) {
    return recordError('INVALID_DATA', 'invalid data', {
      api_name: 'data_type',
      json_path: path('data_type'),
    })
  }
  const label = spec.field_label.trim()
  const existing = fieldsOf(ctx, token, module)
  if (existing.some((f) => String(f.field_label).toLowerCase() === label.toLowerCase())) {
    return recordError('DUPLICATE_DATA', 'duplicate data', {
      api_name: 'field_label',
      json_path: path('field_label'),
    })
  }
  const field: Field = {
    api_name: label.replace(/[^A-Za-z0-9]+/g, '_'),
    field_label: label,
    data_type: spec.data_type,
    id: newRecordId(ctx.random),
    custom_field: true,
    ...(typeof spec.length === 'number' ? { length: spec.length } : {}),
  }
  const org = orgOf(ctx, token.dc)
  org.customFields.set(module, [...(org.customFields.get(module) ?? []), field])
  return { code: 'SUCCESS', details: { id: field.id }, message: 'field created', status: 'success' }
}

async function addFields(c: Context, ctx: EmulatorContext, token: AccessToken): Promise<Response> {
  const module = moduleOf(c)
  if (typeof module !== 'string') return module
  const body = await jsonObject(c.req.json())
  if (!body) return invalidBody(c)
  const fields = body.fields
  if (!Array.isArray(fields) || fields.length === 0) {
    return crmError(c, 400, 'MANDATORY_NOT_FOUND', 'required field not found', {
      api_name: 'fields',
      json_path: '$.fields',
    })
  }
  const results = fields.map((field, index) => addField(ctx, token, module, field, index))
  return c.json({ fields: results }, batchStatus(results))
}

export function registerCrmFieldRoutes(app: Hono, ctx: EmulatorContext): void {
  registerApiRoute(app, ctx, {
    method: 'GET',
    path: '/crm/v8/settings/fields',
    scope: 'ZohoCRM.settings.fields.READ',
    errors: CRM_ERRORS,
    handle({ c, token }) {
      const module = moduleOf(c)
      if (typeof module !== 'string') return module
      return c.json({ fields: fieldsOf(ctx, token, module) })
    },
  })
  registerApiRoute(app, ctx, {
    method: 'POST',
    path: '/crm/v8/settings/fields',
    scope: 'ZohoCRM.settings.fields.CREATE',
    errors: CRM_ERRORS,
    handle: ({ c, token }) => addFields(c, ctx, token),
  })
}
