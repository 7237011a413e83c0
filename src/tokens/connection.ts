/**
 * The connection model: states, what counts as a usable token, and Zoho's per-user limits.
 */
import { MAX_ACCESS_TOKEN_LIFETIME_SECONDS } from '../protocol/token-response.js'
import type { Connection } from '../stores/store.js'
import type { AccessToken } from './types.js'

export type { Connection, ConnectionStatus, NewConnection } from '../stores/store.js'

/** Zoho keeps 20 refresh tokens per user per client; the 21st grant deletes the oldest. */
export const ZOHO_MAX_REFRESH_TOKENS = 20

/** The refresh margin for a token of `lifetimeMs`: the configured one, at most a quarter. */
export function refreshMargin(marginMs: number, lifetimeMs: number): number {
  return Math.max(0, Math.min(marginMs, lifetimeMs / 4))
}

/**
 * Our best knowledge of a stored token's lifetime: it was written (updatedAt) when minted.
 * A later write (a recorded error) only makes it look shorter, which makes the margin smaller.
 */
export function storedLifetime(connection: Connection): number {
  if (connection.accessTokenExpiresAt === null) return 0
  return Math.max(0, connection.accessTokenExpiresAt - connection.updatedAt)
}

/**
 * How far from now a stored expiry may lie and still be believed: Zoho's hour, plus a minute for
 * clocks that disagree between processes. Every expiry we write is at most an hour after the
 * request (src/protocol/token-response.ts caps it), so one further out was written by someone
 * else (a row edited in the database); believing it would serve a dead token for as long.
 */
export const MAX_BELIEVED_EXPIRY_MS = (MAX_ACCESS_TOKEN_LIFETIME_SECONDS + 60) * 1000

/** Whether the stored expiry of `connection` is one Zoho could have given (see above). */
export function believableExpiry(connection: Connection, now: number): boolean {
  const expiresAt = connection.accessTokenExpiresAt
  return expiresAt !== null && expiresAt <= now + MAX_BELIEVED_EXPIRY_MS
}

/**
 * The access token of `connection` if it has not expired at `now`, and its expiry is believable:
 * a token said to live longer than Zoho's hour is treated as expired, so it is refreshed.
 */
export function validToken(connection: Connection, now: number): AccessToken | null {
  if (connection.accessToken === null || connection.accessTokenExpiresAt === null) return null
  if (connection.accessTokenExpiresAt <= now) return null
  if (!believableExpiry(connection, now)) return null
  return toAccessToken(connection)
}

/** Whether `connection` holds an unexpired access token other than `refused` (a 401's token). */
export function hasServableToken(
  connection: Connection,
  now: number,
  refused: string | undefined,
): boolean {
  return validToken(connection, now) !== null && connection.accessToken !== refused
}

export function toAccessToken(connection: Connection): AccessToken {
  return Object.freeze({
    connectionId: connection.id,
    accessToken: connection.accessToken ?? '',
    apiDomain: connection.apiDomain,
    expiresAt: connection.accessTokenExpiresAt ?? 0,
  })
}

/** True when the stored token is missing, expired, or inside the refresh margin. */
export function needsRefresh(connection: Connection, now: number, marginMs: number): boolean {
  if (connection.accessToken === null || connection.accessTokenExpiresAt === null) return true
  if (!believableExpiry(connection, now)) return true
  const margin = refreshMargin(marginMs, storedLifetime(connection))
  return connection.accessTokenExpiresAt - margin <= now
}

function hasAnyScope(scopes: readonly string[], wanted: readonly string[]): boolean {
  const lower = new Set(scopes.map((s) => s.trim().toLowerCase()))
  return wanted.some((w) => lower.has(w.toLowerCase()))
}

/** Scopes that let us call /oauth/user/info. */
export function canReadUserInfo(scopes: readonly string[]): boolean {
  return hasAnyScope(scopes, ['AaaServer.profile.READ', 'AaaServer.profile.ALL'])
}

/** Scopes that let us call CRM's current-user endpoint. */
export function canReadCRMUser(scopes: readonly string[]): boolean {
  return hasAnyScope(scopes, ['ZohoCRM.users.READ', 'ZohoCRM.users.ALL', 'ZohoCRM.ALL'])
}

/**
 * Connections of the same client and Zoho user whose refresh token Zoho has deleted: each one
 * with at least `max` newer grants. Zoho keeps only the newest 20 per user per client.
 */
export function evictedConnections(
  target: Pick<Connection, 'clientId' | 'zuid'>,
  connections: readonly Connection[],
  max: number,
): Connection[] {
  if (target.zuid === null) return []
  const same = connections
    .filter((c) => c.clientId === target.clientId && c.zuid === target.zuid)
    .sort((a, b) => b.createdAt - a.createdAt)
  return same.slice(max)
}

/**
 * Whether `connection` has at least `max` newer grants of the same client and user that hold one
 * of Zoho's slots: active ones. Revoked and re-auth grants hold none.
 */
export function isEvicted(
  connection: Connection,
  connections: readonly Connection[],
  max: number,
): boolean {
  if (connection.zuid === null) return false
  const newer = connections.filter(
    (c) =>
      c.id !== connection.id &&
      c.clientId === connection.clientId &&
      c.zuid === connection.zuid &&
      c.status === 'active' &&
      c.createdAt > connection.createdAt,
  )
  return newer.length >= max
}
