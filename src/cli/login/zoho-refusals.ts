/**
 * What each `error` Zoho can send back on the redirect means at the CLI, and the command that
 * gets past it (docs/zoho-behaviour.md §2, §6).
 */
import { remedyFor } from '../../protocol/errors.js'
import { ERR_LOGIN_REFUSED, LoginError } from './errors.js'

const REFUSALS: Record<string, { message: string; remedy: string }> = {
  access_denied: {
    message:
      'Zoho did not grant access: consent was declined, or the client asked for more than 10 codes in 10 minutes',
    remedy:
      'Run `zoho-auth login` again and choose Accept; if you did accept, wait 10 minutes (Zoho limits grant codes per client) and try again.',
  },
  // Since 2025 Zoho answers no_org when the account has no organisation in a product a scope names.
  no_org: {
    message:
      'The Zoho account you signed in with has no organisation in a product these scopes ask for (for example ZohoCRM.* without a CRM account)',
    remedy:
      'Sign in with an account that uses that product, or ask only for products it has: `zoho-auth login --scopes ZohoCRM.modules.ALL,…`.',
  },
  invalid_scope: {
    message: 'Zoho does not know one of the requested scopes',
    remedy:
      'Check the scope names (comma-separated, exact case) and run `zoho-auth login --scopes ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,…`.',
  },
  unauthorized_client: {
    message:
      'This client may not use the browser sign-in (only Server-based clients can; client-based, Self Client and device clients cannot)',
    remedy:
      'Use a Server-based client from the Zoho API console, or for a Self Client run `zoho-auth exchange --file self_client.json`, or for a device client `zoho-auth login --device`.',
  },
  unsupported_response_type: {
    message: 'Zoho refused the kind of sign-in requested (response_type=code)',
    remedy:
      'Use a Server-based client from the Zoho API console, then run `zoho-auth login` again.',
  },
  invalid_request: {
    message: 'Zoho refused the sign-in request as malformed',
    remedy:
      'Run `zoho-auth login` again; if it repeats, report it with the output of `zoho-auth --version`.',
  },
}

/** Zoho redirected back with `?error=…`: nothing to exchange, nothing stored. */
export function zohoRefusal(error: string): LoginError {
  const known = REFUSALS[error]
  return new LoginError(
    ERR_LOGIN_REFUSED,
    known?.message ?? `Zoho redirected back with error "${error}"`,
    { remedy: known?.remedy ?? remedyFor(error), error },
  )
}
