import { describe, it, expect } from 'vitest'
import { createHash } from 'node:crypto'
import { MemoryStore } from '../stores/memory.js'
import { MintBudget, mintKey } from './budget.js'

const TOKEN = `1000.${'1'.repeat(32)}.${'2'.repeat(32)}`
const T0 = 1_000_000_000

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
