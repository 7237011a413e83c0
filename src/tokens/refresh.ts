/**
 * How a refresh happens: one flight per connection per process (a map of promises), one lease per
 * connection across processes (the store's), budget checked and the mint recorded before the
 * request, bounded jittered retries, and a compare-and-set write so a stalled holder loses.
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
import { isEvicted, needsRefresh, validToken } from './connection.js'
import type { ManagerContext } from './context.js'
import {
  ConnectionNotFoundError,
  ConnectionRevokedError,
  NeedsReauthError,
  reauthReason,
  RefreshTimeoutError,
  TokenThrottledError,
} from './errors.js'
import type { AccessToken } from './types.js'

interface Flight {
  promise: Promise<AccessToken | null>
  priority: RefreshPriority
}

/** First and longest pause of a process waiting for another process's refresh. */
const WAIT_FIRST_MS = 20
const WAIT_MAX_MS = 500

export class Refresher {
  private readonly flights = new Map<string, Flight>()

  constructor(private readonly ctx: ManagerContext) {}

  /** The store's row, or the typed error that says why it serves no token. */
  async read(id: string): Promise<Connection> {
    const connection = await this.ctx.store.get(id)
    if (connection === null) throw new ConnectionNotFoundError(id)
    if (connection.status === 'revoked') throw new ConnectionRevokedError(id)
    if (connection.status === 'needs_reauth') {
      const evicted =
        this.ctx.evictionWarned.has(id) || (connection.lastError ?? '').includes('evicted')
      throw new NeedsReauthError({ connectionId: id, evicted })
    }
    return connection
  }

  /** Slow path of getToken: nothing usable in the cache. */
  async load(id: string): Promise<AccessToken> {
    const connection = await this.read(id)
    const now = this.ctx.now()
    const valid = validToken(connection, now)
    if (valid === null) return this.refresh(id)
    const token = this.ctx.rememberStored(connection)
    if (needsRefresh(connection, now, this.ctx.refreshMarginMs)) this.refreshInBackground(id)
    return token
  }

  /** A caller needs a token now (none valid, or `failedToken` was refused): join or fly. */
  refresh(id: string, failedToken?: string): Promise<AccessToken> {
    const flight = this.flights.get(id)
    if (flight !== undefined) {
      return flight.promise.then(
        (token) =>
          token !== null && token.accessToken !== failedToken && token.expiresAt > this.ctx.now()
            ? token
            : this.refresh(id, failedToken),
        (error: unknown) => {
          // A foreground failure is every waiter's answer; retrying it would multiply requests.
          if (flight.priority === 'foreground') throw error
          return this.refresh(id, failedToken)
        },
      )
    }
    const promise = this.fly(id, 'foreground', failedToken)
    return promise.then((token) => {
      if (token === null) throw new RefreshTimeoutError(id)
      return token
    })
  }

  /** Stale-while-revalidate: refresh without making anyone wait; failures are recorded. */
  refreshInBackground(id: string): void {
    if (this.ctx.closed || this.flights.has(id)) return
    this.fly(id, 'background', undefined)
  }

  /** Resolves when every flight of this process has landed. */
  async settle(): Promise<void> {
    while (this.flights.size > 0) {
      await Promise.allSettled([...this.flights.values()].map((f) => f.promise))
    }
  }

  private fly(
    id: string,
    priority: RefreshPriority,
    failedToken: string | undefined,
  ): Promise<AccessToken | null> {
    let run = this.run(id, priority, failedToken)
    if (priority === 'background') {
      run = run.catch((error: unknown) => {
        if (!(error instanceof NeedsReauthError)) {
          this.ctx.events.emit({
            type: 'warning',
            connectionId: id,
            message: `Background refresh failed: ${redact(errorMessage(error))}`,
          })
        }
        return null
      })
    }
    const promise = run.finally(() => {
      if (this.flights.get(id)?.promise === promise) this.flights.delete(id)
    })
    this.flights.set(id, { promise, priority })
    return promise
  }

