/**
 * The TokenManager: the only place that refreshes. It serves access tokens from memory, refreshes
 * each connection once however many callers and processes ask, and never sends a token request
 * Zoho would throttle. See docs/architecture.md, "How a token is served".
 */
import type { Connection } from '../stores/store.js'
import { ManagerContext } from './context.js'
import { createFromCode, importRefreshToken } from './create.js'
import type { CreateFromCodeInput, ImportRefreshTokenInput } from './create.js'
import { isFresh, isUnexpired } from './cache.js'
import { Refresher } from './refresh.js'
import { revokeConnection } from './revoke.js'
import type { AccessToken, TokenEvent, TokenManagerOptions } from './types.js'

export type { CreateFromCodeInput, ImportRefreshTokenInput } from './create.js'
export type {
  AccessToken,
  BudgetOptions,
  OAuthClient,
  RetryOptions,
  TokenEvent,
  TokenManagerOptions,
} from './types.js'

/**
 * Serves Zoho access tokens for stored connections.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/token-validity.html
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 */
export class TokenManager {
  private readonly ctx: ManagerContext
  private readonly refresher: Refresher

  constructor(options: TokenManagerOptions) {
    this.ctx = new ManagerContext(options)
    this.refresher = new Refresher(this.ctx)
  }

  /** The access token string of `connectionId`; see getToken. Same hot path, no allocation. */
  getAccessToken(connectionId: string): Promise<string> {
    const entry = this.ctx.cache.get(connectionId)
    if (entry !== undefined && isFresh(entry, this.ctx.now())) return entry.resolvedString
    return this.getToken(connectionId).then((token) => token.accessToken)
  }

  /**
   * A valid access token. From memory when it is beyond the refresh margin (no I/O); inside the
   * margin it is served at once and refreshed in the background; only an expired or missing
   * token makes the caller wait, for the one refresh of this connection.
   */
  getToken(connectionId: string): Promise<AccessToken> {
    const entry = this.ctx.cache.get(connectionId)
    if (entry !== undefined) {
      const now = this.ctx.now()
      if (isFresh(entry, now)) return entry.resolved
      if (isUnexpired(entry, now)) {
        this.refresher.refreshInBackground(connectionId)
        return entry.resolved
      }
    }
    return this.refresher.load(connectionId)
  }

  /**
   * A resource call got 401 with `failedAccessToken`: drop it only if it is still the current
   * token (so 100 concurrent 401s cause one refresh) and return a fresh one.
   */
  invalidate(connectionId: string, failedAccessToken: string): Promise<AccessToken> {
    const newer = this.ctx.cache.afterRefusal(connectionId, failedAccessToken, this.ctx.now())
    if (newer !== undefined) return newer.resolved
    return this.refresher.refresh(connectionId, failedAccessToken)
  }

  /** Exchanges a code from the redirect flow (or a Self Client) for a new connection. */
  createFromCode(input: CreateFromCodeInput): Promise<Connection> {
    return createFromCode(this.ctx, input)
  }

  /** Adopts an existing refresh token, validated now with one refresh. */
  importRefreshToken(input: ImportRefreshTokenInput): Promise<Connection> {
    return importRefreshToken(this.ctx, input)
  }

  /** Revokes the refresh token at Zoho; the connection is kept with status `revoked`. */
  revoke(connectionId: string): Promise<void> {
    return revokeConnection(this.ctx, connectionId)
  }

  /** Forgets the connection (without revoking it at Zoho). */
  async delete(connectionId: string): Promise<boolean> {
    const existed = await this.ctx.store.delete(connectionId)
    this.ctx.cache.forget(connectionId)
    this.ctx.evictionWarned.delete(connectionId)
    if (existed) this.ctx.events.emit({ type: 'deleted', connectionId })
    return existed
  }

  get(connectionId: string): Promise<Connection | null> {
    return this.ctx.store.get(connectionId)
  }

  list(): Promise<Connection[]> {
    return this.ctx.store.list()
  }

  /** Subscribes to lifecycle events; returns the unsubscribe function. */
  on(listener: (event: TokenEvent) => void): () => void {
    return this.ctx.events.on(listener)
  }

  /** Stops starting background refreshes and waits for running ones; the store stays open. */
  async close(): Promise<void> {
    this.ctx.closed = true
    await this.refresher.settle()
  }
}
