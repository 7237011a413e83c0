/**
 * `POST /oauth/v2/token` (authorization code, refresh token, client credentials) and
 * `POST /oauth/v2/token/revoke`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
import { createHash } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { authenticateClient } from '../clients.js'
import type { EmulatorContext, OAuthFailure } from '../context.js'
import { apiDomain, type Dc } from '../dcs.js'
import { baseOf, dcOf, fail, oauthError } from '../http.js'
import { readParams } from '../params.js'
import { parseScopes } from '../scopes.js'
import type { Client, GrantCode } from '../state.js'
import type { Grant } from '../stats.js'
import {
  THROTTLE_DESCRIPTIONS,
  createRefreshToken,
  mintAccessToken,
  mintThrottled,
  tokenResponse,
} from '../tokens.js'

type Outcome = { ok: true; body: Record<string, unknown> } | OAuthFailure

const GRANTS = new Set(['authorization_code', 'refresh_token', 'client_credentials'])

interface GrantInput {
  ctx: EmulatorContext
  client: Client
  params: Record<string, string>
  dc: Dc
  apiDomain: string
}

function pkceMatches(code: GrantCode, verifier: string | undefined): boolean {
  if (!code.pkce) return true
  if (!verifier) return false
  if (code.pkce.method === 'plain') return verifier === code.pkce.challenge
  return createHash('sha256').update(verifier).digest('base64url') === code.pkce.challenge
}

function authorizationCode({ ctx, client, params, dc, apiDomain }: GrantInput): Outcome {
  const code = params.code ? ctx.state.codes.get(params.code) : undefined
  // Expired, used, another client's, or issued by another DC: all `invalid_code` at Zoho.
  if (
    !code ||
    code.used ||
    code.clientId !== client.clientId ||
    code.dc !== dc ||
    code.expiresAt <= ctx.clock.now()
  ) {
    return fail('invalid_code')
  }
  // Self Client codes have no redirect URI; every other code needs the exact same one back.
  if (code.redirectURI !== undefined && params.redirect_uri !== code.redirectURI) {
    return fail('invalid_redirect_uri')
  }
  // Zoho documents no PKCE error code; a wrong verifier makes the code unusable: invalid_code.
  if (!pkceMatches(code, params.code_verifier)) return fail('invalid_code')
  code.used = true
  const grant = { clientId: client.clientId, zuid: code.zuid, dc, scopes: code.scopes }
  const rt = code.withRefreshToken ? createRefreshToken(ctx, grant) : undefined
  // Our choice (docs/zoho-behaviour.md §7): the exchange's access token counts as a mint and as
  // one of the live tokens.
  const at = mintAccessToken(ctx, grant, rt)
  return { ok: true, body: tokenResponse(ctx, apiDomain, at, rt?.token) }
}

function refreshToken({ ctx, client, params, dc, apiDomain }: GrantInput): Outcome {
  const rt = params.refresh_token ? ctx.state.refreshTokens.get(params.refresh_token) : undefined
  // Zoho answers a revoked, evicted or unknown refresh token with invalid_code, not invalid_grant.
  if (!rt || rt.clientId !== client.clientId || rt.dc !== dc) return fail('invalid_code')
  if (mintThrottled(ctx, rt)) {
    return {
      ok: false,
      error: 'Access Denied',
      extra: { error_description: THROTTLE_DESCRIPTIONS[ctx.settings.throttle_message] },
      throttled: true,
    }
  }
  const at = mintAccessToken(
    ctx,
    { clientId: client.clientId, zuid: rt.zuid, dc, scopes: rt.scopes },
    rt,
  )
  // No refresh_token in the answer: the client keeps the one it has.
  return { ok: true, body: tokenResponse(ctx, apiDomain, at) }
}

function clientCredentials({ ctx, client, params, dc, apiDomain }: GrantInput): Outcome {
  // Client credentials are a Self Client feature only.
  if (client.type !== 'self') return fail('invalid_client')
  if (!params.soid) return fail('missing_org_info')
  const scopes = parseScopes(params.scope)
  if (scopes.length === 0) return fail('invalid_scope')
  const at = mintAccessToken(ctx, { clientId: client.clientId, zuid: undefined, dc, scopes })
  return { ok: true, body: tokenResponse(ctx, apiDomain, at) }
}

const HANDLERS: Record<string, (input: GrantInput) => Outcome> = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
}

async function token(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  if (!read.ok) {
    ctx.stats.tokenError('invalid_request', dc, undefined)
    return oauthError(ctx, c, fail('invalid_request'))
  }
  const { params } = read
  const grant = params.grant_type ?? ''
  const clientId = params.client_id || undefined
  const handler = HANDLERS[grant]
  if (!GRANTS.has(grant) || !handler) {
    ctx.stats.tokenError('unsupported_grant_type', dc, clientId)
    return oauthError(ctx, c, fail('unsupported_grant_type'))
  }
  ctx.stats.grant(grant as Grant, dc, clientId)
  const auth = authenticateClient(ctx, params, dc)
  const outcome = auth.ok
    ? handler({ ctx, client: auth.client, params, dc, apiDomain: apiDomain(baseOf(c), dc) })
    : auth
  if (!outcome.ok) {
    ctx.stats.tokenError(outcome.error, dc, clientId)
    return oauthError(ctx, c, outcome)
  }
  return c.json(outcome.body, 200)
}

/** Revokes a refresh token (and every access token minted from it) or one access token. */
async function revoke(ctx: EmulatorContext, c: Context): Promise<Response> {
  const dc = dcOf(c)
  const read = await readParams(c)
  if (!read.ok) {
    ctx.stats.count('revoke', dc, undefined)
    return c.json({ status: 'failure', error: 'invalid_request' }, 400)
  }
  const value = read.params.token
  const rt = value ? ctx.state.refreshTokens.get(value) : undefined
  const at = value ? ctx.state.accessTokens.get(value) : undefined
  ctx.stats.count('revoke', dc, rt?.clientId ?? at?.clientId)
  if (rt && rt.dc === dc) ctx.state.deleteRefreshToken(rt.token)
  else if (at && at.dc === dc) ctx.state.deleteAccessToken(at.token)
  // Zoho: an unknown token is refused with HTTP 400.
  else return c.json({ status: 'failure', error: 'invalid_token' }, 400)
  return c.json({ status: 'success' }, 200)
}

export function registerTokenRoutes(app: Hono, ctx: EmulatorContext): void {
  app.post('/:dc/accounts/oauth/v2/token', (c) => token(ctx, c))
  app.post('/:dc/accounts/oauth/v2/token/revoke', (c) => revoke(ctx, c))
}
