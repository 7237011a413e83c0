import { describe, it, expect } from 'vitest'
import { MemoryStore } from '../stores/memory.js'
import type { Connection } from '../stores/store.js'
import { countingStore, harness } from './test-support.js'

describe('TokenManager.getToken', () => {
  it('getToken: 1,000 concurrent callers at expiry cause exactly one token request', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: -1000 })
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => h.manager.getToken('acme')))
    expect(h.zoho.count('refresh_token')).toBe(1)
    const distinct = new Set(tokens.map((t) => t.accessToken))
    expect(distinct.size).toBe(1)
    expect(distinct.has(seeded.accessToken)).toBe(false)
    expect(tokens[0]).toEqual({
      connectionId: 'acme',
      accessToken: (await h.store.get('acme'))?.accessToken,
      apiDomain: 'https://www.zohoapis.com',
      expiresAt: h.clock.value + 3_600_000,
    })
  })

  it('getToken: 1,000 concurrent callers at expiry read the store once before the refresh', async () => {
    const counted = countingStore(new MemoryStore())
    const h = harness({ store: counted.store })
    await h.seed({ expiresInMs: -1000 })
    counted.calls.length = 0
    await Promise.all(Array.from({ length: 1000 }, () => h.manager.getToken('acme')))
    expect(h.zoho.count('refresh_token')).toBe(1)
    // One read to find the token expired, then the flight's own reads around its lease.
    expect(counted.calls.filter((call) => call === 'get').length).toBeLessThanOrEqual(3)
  })

  it('getToken: a cached token beyond the margin is served with no store or network I/O', async () => {
    const counted = countingStore(new MemoryStore())
    const h = harness({ store: counted.store })
    await h.seed({ expiresInMs: 30 * 60_000 })
    const first = await h.manager.getToken('acme')
    counted.calls.length = 0
    const requestsBefore = h.zoho.requests.length
    for (let i = 0; i < 10_000; i++) {
      expect(await h.manager.getToken('acme')).toBe(first)
    }
    expect(counted.calls).toEqual([])
    // The same settled promise every time: nothing is allocated on the hot path.
    expect(h.manager.getToken('acme')).toBe(h.manager.getToken('acme'))
    expect(h.manager.getAccessToken('acme')).toBe(h.manager.getAccessToken('acme'))
    expect(counted.calls).toEqual([])
    expect(h.zoho.requests.length).toBe(requestsBefore)
    expect(await h.manager.getAccessToken('acme')).toBe(first.accessToken)
  })

  it('getToken: inside the margin, while another process holds the lease, callers cause no store I/O each', async () => {
    const counted = countingStore(new MemoryStore())
    const h = harness({ store: counted.store })
    const seeded = await h.seed({ expiresInMs: 2 * 60_000 })
    expect(await h.store.acquireLease('acme', 'process-b', 30_000, h.clock.value)).toBe(true)
    counted.calls.length = 0
    for (let i = 0; i < 100; i++) {
      expect((await h.manager.getToken('acme')).accessToken).toBe(seeded.accessToken)
      await new Promise((resolve) => setImmediate(resolve)) // the background flight lands
    }
    expect(counted.calls.filter((call) => call === 'acquireLease').length).toBe(1)
    expect(h.zoho.count('refresh_token')).toBe(0)
  })

  it('getToken: inside the margin returns the current token at once and refreshes once in the background', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: 2 * 60_000 })
    const refreshed = h.next('refreshed')
    const served = await Promise.all([h.manager.getToken('acme'), h.manager.getToken('acme')])
    expect(served.map((t) => t.accessToken)).toEqual([seeded.accessToken, seeded.accessToken])
    // Later callers while the refresh flies are still served the old token, no second flight.
    expect((await h.manager.getToken('acme')).accessToken).toBe(seeded.accessToken)
    const event = await refreshed
    expect(event).toEqual({
      type: 'refreshed',
      connectionId: 'acme',
      expiresAt: h.clock.value + 3_600_000,
    })
    expect(h.zoho.count('refresh_token')).toBe(1)
    const now = await h.manager.getToken('acme')
    expect(now.accessToken).not.toBe(seeded.accessToken)
    expect(now.accessToken).toBe((await h.store.get('acme'))?.accessToken)
  })

  it('getToken: the margin is capped at a quarter of a short lifetime (8 s token → 2 s margin)', async () => {
    const h = harness()
    h.zoho.accessTokenTTLSeconds = 8
    const refreshToken = h.zoho.newToken()
    h.zoho.validRefreshTokens.add(refreshToken)
    await h.manager.importRefreshToken({ id: 'short', refreshToken })
    expect(h.zoho.count('refresh_token')).toBe(1)
    for (let t = 0; t < 5_900; t += 100) {
      h.clock.value += t === 0 ? 0 : 100
      await h.manager.getToken('short')
    }
    expect(h.zoho.count('refresh_token')).toBe(1)
    h.clock.advance(200) // 6.1 s: inside the last quarter
    const refreshed = h.next('refreshed')
    await h.manager.getToken('short')
    await refreshed
    expect(h.zoho.count('refresh_token')).toBe(2)
  })

  it('getToken: a background refresh that finds the connection needs re-auth stops serving the cache', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 30 * 60_000 })
    await h.manager.getToken('acme')
    // Another process found the refresh token dead.
    const row = await h.store.get('acme')
    await h.store.update(
      'acme',
      { status: 'needs_reauth', lastError: 'x' },
      row?.version ?? 0,
      h.clock.value,
    )
    h.clock.advance(26 * 60_000) // inside the margin: served, and revalidated in the background
    await h.manager.getToken('acme')
    await h.manager.close()
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_NEEDS_REAUTH' })
    expect(h.zoho.count('refresh_token')).toBe(0)
  })

  it('getToken: an unknown id fails with ERR_CONNECTION_NOT_FOUND', async () => {
    const h = harness()
    await expect(h.manager.getToken('nope')).rejects.toMatchObject({
      code: 'ERR_CONNECTION_NOT_FOUND',
      message: 'No connection "nope"',
    })
  })

  it('getToken: a token another process refreshed is picked up from the store without a request', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const other = h.sibling()
    const fromOther = await other.getToken('acme')
    const fromUs = await h.manager.getToken('acme')
    expect(fromUs.accessToken).toBe(fromOther.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })
})

