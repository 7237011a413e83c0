/**
 * Who refreshes: one flight per connection per process (a map of promises) and one lease per
 * connection across processes (the store's). Processes without the lease wait for the holder's
 * token, and take the lease over once it expires (a killed holder). The minting is in mint.ts.
 */
import { redact } from '../protocol/index.js'
import type { Connection } from '../stores/store.js'
import type { RefreshPriority } from './budget.js'
import { needsRefresh, validToken } from './connection.js'
import type { ManagerContext } from './context.js'
import {
  ConnectionNotFoundError,
  ConnectionRevokedError,
  NeedsReauthError,
  RefreshTimeoutError,
} from './errors.js'
import { errorMessage, GRANT_CHANGED, LEASE_LOST, mint } from './mint.js'
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
  private readonly loads = new Map<string, Promise<AccessToken>>()

  constructor(private readonly ctx: ManagerContext) {}

  /** Slow path of getToken: nothing usable in the cache. */
  load(id: string): Promise<AccessToken> {
    // Concurrent callers share one store read: a burst of 1,000 must not queue 1,000 queries on a
    // database pool before they even reach the single flight.
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
        // The connection stopped serving tokens (re-auth, revoked, deleted): stop serving its cache.
        if (isFinal(error)) this.ctx.cache.delete(id)
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
      const connection = await this.ctx.read(id)
      if (this.usable(connection, ctx.now(), failedToken)) return ctx.rememberStored(connection)
      // An expired lease is taken here too: that is how a SIGKILLed holder is recovered.
      if (await ctx.store.acquireLease(id, ctx.ownerId, ctx.leaseTtlMs, ctx.now())) {
        try {
          // Another process may have refreshed between our read and the lease.
          const held = await this.ctx.read(id)
          if (this.usable(held, ctx.now(), failedToken)) return ctx.rememberStored(held)
          const minted = await mint(ctx, held, { priority, failedToken })
          // Re-granted mid-flight: start over on the new grant (the lease is released first).
          if (minted === GRANT_CHANGED) continue
          if (minted !== LEASE_LOST) return minted
        } finally {
          await ctx.store.releaseLease(id, ctx.ownerId).catch(() => undefined)
        }
      }
      if (priority === 'background') {
        // Someone else is refreshing it: look again shortly, not on every caller's hit.
        const valid = validToken(connection, ctx.now())
        if (valid !== null) {
          const entry = ctx.cache.get(id)
          const same = entry !== undefined && entry.token.accessToken === valid.accessToken
          ctx.cacheToken(
            same ? entry.token : valid,
            Math.min(valid.expiresAt, ctx.now() + WAIT_MAX_MS),
          )
        }
        return null
      }
      if (ctx.now() > giveUpAt) {
        const valid = validToken(connection, ctx.now())
        if (valid !== null && valid.accessToken !== failedToken) return valid
        throw new RefreshTimeoutError(id)
      }
      await ctx.store.waitForChange(id, Math.round(pause * (0.5 + ctx.random())))
      pause = Math.min(pause * 2, WAIT_MAX_MS)
    }
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
