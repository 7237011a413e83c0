/**
 * `GET /connect?connection=ID[&dc=…][&scopes=…][&return_to=…]` (or `?link=<connect link>`):
 * sends the person to Zoho's consent page for this broker's client, with offline access,
 * `prompt=consent` (so a reconnect gets a refresh token too), PKCE S256 and a signed, single-use
 * state. Only a signed-in admin, a bearer of the API, or a connect link may start one: anyone
 * else could replace a tenant's connection with their own Zoho account.
 */
import type { Context } from 'hono'
import { buildAuthorizationURL, generatePKCE } from '../../protocol/authorize.js'
import type { DataCenter } from '../../protocol/data-centers.js'
import type { OAuthClient } from '../../tokens/types.js'
import { bearerOf, callerFromBearer, type Caller } from '../auth.js'
import { redeemConnectLink, type ConnectLinkGrant } from '../connect-link.js'
import type { BrokerDeps } from '../deps.js'
import { isCsrfToken, readSession } from '../ui/session.js'
import { signConnectState } from './connect-state.js'
import { connectionIdProblem } from '../api/connection-id.js'
import { BACK_TO_UI, pageResponse } from './pages.js'
import { allowedReturnTo } from './return-to.js'

const SCOPE = /^[A-Za-z0-9._-]+$/

/** Why a connect flow was not started, as the page shows it. */
export type Refusal = {
  status: 400 | 401 | 403 | 410 | 503
  title: string
  message: string
  remedy: string
}

/** A connect flow to start: checked, authorised. */
export interface ConnectRequest {
  connection: string
  dataCenter: DataCenter
  scopes: string[]
  returnTo: string | undefined
}

function badRequest(message: string, remedy: string): Refusal {
  return { status: 400, title: 'This connect link is not valid', message, remedy }
}

/** The query's dc, scopes and return_to, checked; each may be overridden by a connect link. */
export function readOptions(
  deps: BrokerDeps,
  query: { dc?: string | undefined; scopes?: string | undefined; returnTo?: string | undefined },
): Refusal | { dataCenter: DataCenter; scopes: string[]; returnTo: string | undefined } {
  const location = query.dc?.trim() || deps.settings.defaultDc
  const dataCenter = deps.dataCenters.byLocation(location)
  if (dataCenter === undefined) {
    const known = deps.dataCenters.dataCenters.map((dc) => dc.location).join(', ')
    return badRequest(`There is no Zoho data centre "${location}"`, `Use one of: ${known}`)
  }
  const scopes =
    query.scopes === undefined
      ? deps.settings.defaultScopes
      : query.scopes
          .split(',')
          .map((scope) => scope.trim())
          .filter((scope) => scope !== '')
  if (scopes.length === 0 || !scopes.every((scope) => SCOPE.test(scope))) {
    return badRequest(
      'The scopes must be Zoho scope names separated by commas',
      'Pass scopes like `ZohoCRM.modules.ALL,ZohoCRM.users.READ`, or leave them out for the broker’s default',
    )
  }
  let returnTo: string | undefined
  if (query.returnTo !== undefined) {
    const allowed = allowedReturnTo(deps.settings, query.returnTo)
    if (allowed === null) {
      return badRequest(
        'The return_to address is not one this broker may send people to',
        'Use an address on the broker itself or on an origin listed in the broker’s return-to allowlist',
      )
    }
    returnTo = allowed
  }
  return { dataCenter, scopes, returnTo }
}

function checkConnectionId(connection: string | undefined): Refusal | string {
  const id = connection?.trim() ?? ''
  if (id === '') {
    return badRequest(
      'The link names no connection',
      'Add `?connection=NAME` (the tenant, user or name this Zoho account is for)',
    )
  }
  // The API's rule: an id it cannot address (`..`, `a/b`) could never be revoked or removed.
  const problem = connectionIdProblem(id)
  if (problem !== null) {
    return badRequest(
      `"${id.slice(0, 128)}" cannot be a connection name: ${problem}`,
      'Use letters, digits and . _ - : @ (at most 128 characters), e.g. `acme` or `tenant-42`',
    )
  }
  return id
}

const LINK_REFUSALS = {
  forged: {
    status: 400,
    message: 'This connect link was not issued by this broker, or it was changed',
    remedy: 'Ask the application that sent you here for a new link',
  },
  expired: {
    status: 410,
    message: 'This connect link has expired: links work for 30 minutes',
    remedy: 'Go back to the application that sent you here and start connecting again',
  },
  used: {
    status: 410,
    message: 'This connect link was already used: each link works once',
    remedy: 'Go back to the application that sent you here and start connecting again',
  },
} as const

