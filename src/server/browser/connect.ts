/**
 * `GET /browser/v1/connect?return_to=…[&dc=…][&scopes=…]`: a page of an allowlisted app sends the
 * person here (a full-page navigation, so the cookie is set first-party) to sign a Zoho account
 * in through the broker's own connect flow. The new connection is owned by this browser's
 * session; Zoho's answer lands on `/oauth/callback`, which stores the refresh token and sends
 * the person back to `return_to?connection=<id>&status=connected`.
 */
import type { Context } from 'hono'
import type { BrokerDeps } from '../deps.js'
import { pageResponse } from '../connect/pages.js'
import { readOptions, sendToConsent } from '../connect/start.js'
import { ensureBrowserSession, newOwnedId } from './session.js'

/** The `/browser/v1/connect` handler. */
export async function startBrowserConnect(c: Context, deps: BrokerDeps): Promise<Response> {
  const refuse = (status: 400 | 503, title: string, message: string, remedy: string) =>
    pageResponse(c, deps, status, { title, ok: false, message, remedy })
  if (deps.client === undefined) {
    return refuse(
      503,
      'Signing in through the broker is not set up',
      'This broker has no Zoho OAuth client configured',
      'Ask whoever runs the broker to set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET for a Server-based client, then restart it',
    )
  }
  const returnTo = c.req.query('return_to')
  if (returnTo === undefined || returnTo.trim() === '') {
    return refuse(
      400,
      'This sign-in link is not valid',
      'The link does not say where to send you back (return_to)',
      'Go back to the application and use its sign-in button; an app passes `return_to` with a page of its own',
    )
  }
  const options = readOptions(deps, {
    dc: c.req.query('dc'),
    scopes: c.req.query('scopes'),
    returnTo,
  })
  if ('status' in options) return refuse(400, options.title, options.message, options.remedy)
  const sid = ensureBrowserSession(c, deps)
  return sendToConsent(c, deps, deps.client, { connection: newOwnedId(sid), ...options })
}
