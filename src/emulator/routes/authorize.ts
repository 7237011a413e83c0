/**
 * `GET /oauth/v2/auth` (code and implicit flows, consent page) and its POST-back; the implicit
 * refresh endpoints live in implicit.ts.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 * @see https://www.zoho.com/accounts/protocol/oauth/js-apps/access-token.html
 */
import type { Context, Hono } from 'hono'
import type { EmulatorContext } from '../context.js'
import { accountsServer } from '../dcs.js'
import { baseOf, dcOf, encodePairs, withQuery } from '../http.js'
import { readParams } from '../params.js'
import { sessionUser, startSession } from '../sessions.js'
import type { User } from '../state.js'
import { grantCodeAllowed, issueGrantCode } from '../tokens.js'
import {
  errorRedirect,
  orglessScope,
  validateAuthorize,
  type AuthorizeRequest,
} from './authorize-request.js'
import { consentPage, errorPage } from './html.js'
import { registerImplicitRefreshRoutes, tokenRedirect } from './implicit.js'

const OWN_PARAMS = new Set([
  'email',
  'decision',
  'grant_for_session',
  'emulator_login',
  'emulator_decision',
  'emulator_grant_for_session',
])

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

function decide(
  ctx: EmulatorContext,
  c: Context,
  request: AuthorizeRequest,
  decision: { email: string; deny: boolean; forSession: boolean },
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
  // Since 2025: a scope of a product the account has no org of ends the flow with no_org.
  if (orglessScope(user, request.scopes)) {
    return c.redirect(
      errorRedirect(request.redirectURI, request.responseType, 'no_org', request.state),
      302,
    )
  }
  const location =
    request.responseType === 'code'
      ? codeRedirect(ctx, c, request, user)
      : tokenRedirect(ctx, c, request, user, decision.forSession)
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
  if (params.emulator_decision === 'deny') {
    return decide(ctx, c, request, { email: '', deny: true, forSession: false })
  }
  if (params.emulator_login) {
    return decide(ctx, c, request, {
      email: params.emulator_login,
      deny: false,
      forSession: params.emulator_grant_for_session !== 'false',
    })
  }
  if (c.req.method === 'POST' && params.decision) {
    return decide(ctx, c, request, {
      email: params.email ?? '',
      deny: params.decision !== 'accept',
      // An unticked checkbox is simply absent from the form.
      forSession: params.grant_for_session === 'true',
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
      sessionChoice: request.responseType === 'token',
      params: Object.fromEntries(Object.entries(params).filter(([k]) => !OWN_PARAMS.has(k))),
    }),
    200,
  )
}

export function registerAuthorizeRoutes(app: Hono, ctx: EmulatorContext): void {
  app.get('/:dc/accounts/oauth/v2/auth', (c) => authorize(ctx, c))
  app.post('/:dc/accounts/oauth/v2/auth', (c) => authorize(ctx, c))
  registerImplicitRefreshRoutes(app, ctx)
}
