/**
 * `GET /api/v1/connections/:id/token` and `POST /api/v1/connections/:id/refresh`: a valid access
 * token for a backend to call Zoho with, from the token manager (one refresh per burst across
 * every broker instance on the store). Errors (needs re-auth, throttled, revoked) are the
 * library's, with their codes and remedies.
 */
import type { Hono } from 'hono'
import { validToken } from '../../tokens/connection.js'
import type { AccessToken } from '../../tokens/types.js'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { limitBody, onlyFields, readJsonObject } from './body.js'
import { checkConnectionId } from './connection-id.js'

/** The answer of the token and refresh routes. */
export interface TokenAnswer {
  access_token: string
  api_domain: string
  expires_at: string
  /** Whole seconds from now until `expires_at`. */
  expires_in: number
}

function answer(token: AccessToken, now: number): TokenAnswer {
  return {
    access_token: token.accessToken,
    api_domain: token.apiDomain,
    expires_at: new Date(token.expiresAt).toISOString(),
    expires_in: Math.max(0, Math.floor((token.expiresAt - now) / 1000)),
  }
}

/**
 * A token minted now, not the cached one. If there is no valid token, the refresh that serving
 * one needs anyway is the forced refresh; otherwise the current token is invalidated, which
 * (like a 401) drops only that token, so concurrent forced refreshes cause one mint.
 */
export async function forceRefresh(
  deps: Pick<BrokerDeps, 'manager' | 'store' | 'now'>,
  id: string,
): Promise<AccessToken> {
  const stored = await deps.store.get(id)
  // The manager's own test of a servable token, so both agree on which stored token counts.
  const hadValid = stored !== null && validToken(stored, deps.now()) !== null
  const current = await deps.manager.getToken(id)
  if (!hadValid) return current
  return deps.manager.invalidate(id, current.accessToken)
}

/** Mounts `GET /connections/:id/token` and `POST /connections/:id/refresh` on `api`. */
export function tokenRoutes(api: Hono<BrokerEnv>, deps: BrokerDeps): void {
  api.get('/connections/:id/token', async (c) => {
    const id = checkConnectionId(c.req.param('id'))
    const token = await deps.manager.getToken(id)
    c.header('cache-control', 'no-store')
    return c.json(answer(token, deps.now()))
  })

  api.post('/connections/:id/refresh', limitBody(deps), async (c) => {
    const id = checkConnectionId(c.req.param('id'))
    onlyFields(await readJsonObject(c, { emptyIsObject: true }), [])
    const token = await forceRefresh(deps, id)
    c.header('cache-control', 'no-store')
    return c.json(answer(token, deps.now()))
  })
}
