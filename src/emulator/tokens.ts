/**
 * Zoho's token rules and limits (docs/zoho-behaviour.md §4): code lifetime and single use, mints
 * per refresh token per window, active access tokens per refresh token, refresh tokens per user
 * per client and grant codes per client. All windows slide and read the emulator clock (§7).
 */
import type { EmulatorContext } from './context.js'
import type { Dc } from './dcs.js'
import { newToken } from './random.js'
import type { AccessToken, Client, GrantCode, PkceChallenge, RefreshToken } from './state.js'

// Zoho's throttle text, old and new; `throttle_message` picks one.
export const THROTTLE_DESCRIPTIONS = {
  legacy: 'You have made too many requests continuously. Please try again after some time.',
  new: 'Token creation throttle limit reached. Please reuse the valid tokens you currently have.',
} as const

function inWindow(times: number[], now: number, windowSeconds: number): number[] {
  return times.filter((t) => now - t < windowSeconds * 1000)
}

/** Grant codes per client per window; past the limit Zoho answers `access_denied`. */
export function grantCodeAllowed(ctx: EmulatorContext, client: Client): boolean {
  const now = ctx.clock.now()
  client.grantCodeTimes = inWindow(client.grantCodeTimes, now, ctx.settings.grant_code_window)
  return client.grantCodeTimes.length < ctx.settings.grant_codes_per_window
}

export interface GrantCodeRequest {
  client: Client
  zuid: string
  dc: Dc
  scopes: string[]
  redirectURI: string | undefined
  withRefreshToken: boolean
  pkce?: PkceChallenge | undefined
  ttlSeconds: number
  /** Self Client codes are minted in the console and do not count against the authorize limit. */
  countsAgainstLimit: boolean
}

export function issueGrantCode(ctx: EmulatorContext, request: GrantCodeRequest): GrantCode {
  const now = ctx.clock.now()
  if (request.countsAgainstLimit) request.client.grantCodeTimes.push(now)
  const code: GrantCode = {
    code: newToken(ctx.random),
    clientId: request.client.clientId,
    zuid: request.zuid,
    dc: request.dc,
    scopes: request.scopes,
    expiresAt: now + request.ttlSeconds * 1000,
    redirectURI: request.redirectURI,
    withRefreshToken: request.withRefreshToken,
    pkce: request.pkce,
    used: false,
  }
  ctx.state.codes.set(code.code, code)
  return code
}

/**
 * A new refresh token for a user and client. The 21st silently deletes the oldest and its access
 * tokens: Zoho's "20 refresh tokens per user per client" limit.
 */
export function createRefreshToken(
  ctx: EmulatorContext,
  grant: { clientId: string; zuid: string; dc: Dc; scopes: string[] },
): RefreshToken {
  const existing = ctx.state.refreshTokensOf(grant.clientId, grant.zuid)
  const excess = existing.length + 1 - ctx.settings.max_refresh_tokens
  for (const old of existing.slice(0, Math.max(0, excess))) {
    ctx.state.deleteRefreshToken(old.token)
  }
  const rt: RefreshToken = {
    token: newToken(ctx.random),
    ...grant,
    createdAt: ctx.clock.now(),
    mintTimes: [],
    accessTokens: [],
  }
  ctx.state.refreshTokens.set(rt.token, rt)
  return rt
}

/** True when the refresh token has used up its mints in the current window. */
export function mintThrottled(ctx: EmulatorContext, rt: RefreshToken): boolean {
  rt.mintTimes = inWindow(rt.mintTimes, ctx.clock.now(), ctx.settings.mint_window)
  return rt.mintTimes.length >= ctx.settings.mints_per_window
}

/**
 * Mints an access token. From a refresh token it counts as a mint, and the 16th live one evicts
 * the oldest, which then fails on the API like any invalid token.
 */
export function mintAccessToken(
  ctx: EmulatorContext,
  grant: { clientId: string; zuid: string | undefined; dc: Dc; scopes: string[] },
  rt?: RefreshToken,
): AccessToken {
  const now = ctx.clock.now()
  const at: AccessToken = {
    token: newToken(ctx.random),
    ...grant,
    expiresAt: now + ctx.settings.access_token_ttl * 1000,
    refreshToken: rt?.token,
  }
  ctx.state.accessTokens.set(at.token, at)
  if (rt) {
    rt.mintTimes.push(now)
    // Expired tokens no longer count as active.
    rt.accessTokens = rt.accessTokens.filter((t) => {
      const live = ctx.state.accessTokens.get(t)
      if (live && live.expiresAt > now) return true
      ctx.state.retireAccessToken(t)
      return false
    })
    rt.accessTokens.push(at.token)
    while (rt.accessTokens.length > ctx.settings.max_active_access_tokens) {
      const oldest = rt.accessTokens.shift()
      if (oldest) ctx.state.accessTokens.delete(oldest)
    }
  }
  return at
}

/** The access token if it is live and presented to the DC that issued it. */
export function liveAccessToken(
  ctx: EmulatorContext,
  token: string,
  dc: Dc,
): AccessToken | undefined {
  const at = ctx.state.accessTokens.get(token)
  if (!at || at.dc !== dc || at.expiresAt <= ctx.clock.now()) return undefined
  return at
}

/** True when the token was issued by this DC and has expired (not evicted, revoked or unknown). */
export function expiredAccessToken(ctx: EmulatorContext, token: string, dc: Dc): boolean {
  const at = ctx.state.accessTokens.get(token)
  if (at) return at.dc === dc && at.expiresAt <= ctx.clock.now()
  return ctx.state.expiredAccessTokens.get(token) === dc
}

/** The JSON body Zoho answers a successful token request with (docs/zoho-behaviour.md §3). */
export function tokenResponse(
  ctx: EmulatorContext,
  apiDomain: string,
  at: AccessToken,
  refreshToken?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { access_token: at.token }
  if (refreshToken) body.refresh_token = refreshToken
  if (ctx.settings.include_scope) body.scope = at.scopes.join(' ')
  body.api_domain = apiDomain
  body.token_type = 'Bearer'
  const ttl = ctx.settings.access_token_ttl
  // The old variant sent expires_in in milliseconds, with expires_in_sec beside it.
  if (ctx.settings.expires_in_millis) {
    body.expires_in_sec = ttl
    body.expires_in = ttl * 1000
  } else {
    body.expires_in = ttl
  }
  return body
}
