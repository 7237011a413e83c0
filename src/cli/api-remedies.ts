/**
 * The API client's remedies (src/api/remedies.ts) speak to code: "pass a relative path", "GET
 * /invoice/v3/organizations". At a shell the fix is a command; this says which. Only the errors
 * whose fix differs at a shell are here; the others keep the library's words.
 */
import { ApiPathError, ApiScopeError, ZohoApiError } from '../api/errors.js'
import type { ZohoAuthError } from '../protocol/errors.js'

// Zoho Invoice answers code 2 for any refused value, the organisation id most often.
const INVOICE_INVALID_VALUE = 2

/** The CLI's remedy for an API client error, or undefined to keep the library's. */
export function apiRemedyInCli(error: ZohoAuthError): string | undefined {
  if (error instanceof ApiPathError) {
    return "Pass a path relative to the connection's API domain, such as `zoho-auth api /crm/v8/org` or `zoho-auth api '/crm/v8/settings/fields?module=Deals'`; the domain of the connection's data centre is added for you."
  }
  if (error instanceof ApiScopeError) {
    const scopes = [...new Set([...error.scopes, error.requiredScope ?? 'SCOPE'])].join(',')
    const id = error.connectionId
    return `Grant access again with the scope added (a refresh keeps the old scopes): \`zoho-auth login --connection ${id} --scopes ${scopes}\`, or with a Self Client, mint a code for those scopes and run \`zoho-auth exchange --code CODE --connection ${id} --replace\`.`
  }
  if (
    error instanceof ZohoApiError &&
    (error.product === 'invoice' || error.product === 'books') &&
    error.zohoCode === INVOICE_INVALID_VALUE
  ) {
    return 'A value was refused (the message names it). For the organisation, list yours with `zoho-auth api /invoice/v3/organizations` and pass one of their organization_id values (`zoho-auth invoice create --organization ID`).'
  }
  return undefined
}
