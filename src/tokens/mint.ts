/**
 * Holding the lease: check the budget, record the mint BEFORE sending, refresh with bounded
 * jittered retries, write with compare-and-set (a stalled holder loses and uses the newer token),
 * and turn each failure class into what DESIGN.md promises.
 */
import {
  redact,
  refreshAccessToken,
  TransportError,
  UnexpectedResponseError,
  ZohoOAuthError,
  ZohoThrottledError,
} from '../protocol/index.js'
import type { TokenSet } from '../protocol/index.js'
import type { Connection } from '../stores/store.js'
import type { RefreshPriority } from './budget.js'
import { isEvicted, validToken } from './connection.js'
import type { ManagerContext } from './context.js'
import { NeedsReauthError, reauthReason, TokenThrottledError } from './errors.js'
import type { AccessToken } from './types.js'

export interface MintRequest {
  priority: RefreshPriority
  /** A token a resource call refused: never an answer, even while still "valid". */
  failedToken: string | undefined
}

/** What mint returns when its lease went to another process between attempts. */
export const LEASE_LOST = Symbol('lease lost')
/**
 * What mint returns when the connection was re-granted (replaced, or deleted and created again)
 * while its request was in flight: the token it got belongs to the old grant and must not be
 * written; the caller starts over on the new grant.
 */
export const GRANT_CHANGED = Symbol('grant changed')

/** Spends one mint (or a few, on transient failures) and writes the new token. */
export async function mint(
  ctx: ManagerContext,
  connection: Connection,
  request: MintRequest,
): Promise<AccessToken | null | typeof LEASE_LOST | typeof GRANT_CHANGED> {
  const accountsServer = ctx.accountsServer(connection)
  const client = await ctx.client(connection.clientId)
  const clientSecret = client.dcSecrets?.[connection.dc] ?? client.clientSecret
  const deadline = ctx.now() + ctx.retry.deadlineMs
  for (let attempt = 1; ; attempt++) {
    const sentAt = ctx.now()
    const decision = await ctx.budget.check(connection.refreshToken, sentAt, request.priority)
    if (!decision.allowed) {
      const error = new TokenThrottledError({
        connectionId: connection.id,
        retryAt: decision.retryAt,
      })
      const warning =
        request.priority === 'background'
          ? `Background refresh of "${connection.id}" skipped: only the last ${ctx.budget.foregroundReserve} of Zoho's ${ctx.budget.mintsPerWindow} token requests per window are left, kept for callers whose token has expired; next try after ${new Date(decision.retryAt).toISOString()}`
          : undefined
      return giveUp(ctx, connection, request, { error, retryAt: decision.retryAt, warning })
    }
    // Counted before sending: a crash or timeout mid-request may still have minted at Zoho.
    await ctx.budget.record(connection.refreshToken, sentAt)
    let outcome: { tokens: TokenSet } | { error: unknown }
    try {
      const tokens = await refreshAccessToken(
        {
          accountsServer,
          clientId: client.clientId,
          clientSecret,
          refreshToken: connection.refreshToken,
        },
        {
          ...ctx.request,
          // A request must end before our lease does, or a second holder could send its own.
          timeoutMs: Math.max(
            1000,
            Math.min(ctx.request.timeoutMs, deadline - sentAt, Math.floor(ctx.leaseTtlMs * 0.8)),
          ),
        },
      )
      outcome = { tokens }
    } catch (error) {
      outcome = { error }
    }
    if ('tokens' in outcome) return save(ctx, connection, outcome.tokens, { sentAt, ...request })
    const { error } = outcome
    if (error instanceof ZohoThrottledError) {
      // Zoho counted mints we did not see (another app shares this refresh token).
      const retryAt = await ctx.budget.saturate(connection.refreshToken, ctx.now())
      const throttled = new TokenThrottledError({
        connectionId: connection.id,
        retryAt,
        cause: error,
      })
      await recordError(ctx, connection, throttled)
      return giveUp(ctx, connection, request, { error: throttled, retryAt })
    }
    // Zoho answers a revoked or evicted refresh token with invalid_code, not invalid_grant.
    if (error instanceof ZohoOAuthError && error.error === 'invalid_code') {
      return markNeedsReauth(ctx, connection, error)
    }
    const wait = backoff(ctx, attempt)
    if (!isTransient(error) || attempt >= ctx.retry.attempts || ctx.now() + wait >= deadline) {
      await recordError(ctx, connection, error)
      return giveUp(ctx, connection, request, { error, retryAt: ctx.now() + ctx.retry.deadlineMs })
    }
    await ctx.sleep(wait)
    // Keep the lease for the next attempt; if another process took it meanwhile, its request is
    // the one for this burst and ours would be a second.
    if (!(await ctx.store.acquireLease(connection.id, ctx.ownerId, ctx.leaseTtlMs, ctx.now()))) {
      return LEASE_LOST
    }
  }
}

