/**
 * Who a token belongs to: CRM's current user, asked on the DC's API domain (CRM answers CORS for
 * a client-based client's JavaScript domain; the accounts server's user info does not).
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-users.html
 */
import { BrowserAuthError } from './errors.js'

/** The account's ZUID, email and name. */
export async function identify(
  apiDomain: string,
  token: string,
): Promise<{ zuid: string; email: string; name: string }> {
  let status = 'no answer'
  try {
    const response = await fetch(`${apiDomain}/crm/v8/users?type=CurrentUser`, {
      headers: { Authorization: `Zoho-oauthtoken ${token}` },
    })
    status = `HTTP ${response.status}`
    if (response.ok) {
      const body = (await response.json()) as { users?: Record<string, unknown>[] }
      const user = body.users?.[0]
      if (user && typeof user.email === 'string') {
        const zuid = String(user.zuid ?? user.id)
        return { zuid, email: user.email, name: String(user.full_name ?? user.email) }
      }
    }
  } catch {
    // A network error or a CORS refusal: the browser does not say which.
  }
  throw new BrowserAuthError(
    'identify_failed',
    `CRM's CurrentUser did not name the account (${status})`,
    "Ask for ZohoCRM.users.READ, and register this app's origin as the client's JavaScript domain.",
  )
}
