/**
 * `POST /api/v1/connections/:id/leads` `{name, email, phone?, interest?}`: the seeds' website
 * consultation form as a route. The form is mapped onto a CRM Lead by the recipe in
 * src/api/crm-leads.ts and created with the connection's token (the API client's rule: one
 * refresh and one retry on a refused token). CRM judges each record itself: its refusal of this
 * one (`MANDATORY_NOT_FOUND`, `INVALID_DATA`, `DUPLICATE_DATA`, …) is a 422 with its code intact.
 */
import type { Hono } from 'hono'
import { createLeads, leadFromConsultation } from '../../api/crm-leads.js'
import { ZohoApiClient } from '../../api/client.js'
import { redact } from '../../protocol/redact.js'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { limitBody, onlyFields, optionalString, readJsonObject, requiredString } from './body.js'
import { checkConnectionId } from './connection-id.js'

const FIELDS = ['name', 'email', 'phone', 'interest']

/** What CRM says to do about its per-record codes, for the person who filled in the form. */
const LEAD_REMEDIES: Record<string, string> = {
  MANDATORY_NOT_FOUND:
    'Fill in the field CRM names in details.api_name (Leads need a last name: send "name").',
  INVALID_DATA:
    'Correct the field CRM names in details.api_name (an email must look like name@example.com).',
  DUPLICATE_DATA:
    'A lead with this email already exists in CRM (its id is in details.duplicate_record); update that one instead.',
}

/** Mounts `POST /connections/:id/leads` on `api`. */
export function leadRoutes(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  api.post('/connections/:id/leads', limitBody(deps), async (c) => {
    const id = checkConnectionId(c.req.param('id'))
    const body = await readJsonObject(c)
    onlyFields(body, FIELDS)
    const form = {
      name: requiredString(body, 'name'),
      email: requiredString(body, 'email'),
      phone: optionalString(body, 'phone'),
      interest: optionalString(body, 'interest'),
    }
    const client = new ZohoApiClient({
      manager: deps.manager,
      connectionId: id,
      fetch: deps.fetch,
      allowInsecureHTTP: deps.allowInsecureHTTP,
    })
    const { results } = await createLeads(client, [leadFromConsultation(form)])
    const [result] = results
    if (result === undefined) throw new Error('createLeads answered no result for one lead')
    if (result.ok) {
      return c.json({ id: result.id, code: result.code, message: result.message }, 201)
    }
    return c.json(
      {
        error: {
          code: result.code,
          message: redact(`CRM refused the lead: ${result.message || result.code}`),
          remedy:
            LEAD_REMEDIES[result.code] ??
            `CRM answered ${result.code}; see details and Zoho's insert-records documentation.`,
          details: result.details,
        },
      },
      422,
    )
  })
}
