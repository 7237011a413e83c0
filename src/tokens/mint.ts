/**
 * The lease holder's work: check the budget, count the mint before sending, send the token
 * request with bounded jittered retries, write what came back with compare-and-set, and say how
 * it went as a MintOutcome. Internal to src/tokens; see docs/architecture.md, "How a token is
 * served".
 */
import {
  redact,
  refreshAccessToken,
  ZohoAuthError,
  ZohoOAuthError,
  ZohoThrottledError,
} from '../protocol/index.js'
import type { TokenSet } from '../protocol/index.js'
import type { Connection } from '../stores/store.js'
import type { RefreshPriority } from './budget.js'
import { hasServableToken, isEvicted } from './connection.js'
import type { ManagerContext } from './context.js'
import { NeedsReauthError, reauthReason, TokenThrottledError } from './errors.js'
import { errorMessage, isTransient, mintedNothing } from './failures.js'
import type { HeldLease } from './lease.js'
import type { AccessToken } from './types.js'

export interface MintRequest {
  priority: RefreshPriority
  /** A token a resource call refused: never an answer, even while still "valid". */
  failedToken: string | undefined
}

/** How one lease holder's attempt to get a new access token ended. */
export type MintOutcome =
  /** A token is stored and cached: ours, or a newer one another process wrote meanwhile. */
  | { kind: 'token'; token: AccessToken }
  /** Zoho refused the grant (invalid_code): the connection is now `needs_reauth`. */
  | { kind: 'dead'; error: NeedsReauthError }
  /** No new token (budget spent, throttled, or the request failed): serve a valid one or fail. */
  | { kind: 'failed'; error: unknown; retryAt: number; warning?: string }
  /** Another process took the lease between our attempts: its request is this burst's. */
  | { kind: 'lease_lost' }
  /**
   * The row changed under the request (re-granted: replaced, or deleted and created again; or
   * marked by another process): what Zoho said was about the old grant and was not written.
   * Start over on what the store holds now.
   */
  | { kind: 'regranted' }

/** Spends one mint (or a few, on transient failures) and writes the new token. */
export async function mint(
  ctx: ManagerContext,
  connection: Connection,
  lease: HeldLease,
  request: MintRequest,
): Promise<MintOutcome> {
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
      return { kind: 'failed', error, retryAt: decision.retryAt, warning }
    }
    // Counted before sending: a crash or timeout mid-request may still have minted at Zoho.
    // A request that provably minted nothing gives it back below.
    await ctx.budget.record(connection.refreshToken, sentAt)
    let tokens: TokenSet
    try {
      tokens = await refreshAccessToken(
        {
          accountsServer,
          clientId: client.clientId,
          clientSecret,
          refreshToken: connection.refreshToken,
        },
        {
          ...ctx.request,
          timeoutMs: Math.max(1, Math.min(ctx.request.timeoutMs, deadline - sentAt)),
          // Cut off if the lease is lost: another process may be sending its own request.
          signal: lease.signal,
        },
      )
    } catch (error) {
      // It may have reached Zoho, so it stays counted; the new holder's token is the answer.
      if (lease.lost) return { kind: 'lease_lost' }
      // Refused, never sent, or answered with an error: it spent none of Zoho's quota.
      if (mintedNothing(error)) await ctx.budget.forget(connection.refreshToken, sentAt)
      if (error instanceof ZohoThrottledError) {
        // Zoho counted mints we did not see (another app shares this refresh token).
        const retryAt = await ctx.budget.saturate(connection.refreshToken, ctx.now())
        const throttled = new TokenThrottledError({
          connectionId: connection.id,
          retryAt,
          cause: error,
        })
        await recordFailure(ctx, connection, throttled)
        return { kind: 'failed', error: throttled, retryAt }
      }
      // Zoho answers a revoked or evicted refresh token with invalid_code, not invalid_grant.
      if (error instanceof ZohoOAuthError && error.error === 'invalid_code') {
        return markNeedsReauth(ctx, connection, error)
      }
      const wait = backoff(ctx, attempt)
      if (!isTransient(error) || attempt >= ctx.retry.attempts || ctx.now() + wait >= deadline) {
        await recordFailure(ctx, connection, error)
        return { kind: 'failed', error, retryAt: ctx.now() + ctx.retry.deadlineMs }
      }
      await ctx.sleep(wait)
      // If another process took the lease meanwhile, its request is the one for this burst and
      // ours would be a second.
      if (!(await lease.renew())) return { kind: 'lease_lost' }
      continue
    }
    return save(ctx, connection, tokens, { sentAt, ...request })
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
): Promise<MintOutcome> {
  const lifetimeMs = tokens.expiresInSeconds * 1000
  ctx.warnAboutLifetime(read.id, tokens.lifetimeWarning)
  const expiresAt = at.sentAt + lifetimeMs
  // The answer's api_domain is not trusted: the connection's DC's is written and handed out.
  const dc = { location: read.dc, apiDomain: ctx.apiDomain(read) }
  const apiDomain = ctx.trustedApiDomain(read.id, dc, tokens.untrustedApiDomain ?? tokens.apiDomain)
  let base = read
  for (;;) {
    const written = await ctx.store.update(
      base.id,
      {
        accessToken: tokens.accessToken,
        accessTokenExpiresAt: expiresAt,
        apiDomain,
        lastError: null,
      },
      base.version,
      ctx.now(),
    )
    if (written !== null) {
      const token = ctx.cache.remember(
        Object.freeze({
          connectionId: written.id,
          accessToken: tokens.accessToken,
          apiDomain,
          expiresAt,
        }),
        lifetimeMs,
      )
      ctx.events.emit({ type: 'refreshed', connectionId: written.id, expiresAt })
      return { kind: 'token', token }
    }
    // Fenced: someone wrote after our read.
    const current = await ctx.read(base.id)
    const servable = hasServableToken(current, ctx.now(), at.failedToken)
    // Another grant now: our token is the old grant's (maybe another user's). Never write it.
    if (current.refreshToken !== read.refreshToken) {
      return servable ? { kind: 'token', token: ctx.serveStored(current) } : { kind: 'regranted' }
    }
    // The same grant, refreshed by someone else meanwhile: their newer token wins over ours.
    if (current.accessToken !== base.accessToken && servable) {
      return { kind: 'token', token: ctx.serveStored(current) }
    }
    base = current
  }
}