  private usable(connection: Connection, now: number, failedToken: string | undefined): boolean {
    return (
      connection.accessToken !== failedToken &&
      validToken(connection, now) !== null &&
      !needsRefresh(connection, now, this.ctx.refreshMarginMs)
    )
  }

  private async run(
    id: string,
    priority: RefreshPriority,
    failedToken: string | undefined,
  ): Promise<AccessToken | null> {
    const { ctx } = this
    // A waiter never outlives two leases plus one holder's retries: by then it has taken over.
    const giveUpAt = ctx.now() + 2 * ctx.leaseTtlMs + ctx.retry.deadlineMs
    let pause = WAIT_FIRST_MS
    for (;;) {
      const connection = await this.read(id)
      if (this.usable(connection, ctx.now(), failedToken)) return ctx.rememberStored(connection)
      // An expired lease is taken here too: that is how a SIGKILLed holder is recovered.
      if (await ctx.store.acquireLease(id, ctx.ownerId, ctx.leaseTtlMs, ctx.now())) {
        try {
          // Another process may have refreshed between our read and the lease.
          const held = await this.read(id)
          if (this.usable(held, ctx.now(), failedToken)) return ctx.rememberStored(held)
          return await this.mint(held, priority, failedToken)
        } finally {
          await ctx.store.releaseLease(id, ctx.ownerId).catch(() => undefined)
        }
      }
      if (priority === 'background') return null // someone else is refreshing it
      if (ctx.now() > giveUpAt) {
        const valid = validToken(connection, ctx.now())
        if (valid !== null && valid.accessToken !== failedToken) return valid
        throw new RefreshTimeoutError(id)
      }
      await ctx.store.waitForChange(id, Math.round(pause * (0.5 + ctx.random())))
      pause = Math.min(pause * 2, WAIT_MAX_MS)
    }
  }

  /** Holding the lease: spend one mint (or a few, on transient failures) and write the token. */
  private async mint(
    connection: Connection,
    priority: RefreshPriority,
    failedToken: string | undefined,
  ): Promise<AccessToken | null> {
    const { ctx } = this
    const client = await ctx.client(connection.clientId)
    const clientSecret = client.dcSecrets?.[connection.dc] ?? client.clientSecret
    const deadline = ctx.now() + ctx.retry.deadlineMs
    for (let attempt = 1; ; attempt++) {
      const sentAt = ctx.now()
      const decision = await ctx.budget.check(connection.refreshToken, sentAt, priority)
      if (!decision.allowed) {
        const error = new TokenThrottledError({
          connectionId: connection.id,
          retryAt: decision.retryAt,
        })
        const reserved =
          priority === 'background'
            ? `Background refresh of "${connection.id}" skipped: only the last ${ctx.budget.foregroundReserve} of Zoho's ${ctx.budget.mintsPerWindow} token requests per window are left, kept for callers whose token has expired; next try after ${new Date(decision.retryAt).toISOString()}`
            : undefined
        return this.giveUp(connection, priority, failedToken, error, decision.retryAt, reserved)
      }
      // Counted before sending: a crash or timeout mid-request may still have minted at Zoho.
      await ctx.budget.record(connection.refreshToken, sentAt)
      let tokens: TokenSet
      try {
        tokens = await refreshAccessToken(
          {
            accountsServer: connection.accountsServer,
            clientId: client.clientId,
            clientSecret,
            refreshToken: connection.refreshToken,
          },
          {
            ...ctx.request,
            timeoutMs: Math.max(1000, Math.min(ctx.request.timeoutMs, deadline - sentAt)),
          },
        )
      } catch (error) {
        if (error instanceof ZohoThrottledError) {
          // Zoho counted mints we did not see (another app shares this refresh token).
          const retryAt = await ctx.budget.saturate(connection.refreshToken, ctx.now())
          const throttled = new TokenThrottledError({
            connectionId: connection.id,
            retryAt,
            cause: error,
          })
          await this.recordError(connection, throttled)
          return this.giveUp(connection, priority, failedToken, throttled, retryAt)
        }
        // Zoho answers a revoked or evicted refresh token with invalid_code, not invalid_grant.
        if (error instanceof ZohoOAuthError && error.error === 'invalid_code') {
          return this.markNeedsReauth(connection, error)
        }
        const wait = this.backoff(attempt)
        if (!isTransient(error) || attempt >= ctx.retry.attempts || ctx.now() + wait >= deadline) {
          await this.recordError(connection, error)
          return this.giveUp(
            connection,
            priority,
            failedToken,
            error,
            ctx.now() + ctx.retry.deadlineMs,
          )
        }
        await ctx.sleep(wait)
        // Keep the lease for the next attempt; the fenced write protects us if we lost it anyway.
        await ctx.store.acquireLease(connection.id, ctx.ownerId, ctx.leaseTtlMs, ctx.now())
        continue
      }
      return this.save(connection, tokens, sentAt, failedToken)
    }
  }

