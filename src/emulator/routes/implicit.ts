/**
 * The implicit flow for client-based (JS) apps: the token redirect of `GET /oauth/v2/auth` with
 * `response_type=token`, and `GET /oauth/v2/auth/refresh` (alias `/oauth/v2/refresh`), which
 * hands out a new token by redirect while the user's Zoho session lives.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-token.html
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-expiry.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { accountsServer, apiDomain } from '../dcs.js'
import { baseOf, dcOf, encodePairs } from '../http.js'
import { readParams } from '../params.js'
import { hasScope } from '../scopes.js'
import { sessionUser } from '../sessions.js'
import type { User } from '../state.js'
import { mintAccessToken } from '../tokens.js'
import {
  errorRedirect,
  orglessScope,
  validateAuthorize,
  type AuthorizeRequest,
} from './authorize-request.js'
import { errorPage } from './html.js'

function implicitKey(clientId: string, zuid: string): string {
  return `${clientId}|${zuid}`
}

/**
 * The implicit flow's redirect: an access token (no refresh token) in a fragment that starts with
 * `#&`, as Zoho's does. `forSession` is the consent page's "grant access for the entire session";
 * a refresh by redirect keeps what the first grant said.
 */
export function tokenRedirect(
  ctx: EmulatorContext,
  c: Context,
  request: AuthorizeRequest,
  user: User,
  forSession: boolean,
): string {
  const { client } = request
  const key = implicitKey(client.clientId, user.zuid)
  const granted = ctx.state.implicitGrants.get(key)
  ctx.state.implicitGrants.set(key, {
    scopes: [...new Set([...(granted?.scopes ?? []), ...request.scopes])],
    forSession,
  })
  const at = mintAccessToken(ctx, {
    clientId: client.clientId,
    zuid: user.zuid,
    dc: user.dc,
    scopes: request.scopes,
  })
  const ttl = ctx.settings.access_token_ttl
  const fragment = encodePairs([
    ['access_token', at.token],
    ['token_type', 'Bearer'],
    // Zoho's pages show expires_in in seconds, older answers in milliseconds; expires_in_sec
    // is always seconds (docs/zoho-behaviour.md §2).
    ['expires_in', String(ctx.settings.expires_in_millis ? ttl * 1000 : ttl)],
    ['expires_in_sec', String(ttl)],
    ['api_domain', apiDomain(baseOf(c), user.dc)],
    ['location', user.dc],
    ['accounts-server', accountsServer(baseOf(c), user.dc)],
    ['scope', request.scopes.join(' ')],
    ['granted_for_session', String(forSession)],
    ['state', request.state],
  ])
  return `${request.redirectURI}#&${fragment}`
}

/** JS apps: a fresh access token by redirect, without user action, while the session lives. */
async function refreshByRedirect(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  const params = read.ok ? read.params : {}
  // Counted under `authorize`, like the sign-in: the stats keys are a fixed contract.
  ctx.stats.count('authorize', dc, params.client_id || undefined)
  if (!read.ok) return c.html(errorPage('invalid_request', read.problem), 400)
  const validation = validateAuthorize(ctx, { response_type: 'token', ...params }, dc)
  if (validation.kind === 'page') return c.html(errorPage(validation.code, validation.message), 400)
  if (validation.kind === 'redirect') return c.redirect(validation.location, 302)
  const request = validation.request
  const back = (error: string): Response =>
    c.redirect(errorRedirect(request.redirectURI, 'token', error, request.state), 302)
  const user = sessionUser(ctx, c)
  const granted =
    user && ctx.state.implicitGrants.get(implicitKey(request.client.clientId, user.zuid))
  // Signed out (or signed out by another user signing in), never granted, or granted without
  // "for the entire session": the app must run the implicit flow again.
  if (!user || !granted || !granted.forSession) return back('client_not_granted')
  // Only scopes granted in /oauth/v2/auth; asking for more needs the user's consent again.
  if (!request.scopes.every((scope) => hasScope(granted.scopes, scope))) {
    return back('prompt_required')
  }
  if (orglessScope(user, request.scopes)) return back('no_org')
  return c.redirect(tokenRedirect(ctx, c, request, user, true), 302)
}

/** Both names of the refresh endpoint: Zoho's newer page calls it `/oauth/v2/refresh`. */
export function registerImplicitRefreshRoutes(app: Hono, ctx: EmulatorContext): void {
  app.get('/:dc/accounts/oauth/v2/auth/refresh', (c) => refreshByRedirect(ctx, c))
  app.get('/:dc/accounts/oauth/v2/refresh', (c) => refreshByRedirect(ctx, c))
}