/**
 * The token request finally failed (not a dead grant: throttled, transport, 5xx, timeout): keep
 * the failure on the row for people to read (best effort: a lost race loses nothing) and say so,
 * so the broker can count it and send its `connection.refresh_failed` webhook.
 */
async function recordFailure(
  ctx: ManagerContext,
  connection: Connection,
  error: unknown,
): Promise<void> {
  const message = redact(errorMessage(error))
  await ctx.store
    .update(connection.id, { lastError: message }, connection.version, ctx.now())
    .catch(() => null)
  const code = error instanceof ZohoAuthError ? error.code : 'ERR_UNKNOWN'
  ctx.events.emit({ type: 'refresh_failed', connectionId: connection.id, code, message })
}

/** invalid_code on refresh: the grant is dead. Keep the connection, say why, and how to fix it. */
async function markNeedsReauth(
  ctx: ManagerContext,
  connection: Connection,
  cause: ZohoOAuthError,
): Promise<MintOutcome> {
  // Best effort: a row elsewhere that cannot be decrypted must not hide this connection's state.
  const all = await ctx.store.list().catch((): Connection[] => [])
  const evicted =
    ctx.evictionWarned.has(connection.id) || isEvicted(connection, all, ctx.maxRefreshTokens)
  const reason = reauthReason(evicted)
  let base: Connection | null = connection
  // Only the grant Zoho refused is dead: a re-grant (or another writer's verdict) wins the race.
  while (base?.status === 'active' && base.refreshToken === connection.refreshToken) {
    const written = await ctx.store.update(
      base.id,
      { status: 'needs_reauth', lastError: reason, evicted },
      base.version,
      ctx.now(),
    )
    if (written !== null) {
      ctx.cache.forget(connection.id)
      ctx.events.emit({ type: 'needs_reauth', connectionId: connection.id, reason, evicted })
      const error = new NeedsReauthError({ connectionId: connection.id, evicted, cause })
      return { kind: 'dead', error }
    }
    base = await ctx.store.get(connection.id)
  }
  // Not written: re-granted, deleted, or already marked by another process. Starting over reads
  // which, and serves the new grant or says what the row says.
  return { kind: 'regranted' }
}
