/**
 * `GET /oauth/v2/auth` (code and implicit flows, consent page), its POST-back, and
 * `GET /oauth/v2/auth/refresh` (implicit refresh while the user's Zoho session lives).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-token.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { accountsServer, apiDomain } from '../dcs.js'
import { baseOf, dcOf, encodePairs, withQuery } from '../http.js'
import { readParams } from '../params.js'
import { hasScope } from '../scopes.js'
import { sessionUser, startSession } from '../sessions.js'
import type { User } from '../state.js'
import { grantCodeAllowed, issueGrantCode, mintAccessToken } from '../tokens.js'
import { errorRedirect, validateAuthorize, type AuthorizeRequest } from './authorize-request.js'
import { consentPage, errorPage } from './html.js'

const OWN_PARAMS = new Set(['email', 'decision', 'emulator_login', 'emulator_decision'])

function implicitKey(clientId: string, zuid: string): string {
  return `${clientId}|${zuid}`
}

/** The code flow's success redirect (docs/zoho-behaviour.md §2), issued in the user's DC. */
function codeRedirect(
  ctx: EmulatorContext,
  c: Context,
  request: AuthorizeRequest,
  user: User,
): string {
  const { client } = request
  // Zoho: too many grant codes for one client in the window → access_denied.
  if (!grantCodeAllowed(ctx, client)) {
    return errorRedirect(request.redirectURI, 'code', 'access_denied', request.state)
  }
  // A refresh token only offline, and on re-consent (a live one exists) only with prompt=consent.
  const reconsent = ctx.state.refreshTokensOf(client.clientId, user.zuid).length > 0
  const code = issueGrantCode(ctx, {
    client,
    zuid: user.zuid,
    dc: user.dc,
    scopes: request.scopes,
    redirectURI: request.redirectURI,
    withRefreshToken: request.offline && (!reconsent || request.promptConsent),
    pkce: request.pkce,
    ttlSeconds: ctx.settings.code_ttl,
    countsAgainstLimit: true,
  })
  const query = encodePairs([
    ['state', request.state],
    ['code', code.code],
    ['location', user.dc],
    ['accounts-server', accountsServer(baseOf(c), user.dc)],
  ])
  // Real US callbacks end with a stray '&'.
  return withQuery(request.redirectURI, query + (user.dc === 'us' ? '&' : ''))
}

/**
 * The implicit flow's redirect: an access token (no refresh token) in a fragment that starts with
 * `#&`, as Zoho's does. The emulated consent always ticks "grant access for the entire session".
 */
function tokenRedirect(
  ctx: EmulatorContext,
  c: Context,
  request: AuthorizeRequest,
  user: User,
): string {
  const { client } = request
  const key = implicitKey(client.clientId, user.zuid)
  const granted = ctx.state.implicitGrants.get(key) ?? []
  ctx.state.implicitGrants.set(key, [...new Set([...granted, ...request.scopes])])
  const at = mintAccessToken(ctx, {
    clientId: client.clientId,
    zuid: user.zuid,
    dc: user.dc,
    scopes: request.scopes,
  })
  const fragment = encodePairs([
    ['access_token', at.token],
    ['token_type', 'Bearer'],
    ['expires_in', String(ctx.settings.access_token_ttl)],
    ['api_domain', apiDomain(baseOf(c), user.dc)],
    ['location', user.dc],
    ['accounts-server', accountsServer(baseOf(c), user.dc)],
    ['scope', request.scopes.join(' ')],
    ['granted_for_session', 'true'],
    ['state', request.state],
  ])
  return `${request.redirectURI}#&${fragment}`
}

function decide(
  ctx: EmulatorContext,
  c: Context,
  request: AuthorizeRequest,
  decision: { email: string; deny: boolean },
): Response {
  if (decision.deny) {
    return c.redirect(
      errorRedirect(request.redirectURI, request.responseType, 'access_denied', request.state),
      302,
    )
  }
  const user = ctx.state.userByEmail(decision.email)
  if (!user) return c.html(errorPage('invalid_user', `No user with email ${decision.email}.`), 400)
  startSession(ctx, c, user)
  const location =
    request.responseType === 'code'
      ? codeRedirect(ctx, c, request, user)
      : tokenRedirect(ctx, c, request, user)
  return c.redirect(location, 302)
}

async function authorize(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  const params = read.ok ? read.params : {}
  if (c.req.method === 'GET') ctx.stats.count('authorize', dc, params.client_id || undefined)
  // Not even the redirect URI can be trusted: Zoho's own page, never a redirect.
  if (!read.ok) return c.html(errorPage('invalid_request', read.problem), 400)
  const validation = validateAuthorize(ctx, params, dc)
  if (validation.kind === 'page') return c.html(errorPage(validation.code, validation.message), 400)
  if (validation.kind === 'redirect') return c.redirect(validation.location, 302)
  const request = validation.request
  // Headless shortcuts for tests: decide without the page.
  if (params.emulator_decision === 'deny') return decide(ctx, c, request, { email: '', deny: true })
  if (params.emulator_login) {
    return decide(ctx, c, request, { email: params.emulator_login, deny: false })
  }
  if (c.req.method === 'POST' && params.decision) {
    return decide(ctx, c, request, {
      email: params.email ?? '',
      deny: params.decision !== 'accept',
    })
  }
  const users = [...ctx.state.users.values()]
  return c.html(
    consentPage({
      action: new URL(c.req.url).pathname,
      clientId: request.client.clientId,
      scopes: request.scopes,
      users,
      selectedEmail: sessionUser(ctx, c)?.email,
      params: Object.fromEntries(Object.entries(params).filter(([k]) => !OWN_PARAMS.has(k))),
    }),
    200,
  )
}

/** JS apps: a fresh access token by redirect, without user action, while the session lives. */
async function refreshByRedirect(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  const params = read.ok ? read.params : {}
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
  // Signed out, or never granted for the session: the app must run the implicit flow again.
  if (!user || !granted) return back('client_not_granted')
  // Only scopes granted in /oauth/v2/auth; asking for more needs the user's consent again.
  if (!request.scopes.every((scope) => hasScope(granted, scope))) return back('prompt_required')
  return c.redirect(tokenRedirect(ctx, c, request, user), 302)
}

export function registerAuthorizeRoutes(app: Hono, ctx: EmulatorContext): void {
  app.get('/:dc/accounts/oauth/v2/auth', (c) => authorize(ctx, c))
  app.post('/:dc/accounts/oauth/v2/auth', (c) => authorize(ctx, c))
  app.get('/:dc/accounts/oauth/v2/auth/refresh', (c) => refreshByRedirect(ctx, c))
}
