/**
 * getToken's slow path, top to bottom: what happens when the cache (cache.ts) has nothing fresh.
 * Internal to src/tokens; see docs/architecture.md, "How a token is served".
 *
 * 1. load: concurrent callers share one store read; a valid stored token is served (and
 *    revalidated in the background inside the margin); none → refresh.
 * 2. refresh: one flight per connection per process; later callers join it.
 * 3. run (the flight): read the row; take the connection's lease across processes (lease.ts,
 *    renewed while we work), or wait for the process that holds it and read its token; a lease
 *    left by a killed holder expires within one lease and is taken over here.
 * 4. mint (mint.ts, holding the lease): budget, one token request, compare-and-set write, and a
 *    MintOutcome saying how it went.
 * 5. serve: the new token, or a still-valid one when the request failed, or the typed error.
 */
import { redact } from '../protocol/index.js'
import type { Connection } from '../stores/store.js'
import type { RefreshPriority } from './budget.js'
import { hasServableToken, needsRefresh, validToken } from './connection.js'
import type { ManagerContext } from './context.js'
import {
  ConnectionNotFoundError,
  ConnectionRevokedError,
  NeedsReauthError,
  RefreshTimeoutError,
} from './errors.js'
import { errorMessage } from './failures.js'
import { HeldLease } from './lease.js'
import { mint } from './mint.js'
import type { MintOutcome, MintRequest } from './mint.js'
import type { AccessToken } from './types.js'

interface Flight {
  /** Null: a background flight that served nothing new (its failure was reported as a warning). */
  promise: Promise<AccessToken | null>
  priority: RefreshPriority
}

/** First and longest pause of a process waiting for another process's refresh. */
const WAIT_FIRST_MS = 20
const WAIT_MAX_MS = 500

export class Refresher {
  private readonly flights = new Map<string, Flight>()
  private readonly loads = new Map<string, Promise<AccessToken>>()

  constructor(private readonly ctx: ManagerContext) {}

  /** 1. Nothing usable in the cache: read the store once for every concurrent caller. */
  load(id: string): Promise<AccessToken> {
    // A burst of 1,000 must not queue 1,000 queries on a database pool before the single flight.
    let loading = this.loads.get(id)
    if (loading === undefined) {
      loading = this.loadFromStore(id).finally(() => this.loads.delete(id))
      this.loads.set(id, loading)
    }
    return loading
  }

  private async loadFromStore(id: string): Promise<AccessToken> {
    const connection = await this.ctx.read(id)
    const now = this.ctx.now()
    if (validToken(connection, now) === null) return this.refresh(id)
    const token = this.ctx.serveStored(connection)
    if (needsRefresh(connection, now, this.ctx.refreshMarginMs)) this.refreshInBackground(id)
    return token
  }

