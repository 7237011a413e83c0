/**
 * Who is calling: the admin (the admin token as a bearer), an API key, or nobody. The UI's
 * cookie session is in ui/session.ts; both end in the same `Caller`.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { BrokerDeps } from './deps.js'
import { findApiKey } from './api-keys.js'
import { BrokerHttpError, ERR_UNAUTHORIZED } from './errors.js'

export type Caller = { kind: 'admin' } | { kind: 'api_key'; keyId: string }

export type BrokerEnv = { Variables: { caller: Caller } }

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
// The admin token's digest, computed once per token rather than on every request.
let adminDigest: { token: string; digest: Buffer } | undefined

/** Compares digests, so neither the length nor a prefix of the admin token leaks through time. */
export function isAdminToken(deps: BrokerDeps, presented: string): boolean {
  const { adminToken } = deps.settings
  if (adminDigest?.token !== adminToken)
    adminDigest = { token: adminToken, digest: digest(adminToken) }
  return timingSafeEqual(digest(presented), adminDigest.digest)
}

export function bearerOf(c: Context): string | null {
  const header = c.req.header('authorization')
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1] ?? null
}

/** How stale an API key's `lastUsedAt` may be before a call records it again. */
export const LAST_USED_RESOLUTION_MS = 60_000

/** The caller a bearer token identifies, or null. */
export async function callerFromBearer(deps: BrokerDeps, token: string): Promise<Caller | null> {
  if (isAdminToken(deps, token)) return { kind: 'admin' }
  const key = await findApiKey(deps.store, token)
  if (key === null) return null
  // "Last used" is shown to a minute: writing it on every call would put a database write on
  // the hot path of every token and proxy request made with a key.
  const now = deps.now()
  if (key.lastUsedAt === null || now - key.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    await deps.store.touchApiKey(key.id, now)
  }
  return { kind: 'api_key', keyId: key.id }
}

/** Refuses every request without a valid bearer (admin token or API key). */
export function requireBearer(deps: BrokerDeps): MiddlewareHandler<BrokerEnv> {
  return async (c, next) => {
    const token = bearerOf(c)
    const caller = token === null ? null : await callerFromBearer(deps, token)
    if (caller === null) {
      throw new BrokerHttpError(
        401,
        ERR_UNAUTHORIZED,
        token === null
          ? 'This API needs an Authorization header with the admin token or an API key'
          : 'The token in the Authorization header is not the admin token or a current API key',
        // redact() masks whatever follows "Bearer" and a space, so the example keeps "Bearer" quoted.
        'Send the header "Authorization: Bearer" followed by a space and the admin token (ZOHO_AUTH_ADMIN_TOKEN, printed when the broker first started) or an API key created in the web UI.',
      )
    }
    c.set('caller', caller)
    await next()
  }
}