/** Equal jitter: half the exponential step, plus a random half. */
function backoff(ctx: ManagerContext, attempt: number): number {
  const step = ctx.retry.baseDelayMs * 2 ** (attempt - 1)
  return Math.round(step / 2 + (step / 2) * ctx.random())
}

/** Compare-and-set write; a holder that lost its lease finds the newer token and uses it. */
async function save(
  ctx: ManagerContext,
  read: Connection,
  tokens: TokenSet,
  at: { sentAt: number; failedToken: string | undefined },
): Promise<AccessToken | typeof GRANT_CHANGED> {
  const lifetimeMs = tokens.expiresInSeconds * 1000
  const expiresAt = at.sentAt + lifetimeMs
  let base = read
  for (;;) {
    const written = await ctx.store.update(
      base.id,
      {
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: expiresAt,
        apiDomain: tokens.apiDomain || base.apiDomain,
        lastError: null,
      },
      base.version,
      ctx.now(),
    )
    if (written !== null) {
      const token = Object.freeze({
        connectionId: written.id,
        accessToken: tokens.accessToken,
        apiDomain: written.apiDomain,
        expiresAt,
      })
      ctx.remember(token, lifetimeMs)
      ctx.events.emit({ type: 'refreshed', connectionId: written.id, expiresAt })
      return token
    }
    // Fenced: someone wrote after our read.
    const current = await ctx.read(base.id)
    const valid = validToken(current, ctx.now())
    const servable = valid !== null && valid.accessToken !== at.failedToken
    // Another grant now: our token is the old grant's (maybe another user's). Never write it.
    if (current.refreshToken !== read.refreshToken) {
      return servable ? ctx.rememberStored(current) : GRANT_CHANGED
    }
    // The same grant, refreshed by someone else meanwhile: their newer token wins over ours.
    if (current.accessToken !== base.accessToken && servable) return ctx.rememberStored(current)
    base = current
  }
}

/** Serves a still-valid token if there is one (and backs off the hot path), else throws. */
function giveUp(
  ctx: ManagerContext,
  connection: Connection,
  request: MintRequest,
  failure: { error: unknown; retryAt: number; warning?: string | undefined },
): AccessToken | null {
  const valid = validToken(connection, ctx.now())
  const servable = valid !== null && valid.accessToken !== request.failedToken ? valid : null
  if (servable !== null) {
    // Do not try again from the hot path before retryAt (or the token's expiry).
    const entry = ctx.cache.get(connection.id)
    const refreshAt = Math.min(servable.expiresAt, Math.max(failure.retryAt, entry?.refreshAt ?? 0))
    // The cached token may be an older one that expires before `servable`: never keep it longer.
    const same = entry !== undefined && entry.token.accessToken === servable.accessToken
    ctx.cacheToken(same ? entry.token : servable, refreshAt)
  }
  if (request.priority === 'background') {
    ctx.events.emit({
      type: 'warning',
      connectionId: connection.id,
      message:
        failure.warning ?? `Background refresh failed: ${redact(errorMessage(failure.error))}`,
    })
    return null
  }
  if (servable !== null) return servable
  throw failure.error
}

async function recordError(
  ctx: ManagerContext,
  connection: Connection,
  error: unknown,
): Promise<void> {
  const lastError = redact(errorMessage(error))
  await ctx.store
    .update(connection.id, { lastError }, connection.version, ctx.now())
    .catch(() => null)
}

/** invalid_code on refresh: the grant is dead. Keep the connection, say why, and how to fix it. */
async function markNeedsReauth(
  ctx: ManagerContext,
  connection: Connection,
  cause: ZohoOAuthError,
): Promise<never> {
  // Best effort: a row elsewhere that cannot be decrypted must not hide this connection's state.
  const all = await ctx.store.list().catch((): Connection[] => [])
  const evicted =
    ctx.evictionWarned.has(connection.id) || isEvicted(connection, all, ctx.maxRefreshTokens)
  const reason = reauthReason(evicted)
  let base: Connection | null = connection
  // Retry the write on a version race, unless the grant was replaced meanwhile.
  while (base?.status === 'active' && base.refreshToken === connection.refreshToken) {
    const written = await ctx.store.update(
      base.id,
      { status: 'needs_reauth', lastError: reason },
      base.version,
      ctx.now(),
    )
    if (written !== null) break
    base = await ctx.store.get(connection.id)
  }
  ctx.cache.delete(connection.id)
  ctx.events.emit({ type: 'needs_reauth', connectionId: connection.id, reason, evicted })
  throw new NeedsReauthError({ connectionId: connection.id, evicted, cause })
}

function isTransient(error: unknown): boolean {
  if (error instanceof TransportError || error instanceof UnexpectedResponseError) return true
  return error instanceof ZohoOAuthError && error.status >= 500
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
