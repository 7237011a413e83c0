/**
 * `GET /oauth/callback`: where Zoho sends the person back. The state is checked first (forged,
 * replayed or stale → a page, nothing stored, nothing sent), then Zoho's `error`, then the
 * `accounts-server` against the DC table — the client secret goes only to a DC of the table, never
 * to a host a URL names — and the code is exchanged in the person's own DC (`location`).
 */
import type { Context } from 'hono'
import { parseAuthorizationCallback, type AuthorizationCallback } from '../../protocol/authorize.js'
import { remedyFor, ZohoAuthError } from '../../protocol/errors.js'
import { redact } from '../../protocol/redact.js'
import type { Connection } from '../../stores/store.js'
import type { BrokerDeps } from '../deps.js'
import { describeError } from '../errors.js'
import { verifyConnectState, type ConnectState } from './connect-state.js'
import { BACK_TO_UI, pageResponse } from './pages.js'

// What each `error` Zoho can redirect back with means to the person (docs/zoho-behaviour.md).
const ZOHO_REFUSALS: Record<string, { title: string; message: string; remedy: string }> = {
  access_denied: {
    title: 'Access was not granted',
    message:
      'Zoho did not grant access: consent was declined (or the app asked Zoho for too many sign-ins in 10 minutes)',
    remedy:
      'Start connecting again and choose Accept on Zoho’s page; if you did accept, wait 10 minutes and try again',
  },
  // Since 2025 Zoho answers no_org when the account has no organisation in a product a scope names.
  no_org: {
    title: 'This Zoho account has no organisation for these scopes',
    message:
      'The Zoho account you signed in with has no organisation in a product this connection asks for (for example Zoho CRM scopes without a CRM account)',
    remedy:
      'Connect again with a Zoho account that uses that product, or ask only for the products this account has',
  },
  invalid_scope: {
    title: 'Zoho does not know a scope',
    message: 'Zoho does not know one of the requested scopes',
    remedy: 'Check the scope names (comma-separated, exact case) and connect again',
  },
}

function who(connection: Connection): string {
  return connection.email ?? (connection.zuid ? `Zoho user ${connection.zuid}` : 'a Zoho user')
}

function backTo(state: ConnectState | undefined): Array<{ href: string; text: string }> {
  return state?.returnTo === undefined
    ? [BACK_TO_UI]
    : [{ href: state.returnTo, text: 'Back to the application' }]
}

function failed(
  c: Context,
  deps: BrokerDeps,
  state: ConnectState,
  error: unknown,
  status?: 400,
): Response {
  const { status: byCode, body } = describeError(error)
  deps.logger.warn({
    msg: 'connect callback failed',
    connection: state.connection,
    code: body.error.code,
    error: redact(body.error.message),
  })
  return pageResponse(c, deps, status ?? (byCode >= 500 ? 502 : 400), {
    title: 'The Zoho account could not be connected',
    ok: false,
    message: `${body.error.message}; nothing was stored`,
    remedy: body.error.remedy,
    links: backTo(state),
  })
}

/** The `/oauth/callback` handler. */
export async function finishConnect(c: Context, deps: BrokerDeps): Promise<Response> {
  let state: ConnectState
  try {
    state = await verifyConnectState(deps, c.req.query('state'))
  } catch (error) {
    const known = error instanceof ZohoAuthError
    return pageResponse(c, deps, 400, {
      title: 'This sign-in cannot be completed',
      ok: false,
      message: known ? error.message : 'The callback state could not be checked',
      remedy: known ? error.remedy : 'Start connecting again from the broker.',
      links: [BACK_TO_UI],
    })
  }
  const zohoError = c.req.query('error')
  if (zohoError !== undefined && zohoError !== '') {
    const known = ZOHO_REFUSALS[zohoError]
    return pageResponse(c, deps, 400, {
      title: known?.title ?? 'Zoho refused the sign-in',
      ok: false,
      message: `${known?.message ?? `Zoho redirected back with error "${zohoError.slice(0, 80)}"`}; nothing was stored`,
      remedy: known?.remedy ?? remedyFor(zohoError),
      links: backTo(state),
    })
  }
  let callback: AuthorizationCallback
  try {
    // Refuses an accounts-server outside the DC table before anything is sent anywhere.
    callback = parseAuthorizationCallback(c.req.url, {
      dataCenters: deps.dataCenters,
      defaultLocation: state.dc,
    })
  } catch (error) {
    return failed(c, deps, state, error, 400)
  }
  let connection: Connection
  try {
    connection = await deps.manager.createFromCode({
      id: state.connection,
      code: callback.code,
      dc: callback.location,
      redirectURI: deps.settings.redirectUri,
      codeVerifier: state.verifier,
      // Connecting an id again is how a connection that needs re-auth is repaired.
      replace: true,
    })
  } catch (error) {
    return failed(c, deps, state, error)
  }
  deps.logger.info({ msg: 'connection connected', connection: connection.id, dc: connection.dc })
  if (state.returnTo !== undefined) {
    const target = new URL(state.returnTo)
    target.searchParams.set('connection', connection.id)
    target.searchParams.set('status', 'connected')
    c.header('cache-control', 'no-store')
    c.header('referrer-policy', 'no-referrer')
    return c.redirect(target.href, 302)
  }
  return pageResponse(c, deps, 200, {
    title: 'Zoho account connected',
    ok: true,
    message: `Connected ${who(connection)} in Zoho’s ${connection.dc.toUpperCase()} data centre as connection \`${connection.id}\``,
    links: [BACK_TO_UI],
  })
}
