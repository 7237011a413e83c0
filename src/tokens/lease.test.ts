import { afterEach, beforeEach, describe, it, expect, vi } from 'vitest'
import { MemoryStore } from '../stores/memory.js'
import type { Harness } from './test-support.js'
import { harness } from './test-support.js'

/** Moves our clock and the timers together, as the same amount of time passing. */
async function pass(h: Harness, ms: number, step = 100): Promise<void> {
  for (let passed = 0; passed < ms; passed += step) {
    const now = Math.min(step, ms - passed)
    h.clock.advance(now)
    await vi.advanceTimersByTimeAsync(now)
  }
}

/** A fetch that never answers, until the request is aborted; it counts what it was sent. */
function hanging(): { fetch: typeof fetch; sent: string[] } {
  const sent: string[] = []
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push(String(input))
    return new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason))
    })
  }
  return { fetch, sent }
}

describe('TokenManager refresh lease', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('getToken: a holder renews its lease while its request runs, so no other process takes over', async () => {
    const h = harness({ leaseTtlMs: 1000 })
    await h.seed({ expiresInMs: -1 })
    let release = (): void => undefined
    h.zoho.refreshOutcomes.push({ hold: new Promise<void>((resolve) => (release = resolve)) })
    const holder = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    // Five leases long: a holder that did not renew would have lost it four times over.
    await pass(h, 5000)
    expect(await h.store.acquireLease('acme', 'process-b', 1000, h.clock.value)).toBe(false)
    release()
    await holder
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a request is cut off before its lease could run out when the lease cannot be renewed', async () => {
    class RenewalFails extends MemoryStore {
      calls = 0
      override async acquireLease(
        id: string,
        owner: string,
        ttlMs: number,
        now: number,
      ): Promise<boolean> {
        this.calls += 1
        if (this.calls > 1) throw new Error('store unreachable')
        return super.acquireLease(id, owner, ttlMs, now)
      }
    }
    const h = harness({ store: new RenewalFails(), fetch: hanging().fetch, leaseTtlMs: 1000 })
    await h.seed({ expiresInMs: -1 })
    const acquiredAt = h.clock.value
    let settledAt: number | undefined
    const pending = h.manager.getToken('acme').catch((e: unknown) => {
      settledAt = h.clock.value
      return e
    })
    await pass(h, 700, 10)
    expect(settledAt).toBeUndefined()
    await pass(h, 300, 10)
    expect(settledAt).toBeDefined()
    // Cut off at 80% of the lease, so it ended while the lease was still ours.
    expect(settledAt).toBeLessThan(acquiredAt + 1000)
    await pending
  })

  it('getToken: a holder whose lease is taken while its request runs stops waiting for that request', async () => {
    const { fetch, sent } = hanging()
    const h = harness({ fetch, leaseTtlMs: 1000 })
    await h.seed({ expiresInMs: -1 })
    const pending = h.manager.getToken('acme').catch((e: unknown) => e)
    await vi.waitFor(() => expect(sent).toHaveLength(1))
    // Stalled (our clock jumps past the lease without renewals) and another process takes over.
    h.clock.advance(1001)
    expect(await h.store.acquireLease('acme', 'process-b', 30_000, h.clock.value)).toBe(true)
    const row = await h.store.get('acme')
    await h.store.update(
      'acme',
      { accessToken: h.zoho.newToken(), accessTokenExpiresAt: h.clock.value + 3_600_000 },
      row?.version ?? 0,
      h.clock.value,
    )
    // The next renewal finds the lease taken; the holder then reads process B's token.
    await vi.advanceTimersByTimeAsync(1000)
    expect(await pending).toMatchObject({ accessToken: (await h.store.get('acme'))?.accessToken })
    expect(sent).toHaveLength(1)
  })

  it('getToken: a renewal that lands late (a stalled store) does not cut off a request whose lease nobody took', async () => {
    let calls = 0
    let clock = (): void => undefined
    class StallingStore extends MemoryStore {
      override async acquireLease(
        id: string,
        owner: string,
        ttlMs: number,
        now: number,
      ): Promise<boolean> {
        calls += 1
        // The first renewal blocks for 1.5 leases (a disk stall): it returns after its lease ended.
        if (calls === 2) clock()
        return super.acquireLease(id, owner, ttlMs, now)
      }
    }
    const h = harness({ store: new StallingStore(), leaseTtlMs: 1000 })
    clock = () => h.clock.advance(1500)
    await h.seed({ expiresInMs: -1 })
    let release = (): void => undefined
    h.zoho.refreshOutcomes.push({ hold: new Promise<void>((resolve) => (release = resolve)) })
    const holder = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    await pass(h, 2000)
    release()
    await holder
    // Nobody took the lease while the store stalled: the request in flight was still the one.
    expect(h.zoho.count('refresh_token')).toBe(1)
  })
})
