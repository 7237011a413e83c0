import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { MemoryStore } from '../stores/memory.js'
import { MintBudget, mintKey } from './budget.js'
import { harness } from './test-support.js'

const TOKEN = `1000.${'1'.repeat(32)}.${'2'.repeat(32)}`
const T0 = 1_000_000_000
const WINDOW = 600_000

async function budgetWith(mints: number[]): Promise<MintBudget> {
  const store = new MemoryStore()
  for (const at of mints) await store.recordMint(mintKey(TOKEN), at, 600_000)
  return new MintBudget(store)
}

describe('mintKey', () => {
  it('mintKey: is the hex SHA-256 of the refresh token', () => {
    expect(mintKey(TOKEN)).toBe(createHash('sha256').update(TOKEN).digest('hex'))
    expect(mintKey(TOKEN)).not.toContain(TOKEN.slice(5, 37))
  })
})

describe('MintBudget.check', () => {
  it('check: background work stops at 8 of 10, callers may spend all 10', async () => {
    const budget = await budgetWith(Array.from({ length: 8 }, (_, i) => T0 + i))
    expect(await budget.check(TOKEN, T0 + 10, 'background')).toEqual({
      allowed: false,
      retryAt: T0 + 600_001,
    })
    expect(await budget.check(TOKEN, T0 + 10, 'foreground')).toEqual({ allowed: true })
  })

  it('check: a full window answers retryAt = the first moment the oldest mint is out of it', async () => {
    const budget = await budgetWith(Array.from({ length: 10 }, (_, i) => T0 + i * 1000))
    // The window [now - 600 s, now] includes its edge: the oldest mint counts until T0 + 600 s.
    expect(await budget.check(TOKEN, T0 + 600_000, 'foreground')).toEqual({
      allowed: false,
      retryAt: T0 + 600_001,
    })
    expect(await budget.check(TOKEN, T0 + 20_000, 'foreground')).toEqual({
      allowed: false,
      retryAt: T0 + 600_001,
    })
  })

  it('check: a caller that waits until retryAt exactly is allowed', async () => {
    for (const priority of ['foreground', 'background'] as const) {
      const budget = await budgetWith(Array.from({ length: 10 }, (_, i) => T0 + i * 1000))
      const refused = await budget.check(TOKEN, T0 + 20_000, priority)
      if (refused.allowed) throw new Error('expected a refusal')
      expect(await budget.check(TOKEN, refused.retryAt - 1, priority)).toMatchObject({
        allowed: false,
      })
      expect(await budget.check(TOKEN, refused.retryAt, priority)).toEqual({ allowed: true })
    }
  })

  it('check: honours custom limits and never reserves the whole window', async () => {
    const store = new MemoryStore()
    const budget = new MintBudget(store, {
      mintsPerWindow: 3,
      windowMs: 60_000,
      foregroundReserve: 5,
    })
    expect(budget.foregroundReserve).toBe(2)
    expect(await budget.check(TOKEN, T0, 'background')).toEqual({ allowed: true })
    await budget.record(TOKEN, T0)
    expect(await budget.check(TOKEN, T0, 'background')).toEqual({
      allowed: false,
      retryAt: T0 + 60_001,
    })
  })
})

describe('MintBudget.saturate', () => {
  it('saturate: fills the window so every process waits for the oldest mint to leave it', async () => {
    const budget = await budgetWith([T0])
    expect(await budget.saturate(TOKEN, T0 + 5000)).toBe(T0 + 600_001)
    expect(await budget.check(TOKEN, T0 + 5000, 'foreground')).toEqual({
      allowed: false,
      retryAt: T0 + 600_001,
    })
  })
})