  /** 2. A caller needs a token now (none valid, or `failedToken` was refused): join or fly. */
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
    return this.fly(id, { priority: 'foreground', failedToken }).then((token) => {
      if (token === null) throw new RefreshTimeoutError(id)
      return token
    })
  }

  /** Stale-while-revalidate: refresh without making anyone wait; failures become warnings. */
  refreshInBackground(id: string): void {
    if (this.ctx.closed || this.flights.has(id)) return
    void this.fly(id, { priority: 'background', failedToken: undefined })
  }

  /** Resolves when every flight of this process has landed. */
  async settle(): Promise<void> {
    while (this.flights.size > 0) {
      await Promise.allSettled([...this.flights.values()].map((f) => f.promise))
    }
  }

  private fly(id: string, request: MintRequest): Promise<AccessToken | null> {
    let run = this.run(id, request)
    if (request.priority === 'background') {
      run = run.catch((error: unknown) => {
        if (!(error instanceof NeedsReauthError)) {
          this.warn(id, `Background refresh failed: ${redact(errorMessage(error))}`)
        }
        // The connection stopped serving tokens (re-auth, revoked, deleted): stop serving its cache.
        if (isFinal(error)) this.ctx.cache.forget(id)
        return null
      })
    }
    const promise = run.finally(() => {
      if (this.flights.get(id)?.promise === promise) this.flights.delete(id)
    })
    this.flights.set(id, { promise, priority: request.priority })
    return promise
  }

  /** 3. The flight: use what the store has, or hold the lease and mint, or wait for the holder. */
  private async run(id: string, request: MintRequest): Promise<AccessToken | null> {
    const { ctx } = this
    // A waiter never outlives two leases plus one holder's retries: by then it has taken over.
    const giveUpAt = ctx.now() + 2 * ctx.leaseTtlMs + ctx.retry.deadlineMs
    let pause = WAIT_FIRST_MS
    let waitingSaid = false
    for (;;) {
      const connection = await ctx.read(id)
      if (this.usable(connection, request)) return ctx.serveStored(connection)
      // An expired lease is taken here too: that is how a SIGKILLed holder is recovered.
      const lease = await HeldLease.acquire(ctx, id)
      if (lease !== null) {
        let outcome: MintOutcome
        try {
          // Another process may have refreshed between our read and the lease.
          const held = await ctx.read(id)
          if (this.usable(held, request)) return ctx.serveStored(held)
          outcome = await mint(ctx, held, lease, request)
          if (outcome.kind === 'failed') return this.serveDespite(held, request, outcome)
        } finally {
          await lease.release()
        }
        if (outcome.kind === 'token') return outcome.token
        if (outcome.kind === 'dead') throw outcome.error
        if (outcome.kind === 'regranted') continue
        // lease_lost: wait for the new holder like any other waiter.
      }
      if (request.priority === 'background') {
        // Someone else is refreshing it: look again shortly, not on every caller's hit.
        if (validToken(connection, ctx.now()) !== null) {
          ctx.cache.backOff(ctx.accessTokenOf(connection), ctx.now() + WAIT_MAX_MS)
        }
        return null
      }
      if (!waitingSaid) {
        waitingSaid = true
        // A holder that was killed keeps its lease until it expires: say what we wait for.
        ctx.events.emit({
          type: 'waiting',
          connectionId: id,
          reason: 'another process is refreshing its token',
          until: ctx.now() + ctx.leaseTtlMs,
        })
      }
      if (ctx.now() > giveUpAt) {
        if (hasServableToken(connection, ctx.now(), request.failedToken)) {
          return ctx.accessTokenOf(connection)
        }
        throw new RefreshTimeoutError(id)
      }
      await ctx.store.waitForChange(id, Math.round(pause * (0.5 + ctx.random())))
      pause = Math.min(pause * 2, WAIT_MAX_MS)
    }
  }

  /** Holds a token that is valid, not the refused one, and beyond the refresh margin. */
  private usable(connection: Connection, request: MintRequest): boolean {
    const now = this.ctx.now()
    return (
      hasServableToken(connection, now, request.failedToken) &&
      !needsRefresh(connection, now, this.ctx.refreshMarginMs)
    )
  }

  /**
   * 5. No new token: serve a still-valid one (not retried from the hot path before retryAt), or
   * throw the failure. A background flight serves nothing and reports a warning instead.
   */
  private serveDespite(
    connection: Connection,
    request: MintRequest,
    failure: Extract<MintOutcome, { kind: 'failed' }>,
  ): AccessToken | null {
    const { ctx } = this
    const servable = hasServableToken(connection, ctx.now(), request.failedToken)
      ? ctx.accessTokenOf(connection)
      : null
    if (servable !== null) ctx.cache.backOff(servable, failure.retryAt)
    if (request.priority === 'background') {
      this.warn(
        connection.id,
        failure.warning ?? `Background refresh failed: ${redact(errorMessage(failure.error))}`,
      )
      return null
    }
    if (servable !== null) return servable
    throw failure.error
  }

  private warn(connectionId: string, message: string): void {
    this.ctx.events.emit({ type: 'warning', connectionId, message })
  }
}

/** Errors after which the connection serves no token at all. */
function isFinal(error: unknown): boolean {
  return (
    error instanceof NeedsReauthError ||
    error instanceof ConnectionRevokedError ||
    error instanceof ConnectionNotFoundError
  )
}