async function authorizedRequest(c: Context, deps: BrokerDeps): Promise<Refusal | ConnectRequest> {
  const query = {
    dc: c.req.query('dc'),
    scopes: c.req.query('scopes'),
    returnTo: c.req.query('return_to'),
  }
  const link = c.req.query('link')
  if (link !== undefined) {
    // The query is checked before the link is spent, so a typo does not use it up.
    const fromQuery = readOptions(deps, query)
    if ('status' in fromQuery) return fromQuery
    const verdict = await redeemConnectLink(deps, link)
    if (!verdict.ok) {
      const refusal = LINK_REFUSALS[verdict.reason]
      return { ...refusal, title: 'This connect link cannot be used' }
    }
    return fromLink(deps, verdict.grant, query)
  }
  const bearer = bearerOf(c)
  const session = bearer === null ? readSession(c, deps) : null
  const caller: Caller | null =
    bearer === null
      ? session === null
        ? null
        : { kind: 'admin' }
      : await callerFromBearer(deps, bearer)
  // A SameSite=Lax cookie still rides on a link from another site: a signed-in admin lured there
  // would land on a real consent page for a connection the stranger picked. The broker's own
  // forms and links carry the session's CSRF token; without it, only a navigation the browser
  // says is the broker's own or typed (`Sec-Fetch-Site: same-origin | none`) may start one.
  // Browsers that send no Sec-Fetch-Site (older Safari, some web views) need the token.
  const site = c.req.header('sec-fetch-site')
  const vouched =
    session === null ||
    isCsrfToken(deps, session, c.req.query('_csrf')) ||
    site === 'same-origin' ||
    site === 'none'
  if (!vouched) {
    return {
      status: 403,
      title: 'Start connecting from the broker',
      message:
        'This connect link did not come from the broker’s own pages, so the broker did not follow it',
      remedy:
        'Open the broker’s connections page and use “Connect an account”, or have your backend create a connect link with `POST /api/v1/connect-links`',
    }
  }
  if (caller === null) {
    return {
      status: 401,
      title: 'Sign in to connect an account',
      message:
        bearer === null
          ? 'Connecting a Zoho account needs a signed-in broker admin or a connect link'
          : 'The Authorization header holds neither the admin token nor a current API key',
      remedy:
        'Sign in to the broker and use “Connect an account”, or have your backend create a connect link with `POST /api/v1/connect-links` and open that',
    }
  }
  const id = checkConnectionId(c.req.query('connection'))
  if (typeof id !== 'string') return id
  const options = readOptions(deps, query)
  return 'status' in options ? options : { connection: id, ...options }
}

function fromLink(
  deps: BrokerDeps,
  grant: ConnectLinkGrant,
  query: { dc?: string | undefined; scopes?: string | undefined; returnTo?: string | undefined },
): Refusal | ConnectRequest {
  const id = checkConnectionId(grant.connection)
  if (typeof id !== 'string') return id
  const options = readOptions(deps, {
    dc: grant.dc ?? query.dc,
    scopes: grant.scopes === undefined ? query.scopes : grant.scopes.join(','),
    returnTo: grant.returnTo ?? query.returnTo,
  })
  return 'status' in options ? options : { connection: id, ...options }
}

/** The `/connect` handler. */
export async function startConnect(c: Context, deps: BrokerDeps): Promise<Response> {
  const client = deps.client
  if (client === undefined) {
    return pageResponse(c, deps, 503, {
      title: 'Connecting is not set up',
      ok: false,
      message: 'This broker has no Zoho OAuth client configured',
      remedy:
        'Set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET for a Server-based client whose redirect URI is this broker’s /oauth/callback, then restart it',
    })
  }
  const request = await authorizedRequest(c, deps)
  if ('status' in request) {
    return pageResponse(c, deps, request.status, {
      title: request.title,
      ok: false,
      message: request.message,
      remedy: request.remedy,
      links: request.status === 401 ? [{ href: '/sign-in', text: 'Sign in' }] : [BACK_TO_UI],
    })
  }
  return sendToConsent(c, deps, client, request)
}

/**
 * The redirect to Zoho's consent page for `request`, which the caller has authorised: a signed,
 * single-use state carries the connection id, DC, return_to and the sealed PKCE verifier.
 */
export async function sendToConsent(
  c: Context,
  deps: BrokerDeps,
  client: OAuthClient,
  request: ConnectRequest,
): Promise<Response> {
  const pkce = await generatePKCE()
  const state = await signConnectState(deps, {
    connection: request.connection,
    dc: request.dataCenter.location,
    returnTo: request.returnTo,
    verifier: pkce.verifier,
  })
  const authorizeURL = buildAuthorizationURL({
    accountsServer: request.dataCenter.accountsServer,
    clientId: client.clientId,
    redirectURI: deps.settings.redirectUri,
    scopes: request.scopes,
    state,
    // A refresh token only with offline access; on a reconnect only with prompt=consent too.
    accessType: 'offline',
    prompt: 'consent',
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
  })
  c.header('cache-control', 'no-store')
  c.header('referrer-policy', 'no-referrer')
  return c.redirect(authorizeURL.href, 302)
}
