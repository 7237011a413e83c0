/**
 * Route-test helpers for the broker's UI and connect flow, on top of `brokerHarness()`: sign in
 * (a cookie), read a page's CSRF token, start `/connect`, and let the in-process emulator decide
 * on its consent page as a user would, returning the callback path Zoho would redirect to.
 */
import { ADMIN_TOKEN, USER, type BrokerHarness } from '../../src/server/test-support.js'

/** `name=value` of a response's Set-Cookie, or null. */
export function cookieOf(response: Response): string | null {
  const header = response.headers.get('set-cookie')
  return header === null ? null : (header.split(';')[0] ?? null)
}

/** Signs in with the admin token; returns the Cookie header value. */
export async function signIn(harness: BrokerHarness): Promise<string> {
  const response = await harness.app.request('/sign-in', {
    method: 'POST',
    body: new URLSearchParams({ token: ADMIN_TOKEN }),
  })
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`)
  const cookie = cookieOf(response)
  if (cookie === null) throw new Error('sign-in set no cookie')
  return cookie
}

/** A page of the UI as the signed-in admin (no bearer). */
export async function getPage(
  harness: BrokerHarness,
  path: string,
  cookie: string,
): Promise<{ status: number; html: string; response: Response }> {
  const response = await harness.app.request(path, { headers: { cookie } })
  return { status: response.status, html: await response.text(), response }
}

/** The CSRF token in a page's forms. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (match?.[1] === undefined) throw new Error('the page has no CSRF field')
  return match[1]
}

/** POSTs a UI form as the signed-in admin. */
export async function postForm(
  harness: BrokerHarness,
  path: string,
  cookie: string,
  fields: Record<string, string>,
): Promise<Response> {
  return harness.app.request(path, {
    method: 'POST',
    headers: { cookie },
    body: new URLSearchParams(fields),
  })
}

/** `GET /connect?…` with the given headers; returns the response (a 302 to Zoho when allowed). */
export async function startConnect(
  harness: BrokerHarness,
  query: string,
  headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` },
): Promise<Response> {
  return harness.app.request(`/connect?${query}`, { headers })
}

/**
 * Follows the authorize URL at the emulator, approving as `email` (or denying), and returns the
 * path and query of the broker callback it redirects to.
 */
export async function consent(
  harness: BrokerHarness,
  authorizeURL: string,
  decision: { email?: string; deny?: boolean } = {},
): Promise<string> {
  const url = new URL(authorizeURL)
  if (decision.deny) url.searchParams.set('emulator_decision', 'deny')
  else url.searchParams.set('emulator_login', decision.email ?? USER)
  const response = await harness.emulator.fetch(new Request(url, { redirect: 'manual' }))
  const location = response.headers.get('location')
  if (response.status !== 302 || location === null) {
    throw new Error(`the emulator answered ${response.status}: ${await response.text()}`)
  }
  const callback = new URL(location)
  return `${callback.pathname}${callback.search}`
}

/** Starts with the admin bearer, approves as `email`, returns the callback path. */
export async function connectFlow(
  harness: BrokerHarness,
  query: string,
  decision: { email?: string; deny?: boolean } = {},
): Promise<string> {
  const started = await startConnect(harness, query)
  const location = started.headers.get('location')
  if (started.status !== 302 || location === null) {
    throw new Error(`/connect answered ${started.status}: ${await started.text()}`)
  }
  return consent(harness, location, decision)
}
