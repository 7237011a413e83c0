/**
 * Request and response helpers shared by the accounts routes.
 */
import type { Context } from 'hono'
import type { EmulatorContext, OAuthFailure } from './context.js'
import { isDc, type Dc } from './dcs.js'

/** The emulator's base URL as the caller reached it (`http://127.0.0.1:3002`). */
export function baseOf(c: Context): string {
  return new URL(c.req.url).origin
}

/** The `{dc}` path segment, validated by the route guard. */
export function dcOf(c: Context): Dc {
  const dc = c.req.param('dc')
  if (!isDc(dc)) throw new Error(`not a data centre: ${String(dc)}`)
  return dc
}

/** A flat `{"error"}` answer, with HTTP 200 by default: Zoho's most surprising habit. */
export function oauthError(ctx: EmulatorContext, c: Context, failure: OAuthFailure): Response {
  const status = failure.throttled ? ctx.settings.throttle_status : ctx.settings.oauth_error_status
  return c.json({ error: failure.error, ...failure.extra }, status as 200)
}

export function fail(error: string, extra?: Record<string, string>): OAuthFailure {
  return extra ? { ok: false, error, extra } : { ok: false, error }
}

/** Appends query parameters to a redirect URI that may already have a query. */
export function withQuery(uri: string, query: string): string {
  return uri + (uri.includes('?') ? '&' : '?') + query
}

export function encodePairs(pairs: [string, string | undefined][]): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
}