describe('TokenManager.invalidate', () => {
  it('invalidate: a slower read of the refused token never replaces the new one in the cache', async () => {
    let hold: Promise<void> | null = null
    let release = (): void => undefined
    class SlowReadStore extends MemoryStore {
      override async get(id: string): Promise<Connection | null> {
        const read = super.get(id) // the row as it is now
        const gate = hold
        hold = null
        const row = await read
        if (gate !== null) await gate
        return row
      }
    }
    const store = new SlowReadStore()
    const h = harness({ store })
    const seeded = await h.seed({ expiresInMs: 30 * 60_000 })
    hold = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = h.manager.getToken('acme') // reads the row before the refresh writes
    const fresh = await h.manager.invalidate('acme', seeded.accessToken)
    release()
    await slow
    expect((await h.manager.getToken('acme')).accessToken).toBe(fresh.accessToken)
  })

  it('invalidate: 100 concurrent 401s with the same token cause one refresh', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 30 * 60_000 })
    const current = await h.manager.getToken('acme')
    const fresh = await Promise.all(
      Array.from({ length: 100 }, () => h.manager.invalidate('acme', current.accessToken)),
    )
    expect(h.zoho.count('refresh_token')).toBe(1)
    expect(new Set(fresh.map((t) => t.accessToken)).size).toBe(1)
    expect(fresh[0]?.accessToken).not.toBe(current.accessToken)
    // A late 401 for the old token gets the current one, with no further request.
    const late = await h.manager.invalidate('acme', current.accessToken)
    expect(late.accessToken).toBe(fresh[0]?.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('invalidate: a failed token that another process already replaced is not refreshed again', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: 30 * 60_000 })
    const other = h.sibling()
    await other.getToken('acme')
    const replaced = await other.invalidate('acme', seeded.accessToken)
    const ours = await h.manager.invalidate('acme', seeded.accessToken)
    expect(ours.accessToken).toBe(replaced.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })
})

describe('TokenManager events', () => {
  it('on: emits created, refreshed, revoked and deleted, and unsubscribes', async () => {
    const h = harness()
    const code = h.zoho.newCode()
    await h.manager.createFromCode({ id: 'acme', code })
    h.clock.advance(3_600_000)
    await h.manager.getToken('acme')
    await h.manager.revoke('acme')
    const late: string[] = []
    const off = h.manager.on((e) => late.push(e.type))
    off()
    expect(await h.manager.delete('acme')).toBe(true)
    expect(await h.manager.delete('acme')).toBe(false)
    expect(h.events.map((e) => e.type)).toEqual(['created', 'refreshed', 'revoked', 'deleted'])
    expect(late).toEqual([])
  })

  it('on: a listener that throws does not break a refresh', async () => {
    const h = harness()
    h.manager.on(() => {
      throw new Error('listener bug')
    })
    await h.seed({ expiresInMs: -1 })
    await expect(h.manager.getToken('acme')).resolves.toMatchObject({ connectionId: 'acme' })
  })
})

describe('TokenManager.close', () => {
  it('close: waits for a background refresh and starts no new one', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 60_000 })
    await h.manager.getToken('acme')
    await h.manager.close()
    expect(h.zoho.count('refresh_token')).toBe(1)
    h.clock.advance(3_000_000) // inside the margin again
    await h.manager.getToken('acme')
    expect(h.zoho.count('refresh_token')).toBe(1)
  })
})
