/**
 * Zoho's quota: 10 access-token mints per refresh token per 10 minutes, then every token
 * request is refused for the rest of the window. Mints are counted in the store so every process
 * on it shares one sliding window.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/token-validity.html
 */
import { createHash } from 'node:crypto'
import type { ConnectionStore } from '../stores/store.js'
import type { BudgetOptions } from './types.js'

export type RefreshPriority = 'foreground' | 'background'

export type BudgetDecision = { allowed: true } | { allowed: false; retryAt: number }

/** The quota key of a refresh token: its SHA-256, so the store never holds the token twice. */
export function mintKey(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex')
}

export class MintBudget {
  readonly mintsPerWindow: number
  readonly windowMs: number
  readonly foregroundReserve: number

  constructor(
    private readonly store: ConnectionStore,
    options: BudgetOptions = {},
  ) {
    this.mintsPerWindow = options.mintsPerWindow ?? 10
    this.windowMs = options.windowMs ?? 600_000
    this.foregroundReserve = Math.min(options.foregroundReserve ?? 2, this.mintsPerWindow - 1)
  }

  /** Whether one more mint may be sent now; background work leaves the reserve to callers. */
  async check(
    refreshToken: string,
    now: number,
    priority: RefreshPriority,
  ): Promise<BudgetDecision> {
    const mints = await this.store.mintsInWindow(mintKey(refreshToken), now, this.windowMs)
    const limit =
      priority === 'foreground' ? this.mintsPerWindow : this.mintsPerWindow - this.foregroundReserve
    if (mints.length < limit) return { allowed: true }
    return { allowed: false, retryAt: this.slotFreesAt(mints, limit) }
  }

  /**
   * Counts a mint; called BEFORE the request is sent, so a crash mid-request still counts. A
   * request that turns out to have minted nothing gives it back with `forget`.
   */
  async record(refreshToken: string, now: number): Promise<number[]> {
    return this.store.recordMint(mintKey(refreshToken), now, this.windowMs)
  }

  /** Takes back a mint counted at `at` whose request provably minted nothing (see failures.ts). */
  async forget(refreshToken: string, at: number): Promise<void> {
    await this.store.forgetMint(mintKey(refreshToken), at)
  }

  /**
   * Zoho throttled us although our count had room (another app shares the token): fill the
   * window so no process sends again until our oldest mint leaves it. Returns that time.
   */
  async saturate(refreshToken: string, now: number): Promise<number> {
    const key = mintKey(refreshToken)
    let mints = await this.store.mintsInWindow(key, now, this.windowMs)
    while (mints.length < this.mintsPerWindow)
      mints = await this.store.recordMint(key, now, this.windowMs)
    return this.slotFreesAt(mints, this.mintsPerWindow)
  }

  /**
   * The first moment the window holds fewer than `limit` mints (mints are oldest first). The
   * window `[now - windowMs, now]` includes its edge, so a mint at `t` counts until `t + windowMs`
   * and is out of it one millisecond later: a caller that waits until then must be let through.
   */
  private slotFreesAt(mints: readonly number[], limit: number): number {
    const index = Math.max(0, mints.length - limit)
    return (mints[index] ?? 0) + this.windowMs + 1
  }
}