  /** Equal jitter: half the exponential step, plus a random half. */
  private backoff(attempt: number): number {
    const step = this.ctx.retry.baseDelayMs * 2 ** (attempt - 1)
    return Math.round(step / 2 + (step / 2) * this.ctx.random())
  }

  /** Compare-and-set write; a holder that lost its lease finds the newer token and uses it. */
  private async save(
    read: Connection,
    tokens: TokenSet,
    sentAt: number,
    failedToken: string | undefined,
  ): Promise<AccessToken> {
    const { ctx } = this
    const lifetimeMs = tokens.expiresInSeconds * 1000
    const expiresAt = sentAt + lifetimeMs
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
      // Fenced: someone wrote after our read. A newer token wins over ours.
      const current = await this.read(base.id)
      if (current.refreshToken !== read.refreshToken || current.accessToken !== base.accessToken) {
        const valid = validToken(current, ctx.now())
        if (valid !== null && valid.accessToken !== failedToken) return ctx.rememberStored(current)
      }
      base = current
    }
  }

  private async giveUp(
    connection: Connection,
    priority: RefreshPriority,
    failedToken: string | undefined,
    error: unknown,
    retryAt: number,
    warning?: string,
  ): Promise<AccessToken | null> {
    const { ctx } = this
    const valid = validToken(connection, ctx.now())
    const servable = valid !== null && valid.accessToken !== failedToken ? valid : null
    if (servable !== null) {
      // Serve the still-valid token; do not try again from the hot path before retryAt.
      const entry = ctx.cache.get(connection.id)
      const refreshAt = Math.min(servable.expiresAt, Math.max(retryAt, entry?.refreshAt ?? 0))
      ctx.cache.set(connection.id, { token: entry?.token ?? servable, refreshAt })
    }
    if (priority === 'background') {
      ctx.events.emit({
        type: 'warning',
        connectionId: connection.id,
        message: warning ?? `Background refresh failed: ${redact(errorMessage(error))}`,
      })
      return null
    }
    if (servable !== null) return servable
    throw error
  }

  private async recordError(connection: Connection, error: unknown): Promise<void> {
    const lastError = redact(errorMessage(error))
    await this.ctx.store
      .update(connection.id, { lastError }, connection.version, this.ctx.now())
      .catch(() => null)
  }

  private async markNeedsReauth(connection: Connection, cause: ZohoOAuthError): Promise<never> {
    const { ctx } = this
    const all = await ctx.store.list()
    const evicted =
      ctx.evictionWarned.has(connection.id) || isEvicted(connection, all, ctx.maxRefreshTokens)
    const reason = reauthReason(evicted)
    let base: Connection | null = connection
    while (
      base !== null &&
      base.status === 'active' &&
      base.refreshToken === connection.refreshToken
    ) {
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
}

function isTransient(error: unknown): boolean {
  if (error instanceof TransportError || error instanceof UnexpectedResponseError) return true
  return error instanceof ZohoOAuthError && error.status >= 500
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
