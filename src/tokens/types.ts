/** The token manager's public types (see manager.ts). */
import type { DataCenterLocation, DataCenterTable } from '../protocol/data-centers.js'
import type { ConnectionStore } from '../stores/store.js'

export interface OAuthClient {
  clientId: string
  clientSecret: string
  /** Per-DC secrets (multi-DC clients may have one per DC); falls back to clientSecret. */
  dcSecrets?: Partial<Record<DataCenterLocation, string>>
}

export interface BudgetOptions {
  /** Zoho allows 10 access-token mints per refresh token per window. */
  mintsPerWindow?: number
  windowMs?: number
  /** Background refreshes never spend the last N mints of the window. */
  foregroundReserve?: number
}

export interface RetryOptions {
  attempts?: number
  baseDelayMs?: number
  deadlineMs?: number
}

export interface TokenManagerOptions {
  store: ConnectionStore
  /** The client used for new connections and whenever resolveClient has no answer. */
  client?: OAuthClient
  /** Looks up other clients by id (the broker keeps several). */
  resolveClient?: (clientId: string) => Promise<OAuthClient | null>
  /** Default: Zoho's; emulatorDataCenters(url) for tests. */
  dataCenters?: DataCenterTable
  fetch?: typeof fetch
  /** True only for the emulator on loopback. */
  allowInsecureHTTP?: boolean
  now?: () => number
  random?: () => number
  /** Identifies this process's leases; default `${hostname}:${pid}:${random}`. */
  ownerId?: string
  /** Default 5 min, capped at a quarter of the token's lifetime. */
  refreshMarginMs?: number
  /**
   * The refresh lease, default 10 s. Its holder renews it every third of it while it works, so a
   * holder killed mid-refresh is taken over by another process within one lease.
   */
  leaseTtlMs?: number
  /** Default 15 s per token request. */
  requestTimeoutMs?: number
  budget?: BudgetOptions
  retry?: RetryOptions
  sleep?: (ms: number) => Promise<void>
  /** Zoho's refresh tokens per user per client (default 20). */
  maxRefreshTokensPerUser?: number
}

export interface AccessToken {
  connectionId: string
  accessToken: string
  apiDomain: string
  /** Epoch ms. */
  expiresAt: number
}

export type TokenEvent =
  | { type: 'created'; connectionId: string; evicts?: string[] }
  | { type: 'refreshed'; connectionId: string; expiresAt: number }
  | { type: 'needs_reauth'; connectionId: string; reason: string; evicted: boolean }
  | { type: 'revoked'; connectionId: string }
  | { type: 'deleted'; connectionId: string }
  | { type: 'warning'; connectionId: string; message: string }
  /**
   * A token request finally failed for a reason other than a dead grant (that is `needs_reauth`):
   * throttled, no answer, a 5xx, a timeout. `code` is the error's (`ERR_TRANSPORT`, …); `message`
   * is redacted. A still-valid token may go on being served.
   */
  | { type: 'refresh_failed'; connectionId: string; code: string; message: string }
  /**
   * A caller waits for another process's refresh (it holds the lease). If that process was
   * killed, its lease runs out by `until` (epoch ms) and this one takes over.
   */
  | { type: 'waiting'; connectionId: string; reason: string; until: number }
