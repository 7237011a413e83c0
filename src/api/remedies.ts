/**
 * What a person should do about each error Zoho's APIs answer (docs/zoho-behaviour.md §5), and
 * the ZohoApiError that says so.
 */
import { ZohoApiError, type ZohoProduct } from './errors.js'
import type { ZohoErrorBody } from './response.js'

/**
 * Where an error happened, for its message and remedy.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export interface ApiErrorContext {
  connectionId: string
  /** `POST /crm/v8/Leads` */
  request: string
  status: number
  product: ZohoProduct
  /** How many times the call was sent, when that matters to the remedy. */
  attempts?: number
}

const CRM_REMEDIES: Record<string, string> = {
  INVALID_URL_PATTERN:
    'Check the path: CRM paths look like /crm/v8/Leads or /crm/v8/settings/fields?module=Deals (module names are plural and capitalised).',
  INVALID_MODULE:
    'Use the API name of the module (Leads, Contacts, Accounts, Deals, …) as CRM spells it; custom modules have their own API name.',
  REQUIRED_PARAM_MISSING:
    'Add the missing parameter that details.param_name names (e.g. ?module=Deals).',
  INVALID_DATA:
    'Fix the value that details.api_name names (details.expected_data_type says what CRM expects).',
  MANDATORY_NOT_FOUND: 'Add the required field that details.api_name names (Leads need Last_Name).',
  DUPLICATE_DATA:
    'A record with this unique value exists already (details.duplicate_record); update it instead of creating another.',
  LIMIT_EXCEEDED: 'Send at most 100 records per call: split the batch.',
  NO_PERMISSION:
    'The Zoho user behind this connection lacks the permission (profile or role) for this; ask a CRM administrator, or connect as a user who has it.',
  INVALID_REQUEST_METHOD: 'This path does not take this HTTP method; check the API page for it.',
}

const INVOICE_REMEDIES: Record<number, string> = {
  2: 'A value was refused (the message names it); for X-com-zoho-invoice-organizationid, list your organisations with GET /invoice/v3/organizations and pass one of their organization_id values.',
  5: 'Check the path: Invoice paths look like /invoice/v3/invoices or /invoice/v3/contacts.',
  57: "The Zoho user behind this connection is not allowed to do this in the organisation (role or permission); ask the organisation's administrator.",
}

/** The remedy for a refused token that a refresh did not cure. */
function tokenRemedy(connectionId: string): string {
  return `Zoho refused even a freshly refreshed token: the grant may be revoked, or the API belongs to another data centre than the connection's. Check with: zoho-auth doctor --connection ${connectionId}, which names the command that grants access again for this connection's client (a new Self Client code and zoho-auth exchange, or zoho-auth login).`
}

function remedyFor(error: ZohoErrorBody, ctx: ApiErrorContext, kind: string): string {
  if (kind === 'token_refused') return tokenRemedy(ctx.connectionId)
  if (kind === 'server_error') {
    return (ctx.attempts ?? 1) > 1
      ? `Zoho answered with a server error ${ctx.attempts} times; try again in a few minutes (status.zoho.com shows outages).`
      : 'Zoho answered with a server error. The call was not retried, because a POST or PATCH may have created or changed the record anyway: check whether it did before sending it again.'
  }
  const code = error.zohoCode
  const known =
    typeof code === 'number'
      ? INVOICE_REMEDIES[code]
      : typeof code === 'string'
        ? CRM_REMEDIES[code]
        : undefined
  if (known !== undefined) return known
  if (ctx.status === 404)
    return 'Check the path and the product version in it (/crm/v8/…, /invoice/v3/…).'
  return `Zoho refused the call${code === undefined ? '' : ` with ${String(code)}`}; see its message, and the API page for ${ctx.request}.`
}

/**
 * The ZohoApiError for an answer Zoho refused: its code, message and details intact.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 */
export function zohoApiError(
  error: ZohoErrorBody,
  ctx: ApiErrorContext,
  kind: 'error' | 'server_error' | 'token_refused' = 'error',
): ZohoApiError {
  return new ZohoApiError({
    connectionId: ctx.connectionId,
    request: ctx.request,
    status: ctx.status,
    product: ctx.product,
    zohoCode: error.zohoCode,
    zohoMessage: error.zohoMessage,
    details: error.details,
    remedy: remedyFor(error, ctx, kind),
  })
}
