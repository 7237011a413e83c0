/**
 * Revoking a connection: its refresh token is revoked at Zoho, then the connection is kept with
 * status `revoked`. Internal to src/tokens; see docs/architecture.md, "What revoke means".
 */
import { revokeToken, ZohoOAuthError, ZohoThrottledError } from '../protocol/index.js'
import type { ManagerContext } from './context.js'
import type { Connection } from '../stores/store.js'
import { ConnectionNotFoundError, ConnectionRegrantedError, RevokeFailedError } from './errors.js'

/**
 * Zoho's answer for a token it does not know (HTTP 400, `invalid_token`): revoked before, or
 * never issued. It is as revoked as it gets. A 400 that names another error (a throttle,
 * invalid_client) is not that answer.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/revoke-tokens.html
 */
function isUnknownToken(error: unknown): boolean {
  return (
    error instanceof ZohoOAuthError &&
    !(error instanceof ZohoThrottledError) &&
    error.status === 400 &&
    error.error === 'invalid_token'
  )
}

export async function revokeConnection(ctx: ManagerContext, connectionId: string): Promise<void> {
  const connection = await ctx.store.get(connectionId)
  if (connection === null) throw new ConnectionNotFoundError(connectionId)
  if (connection.status === 'revoked') return
  // Checked before anything is sent: an untrusted host gets no refresh token.
  const accountsServer = ctx.accountsServer(connection)
  try {
    await revokeToken({ accountsServer, token: connection.refreshToken }, ctx.request)
  } catch (error) {
    // Anything but Zoho's "unknown token" may leave the refresh token live: change nothing.
    if (!isUnknownToken(error)) throw new RevokeFailedError({ connectionId, cause: error })
  }
  // Its access tokens died with it at Zoho, whatever happens to the row below.
  ctx.cache.forget(connectionId)
  // Only the grant we revoked becomes revoked: a re-grant that landed meanwhile stays active.
  let current: Connection | null = connection
  while (current !== null && current.status !== 'revoked') {
    if (current.refreshToken !== connection.refreshToken) {
      throw new ConnectionRegrantedError(connectionId)
    }
    const written = await ctx.store.update(
      connectionId,
      { status: 'revoked', accessToken: null, accessTokenExpiresAt: null, lastError: null },
      current.version,
      ctx.now(),
    )
    if (written !== null) break
    current = await ctx.store.get(connectionId)
  }
  // Deleted meanwhile: revoked at Zoho, and nothing is left to mark.
  if (current !== null) ctx.events.emit({ type: 'revoked', connectionId })
}
