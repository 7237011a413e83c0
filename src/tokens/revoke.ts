/**
 * Revoking a connection: its refresh token is revoked at Zoho, then the connection is kept with
 * status `revoked`. Internal to src/tokens; see docs/architecture.md, "What revoke means".
 */
import { revokeToken, ZohoOAuthError } from '../protocol/index.js'
import type { ManagerContext } from './context.js'
import { ConnectionNotFoundError } from './errors.js'

export async function revokeConnection(ctx: ManagerContext, connectionId: string): Promise<void> {
  let connection = await ctx.store.get(connectionId)
  if (connection === null) throw new ConnectionNotFoundError(connectionId)
  if (connection.status === 'revoked') return
  try {
    await revokeToken(
      { accountsServer: ctx.accountsServer(connection), token: connection.refreshToken },
      ctx.request,
    )
  } catch (error) {
    // Zoho answers 400 for a token it no longer knows: it is as revoked as it gets.
    if (!(error instanceof ZohoOAuthError)) throw error
  }
  while (connection !== null && connection.status !== 'revoked') {
    const written = await ctx.store.update(
      connectionId,
      { status: 'revoked', accessToken: null, accessTokenExpiresAt: null, lastError: null },
      connection.version,
      ctx.now(),
    )
    if (written !== null) break
    connection = await ctx.store.get(connectionId)
  }
  ctx.cache.forget(connectionId)
  ctx.events.emit({ type: 'revoked', connectionId })
}
