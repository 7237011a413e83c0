/**
 * The in-process token cache, and every rule about it. Internal to src/tokens; see
 * docs/architecture.md, "How a token is served".
 *
 * 1. Fresh (before `refreshAt`, the expiry minus the refresh margin): served from memory with no
 *    I/O, as the same settled promise every time.
 * 2. Stale (from `refreshAt` until expiry): still served, while one background refresh runs.
 * 3. Expired or missing: not served; the caller waits for the one refresh of the connection.
 * 4. Never older over newer: a slower reader cannot put back a token that expires before the
 *    cached one (it may be a token Zoho already refused).
 * 5. Back off: when a refresh failed, was refused by the budget, or is another process's job, the
 *    stale token keeps being served and is not revalidated before a given time.
 * 6. A refused token is dropped only while it is still the cached one, so 100 concurrent 401s
 *    for the same token cause one refresh.
 * 7. A connection that stopped serving tokens (re-auth, revoked, deleted, re-granted) is forgotten.
 */
import { refreshMargin } from './connection.js'
import type { AccessToken } from './types.js'

export interface CacheEntry {
  readonly token: AccessToken
  /** The same resolved promises for every hot-path hit: no allocation per call. */
  readonly resolved: Promise<AccessToken>
  readonly resolvedString: Promise<string>
  /** From here on the token is stale: served while a background refresh runs. */
  refreshAt: number
}

/** Rule 1: served with no I/O at all. */
export function isFresh(entry: CacheEntry, now: number): boolean {
  return now < entry.refreshAt
}

/** Rules 2 and 3: served (and revalidated) until it expires, never after. */
export function isUnexpired(entry: CacheEntry, now: number): boolean {
  return now < entry.token.expiresAt
}

export class TokenCache {
  private readonly entries = new Map<string, CacheEntry>()

  constructor(private readonly refreshMarginMs: number) {}

  get(id: string): CacheEntry | undefined {
    return this.entries.get(id)
  }

  /**
   * Caches `token`, fresh until the refresh margin of a `lifetimeMs` token (known exactly when we
   * minted it, inferred from the store otherwise). Returns the token.
   */
  remember(token: AccessToken, lifetimeMs: number): AccessToken {
    this.put(token, token.expiresAt - refreshMargin(this.refreshMarginMs, lifetimeMs))
    return token
  }

  /** Rule 5: keep serving `token` while it is valid, without revalidating it before `until`. */
  backOff(token: AccessToken, until: number): void {
    const entry = this.entries.get(token.connectionId)
    const refreshAt = Math.min(token.expiresAt, Math.max(until, entry?.refreshAt ?? 0))
    // The cached token may be an older one that expires before `token`: never keep it longer.
    const same = entry !== undefined && entry.token.accessToken === token.accessToken
    this.put(same ? entry.token : token, refreshAt)
  }

  /**
   * Rule 6: a resource call was refused `failedToken`. Returns the cached entry to answer with
   * when a different, unexpired token is already cached (someone refreshed meanwhile); otherwise
   * drops `failedToken` if it is the cached one and returns undefined (refresh).
   */
  afterRefusal(id: string, failedToken: string, now: number): CacheEntry | undefined {
    const entry = this.entries.get(id)
    if (entry === undefined) return undefined
    if (entry.token.accessToken !== failedToken) return isUnexpired(entry, now) ? entry : undefined
    this.entries.delete(id)
    return undefined
  }

  /** Rule 7. */
  forget(id: string): void {
    this.entries.delete(id)
  }

  private put(token: AccessToken, refreshAt: number): void {
    const entry = this.entries.get(token.connectionId)
    if (entry?.token === token) {
      entry.refreshAt = refreshAt
      return
    }
    // Rule 4: a slower reader must not put an older token back over a newer one.
    if (entry !== undefined && entry.token.expiresAt > token.expiresAt) return
    this.entries.set(token.connectionId, {
      token,
      resolved: Promise.resolve(token),
      resolvedString: Promise.resolve(token.accessToken),
      refreshAt,
    })
  }
}
