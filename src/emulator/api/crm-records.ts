/**
 * Zoho CRM v8 org and Leads: `GET /crm/v8/org`, `POST /crm/v8/Leads` (≤ 100 records, per-record
 * results inside `data[]`) and `GET /crm/v8/Leads/{id}` (one record, to see what was stored).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-org-data.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { newRecordId } from '../random.js'
import type { AccessToken } from '../state.js'
import { CRM_ERRORS, crmError, invalidBody } from './crm.js'
import { jsonObject, orgOf } from './org.js'
import { registerApiRoute } from './route.js'

const MAX_RECORDS = 100
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

type Result = Record<string, unknown>

export function recordError(code: string, message: string, details: Result): Result {
  return { code, details, message, status: 'error' }
}

/** Who the record is "by": the token's user, or the first user of the DC for an org token. */
function actor(ctx: EmulatorContext, token: AccessToken): { id: string; name: string } {
  const user =
    (token.zuid ? ctx.state.users.get(token.zuid) : undefined) ??
    [...ctx.state.users.values()].find((u) => u.dc === token.dc)
  return user
    ? { id: user.crmUserId, name: `${user.firstName} ${user.lastName}` }
    : { id: '0', name: 'System' }
}

function insertLead(
  ctx: EmulatorContext,
  token: AccessToken,
  input: unknown,
  index: number,
): Result {
  const path = (field: string): string => `$.data[${index}].${field}`
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return recordError('INVALID_DATA', 'invalid data', { json_path: `$.data[${index}]` })
  }
  const record = input as Result
  // Leads cannot be created without Last_Name.
  if (record.Last_Name === undefined || record.Last_Name === null || record.Last_Name === '') {
    return recordError('MANDATORY_NOT_FOUND', 'required field not found', {
      api_name: 'Last_Name',
      json_path: path('Last_Name'),
    })
  }
  for (const field of ['Last_Name', 'First_Name', 'Company', 'Email', 'Phone']) {
    if (record[field] !== undefined && typeof record[field] !== 'string') {
      return recordError('INVALID_DATA', 'invalid data', {
        expected_data_type: 'text',
        api_name: field,
        json_path: path(field),
      })
    }
  }
  const org = orgOf(ctx, token.dc)
  if (typeof record.Email === 'string') {
    if (!EMAIL.test(record.Email)) {
      return recordError('INVALID_DATA', 'invalid data', {
        expected_data_type: 'email',
        api_name: 'Email',
        json_path: path('Email'),
      })
    }
    const duplicate = org.leads.find((lead) => lead.Email === record.Email)
    if (duplicate) {
      return recordError('DUPLICATE_DATA', 'duplicate data', {
        api_name: 'Email',
        json_path: path('Email'),
        duplicate_record: { id: duplicate.id },
      })
    }
  }
  const by = actor(ctx, token)
  // CRM's timestamps: ISO 8601 with the org's offset, no milliseconds.
  const time = new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, '+00:00')
  const id = newRecordId(ctx.random)
  org.leads.push({ ...record, id, Created_Time: time })
  return {
    code: 'SUCCESS',
    details: { Modified_Time: time, Modified_By: by, Created_Time: time, id, Created_By: by },
    message: 'record added',
    status: 'success',
  }
}

async function insertLeads(
  c: Context,
  ctx: EmulatorContext,
  token: AccessToken,
): Promise<Response> {
  const body = await jsonObject(c.req.json())
  if (!body) return invalidBody(c)
  const data = body.data
  if (!Array.isArray(data) || data.length === 0) {
    return crmError(c, 400, 'MANDATORY_NOT_FOUND', 'required field not found', {
      api_name: 'data',
      json_path: '$.data',
    })
  }
  if (data.length > MAX_RECORDS) {
    return crmError(c, 400, 'LIMIT_EXCEEDED', 'limit exceeded', {
      limit: MAX_RECORDS,
      json_path: '$.data',
    })
  }
  const results = data.map((record, index) => insertLead(ctx, token, record, index))
  return c.json({ data: results }, batchStatus(results))
}

/** All added: 201. All failed: 400. A mix: 207 Multi-Status (inferred). */
export function batchStatus(results: Result[]): 201 | 207 | 400 {
  const failed = results.filter((r) => r.status === 'error').length
  return failed === 0 ? 201 : failed === results.length ? 400 : 207
}

export function registerCrmRecordRoutes(app: Hono, ctx: EmulatorContext): void {
  registerApiRoute(app, ctx, {
    method: 'GET',
    path: '/crm/v8/org',
    scope: 'ZohoCRM.org.READ',
    errors: CRM_ERRORS,
    handle({ c, token }) {
      const org = orgOf(ctx, token.dc)
      const owner = [...ctx.state.users.values()].find((u) => u.dc === token.dc)
      return c.json({
        org: [
          {
            id: org.id,
            company_name: org.companyName,
            domain_name: `org${org.invoiceOrgId}`,
            primary_email: owner?.email ?? null,
            primary_zuid: owner?.zuid ?? null,
            zgid: org.invoiceOrgId,
            type: 'production',
            currency: 'USD',
            time_zone: 'UTC',
          },
        ],
      })
    },
  })
  registerApiRoute(app, ctx, {
    method: 'POST',
    path: '/crm/v8/Leads',
    scope: 'ZohoCRM.modules.leads.CREATE',
    errors: CRM_ERRORS,
    handle: ({ c, token }) => insertLeads(c, ctx, token),
  })
  registerApiRoute(app, ctx, {
    method: 'GET',
    path: '/crm/v8/Leads/:id',
    scope: 'ZohoCRM.modules.leads.READ',
    errors: CRM_ERRORS,
    handle({ c, token }) {
      const id = c.req.param('id')
      const lead = orgOf(ctx, token.dc).leads.find((record) => record.id === id)
      // An id the org does not hold: docs/zoho-behaviour.md §7 (Resource APIs).
      if (!lead)
        return crmError(c, 400, 'INVALID_DATA', 'the related id given seems to be invalid', { id })
      return c.json({ data: [lead] })
    },
  })
}