describe('TokenManager budget', () => {
  it('getToken: a background refresh is refused when only the foreground reserve is left', async () => {
    const h = harness()
    const { refreshToken, accessToken } = await h.seed({ expiresInMs: 2 * 60_000 })
    for (let i = 0; i < 8; i++)
      await h.store.recordMint(mintKey(refreshToken), h.clock.value - 1000 + i, WINDOW)
    const warning = h.next('warning')
    expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
    expect(await warning).toEqual({
      type: 'warning',
      connectionId: 'acme',
      message: `Background refresh of "acme" skipped: only the last 2 of Zoho's 10 token requests per window are left, kept for callers whose token has expired; next try after ${new Date(h.clock.value - 1000 + WINDOW + 1).toISOString()}`,
    })
    expect(h.zoho.count('refresh_token')).toBe(0)
    // The reserve is for callers whose token has expired.
    h.clock.advance(2 * 60_000)
    expect((await h.manager.getToken('acme')).accessToken).not.toBe(accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a spent budget fails with ERR_TOKEN_THROTTLED and the exact retry time, sending nothing', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    const oldest = h.clock.value - 500_000
    for (let i = 0; i < 10; i++)
      await h.store.recordMint(mintKey(refreshToken), oldest + i * 1000, WINDOW)
    const error = await h.manager.getToken('acme').catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'ERR_TOKEN_THROTTLED',
      retryAt: oldest + WINDOW + 1,
      message: `Connection "acme" has used its Zoho token budget (10 per 10 minutes); retry after ${new Date(oldest + WINDOW + 1).toISOString()}`,
      remedy:
        'Wait until the retry time. Only token requests that got a token, or whose answer was lost after they were sent (a timeout, a cut connection), are counted: if Zoho answered them, something is refreshing far too often — reuse access tokens until they expire.',
    })
    expect(h.zoho.count('refresh_token')).toBe(0)
  })

  it('getToken: a caller that waits until the retryAt of ERR_TOKEN_THROTTLED is served at once', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    for (let i = 0; i < 10; i++)
      await h.store.recordMint(mintKey(refreshToken), h.clock.value - 500_000 + i, WINDOW)
    const error = await h.manager.getToken('acme').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_TOKEN_THROTTLED' })
    h.clock.value = (error as { retryAt: number }).retryAt
    await expect(h.manager.getToken('acme')).resolves.toMatchObject({ connectionId: 'acme' })
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a still-valid token is served while the budget is spent', async () => {
    const h = harness()
    const { refreshToken, accessToken } = await h.seed({ expiresInMs: 60_000 })
    for (let i = 0; i < 10; i++)
      await h.store.recordMint(mintKey(refreshToken), h.clock.value - i, WINDOW)
    for (let i = 0; i < 5; i++)
      expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
    await h.manager.close()
    expect(h.zoho.count('refresh_token')).toBe(0)
  })

  it('getToken: Zoho throttling mints we did not count fills the shared window and serves nothing new', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'throttle'
    const sentAt = h.clock.value
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_TOKEN_THROTTLED',
      retryAt: sentAt + WINDOW + 1,
    })
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toHaveLength(
      10,
    )
    // Another process sees the same window and sends nothing either.
    await expect(h.sibling().getToken('acme')).rejects.toMatchObject({
      code: 'ERR_TOKEN_THROTTLED',
    })
    expect(h.zoho.count('refresh_token')).toBe(1)
    expect((await h.store.get('acme'))?.lastError).toBe(
      `Zoho throttled the token requests of connection "acme" (Access Denied); retry after ${new Date(sentAt + WINDOW + 1).toISOString()}`,
    )
  })

  it('getToken: a request that provably minted nothing (refused, or answered with an error) gives its mint back', async () => {
    const h = harness({ retry: { attempts: 1 } })
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    for (const outcome of ['refused', 'invalid_client', 'unavailable'] as const) {
      h.zoho.refreshOutcomes.push(outcome)
      await expect(h.manager.getToken('acme')).rejects.toBeInstanceOf(Error)
    }
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toEqual([])
    expect(h.zoho.count('refresh_token')).toBe(3)
  })

  it('getToken: a request whose outcome is unknown (reset mid-answer, timed out, no cause) still counts', async () => {
    const never = new Promise<void>(() => undefined)
    const h = harness({ retry: { attempts: 1 }, requestTimeoutMs: 50 })
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    for (const outcome of ['reset', 'network', { hold: never }] as const) {
      h.zoho.refreshOutcomes.push(outcome)
      await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_TRANSPORT' })
    }
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toHaveLength(
      3,
    )
  })

  it('getToken: twelve refused attempts leave the budget as it was, and the next request goes out', async () => {
    const h = harness({ retry: { attempts: 3 } })
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'refused'
    for (let i = 0; i < 4; i++) {
      await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_TRANSPORT' })
    }
    expect(h.zoho.count('refresh_token')).toBe(12)
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toEqual([])
    h.zoho.defaultRefresh = 'ok'
    await expect(h.manager.getToken('acme')).resolves.toMatchObject({ connectionId: 'acme' })
  })

  it('importRefreshToken: a refused validation gives its mint back', async () => {
    const h = harness({ retry: { attempts: 1 } })
    const refreshToken = h.zoho.newToken()
    h.zoho.validRefreshTokens.add(refreshToken)
    h.zoho.refreshOutcomes.push('refused')
    await expect(h.manager.importRefreshToken({ id: 'imp', refreshToken })).rejects.toMatchObject({
      code: 'ERR_TRANSPORT',
    })
    expect(await h.store.mintsInWindow(mintKey(refreshToken), h.clock.value, WINDOW)).toEqual([])
  })

  it('budget: the quota key is a SHA-256 of the refresh token, never the token', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    await h.manager.getToken('acme')
    const key = mintKey(refreshToken)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(await h.store.mintsInWindow(key, h.clock.value, WINDOW)).toEqual([h.clock.value])
    expect(await h.store.mintsInWindow(refreshToken, h.clock.value, WINDOW)).toEqual([])
  })
})
