/**
 * Reading `Authorization: Zoho-oauthtoken <token>` (Zoho's scheme; not a query parameter).
 */
import type { Context } from 'hono'
import type { EmulatorContext } from './context.js'
import type { Dc } from './dcs.js'
import type { AccessToken } from './state.js'
import { liveAccessToken } from './tokens.js'

export function presentedToken(c: Context, schemes: readonly string[]): string | undefined {
  const header = c.req.header('authorization') ?? ''
  const match = /^(\S+)\s+(\S+)$/.exec(header.trim())
  if (!match || !schemes.some((s) => s.toLowerCase() === match[1]?.toLowerCase())) return undefined
  return match[2]
}

/** The live access token presented to this DC, or undefined (unknown, expired, evicted, revoked, another DC's). */
export function authenticate(
  ctx: EmulatorContext,
  c: Context,
  dc: Dc,
  schemes: readonly string[] = ['Zoho-oauthtoken'],
): AccessToken | undefined {
  const token = presentedToken(c, schemes)
  return token ? liveAccessToken(ctx, token, dc) : undefined
}
