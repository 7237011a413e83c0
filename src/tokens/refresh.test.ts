import { describe, it, expect, vi } from 'vitest'
import { mintKey } from './budget.js'
import type { TokenEvent } from './types.js'
import { harness, TEST_CLIENT, UnreadableRowStore } from './test-support.js'

function gate(): { hold: Promise<void>; release: () => void } {
  let release = (): void => undefined
  const hold = new Promise<void>((resolve) => {
    release = resolve
  })
  return { hold, release }
}

const WINDOW = 600_000

describe('TokenManager refresh across processes', () => {
  it('getToken: a process without the lease waits for the holder and uses its token', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const holder = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    const waiter = h.sibling().getToken('acme')
    release()
    const [a, b] = await Promise.all([holder, waiter])
    expect(b.accessToken).toBe(a.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a stale lease holder loses the fenced write and returns the newer token', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const stale = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    h.clock.advance(10_001) // the stalled holder's 10 s lease has run out
    const newer = await h.sibling().getToken('acme')
    release()
    const fromStale = await stale
    expect(fromStale.accessToken).toBe(newer.accessToken)
    expect((await h.store.get('acme'))?.accessToken).toBe(newer.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(2)
  })

  it('getToken: a refresh in flight across delete and re-create does not write into the new row', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const stale = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    // Meanwhile another process deletes "acme" and connects it again, for another Zoho user.
    expect(await h.sibling().delete('acme')).toBe(true)
    const fresh = await h.seed({ expiresInMs: 3_600_000, zuid: '700000002' })
    release()
    const fromStale = await stale
    expect(await h.store.get('acme')).toMatchObject({
      version: 2,
      zuid: '700000002',
      refreshToken: fresh.refreshToken,
      accessToken: fresh.accessToken,
    })
    expect(fromStale.accessToken).toBe(fresh.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a refresh in flight across a re-grant whose token already expired refreshes the new grant', async () => {
    const h = harness()
    const old = await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const stale = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    expect(await h.sibling().delete('acme')).toBe(true)
    const fresh = await h.seed({ expiresInMs: -1, zuid: '700000002' })
    release()
    const token = await stale
    const refreshes = h.zoho.requests.filter((r) => r.form.get('grant_type') === 'refresh_token')
    expect(refreshes.map((r) => r.form.get('refresh_token'))).toEqual([
      old.refreshToken,
      fresh.refreshToken,
    ])
    const stored = await h.store.get('acme')
    expect(stored).toMatchObject({ zuid: '700000002', refreshToken: fresh.refreshToken })
    // What is stored and served came from the new grant's refresh, not the old one's.
    expect(stored?.accessToken).toBe(token.accessToken)
    expect(token.accessToken).not.toBe(fresh.accessToken)
  })

  it('getToken: an expired lease of a killed holder is taken over, and the waiter is told what it waits for', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const startedAt = h.clock.value
    expect(await h.store.acquireLease('acme', 'killed', 10_000, h.clock.value)).toBe(true)
    const pending = h.manager.getToken('acme')
    await vi.waitFor(() => expect(h.events.filter((e) => e.type === 'waiting')).toHaveLength(1))
    await new Promise((resolve) => setTimeout(resolve, 80)) // a few polls: still one event
    expect(h.zoho.count('refresh_token')).toBe(0)
    h.clock.advance(10_001) // the default lease is 10 s
    const token = await pending
    expect(h.zoho.count('refresh_token')).toBe(1)
    expect((await h.store.get('acme'))?.accessToken).toBe(token.accessToken)
    expect(h.events.filter((e) => e.type === 'waiting')).toEqual([
      {
        type: 'waiting',
        connectionId: 'acme',
        reason: 'another process is refreshing its token',
        until: startedAt + 10_000,
      },
    ])
  })

  it('getToken: a background refresh that finds another process refreshing waits for nobody and says nothing', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 2 * 60_000 })
    expect(await h.store.acquireLease('acme', 'process-b', 10_000, h.clock.value)).toBe(true)
    await h.manager.getToken('acme')
    await h.manager.close()
    expect(h.events).toEqual([])
  })

  it('getToken: a refused background refresh never keeps serving an older cached token past its expiry', async () => {
    const h = harness()
    const { refreshToken, accessToken: first } = await h.seed({ expiresInMs: 60 * 60_000 })
    expect((await h.manager.getToken('acme')).accessToken).toBe(first)
    // Another process replaces the token a minute later: both now expire within 5 minutes.
    h.clock.advance(60_000)
    const second = await h.sibling().invalidate('acme', first)
    h.clock.advance(55 * 60_000)
    for (let i = 0; i < 8; i++)
      await h.store.recordMint(mintKey(refreshToken), h.clock.value, WINDOW)
    h.clock.advance(60_000)
    const warning = h.next('warning')
    expect((await h.manager.getToken('acme')).accessToken).toBe(first)
    await warning
    h.clock.advance(3.5 * 60_000) // the first token has expired; the second has not
    const served = await h.manager.getToken('acme')
    expect(served.accessToken).toBe(second.accessToken)
    expect(served.expiresAt).toBeGreaterThan(h.clock.value)
  })
})

describe('TokenManager failures', () => {
  it('getToken: invalid_code for a grant replaced while its request was in flight serves the new grant, with no needs_reauth', async () => {
    const h = harness()
    const old = await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const pending = h.manager.getToken('acme').catch((e: unknown) => e)
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    // Re-granted meanwhile; Zoho then answers the old refresh token with invalid_code.
    const regranted = await h
      .sibling()
      .createFromCode({ id: 'acme', code: h.zoho.newCode(), replace: true })
    h.zoho.validRefreshTokens.delete(old.refreshToken)
    release()
    expect(await pending).toMatchObject({ accessToken: regranted.accessToken })
    expect(h.events.filter((e) => e.type === 'needs_reauth')).toEqual([])
    expect(await h.store.get('acme')).toMatchObject({
      status: 'active',
      refreshToken: regranted.refreshToken,
    })
  })

  it('getToken: invalid_code for a grant re-created with an expired token refreshes the new grant', async () => {
    const h = harness()
    const old = await h.seed({ expiresInMs: -1 })
    const { hold, release } = gate()
    h.zoho.refreshOutcomes.push({ hold })
    const pending = h.manager.getToken('acme').catch((e: unknown) => e)
    await vi.waitFor(() => expect(h.zoho.count('refresh_token')).toBe(1))
    expect(await h.sibling().delete('acme')).toBe(true)
    const fresh = await h.seed({ expiresInMs: -1, zuid: '700000002' })
    h.zoho.validRefreshTokens.delete(old.refreshToken)
    release()
    const token = (await pending) as { accessToken: string }
    expect(h.events.filter((e) => e.type === 'needs_reauth')).toEqual([])
    expect(await h.store.get('acme')).toMatchObject({
      status: 'active',
      refreshToken: fresh.refreshToken,
      accessToken: token.accessToken,
    })
    expect(h.zoho.count('refresh_token')).toBe(2)
  })

  it('getToken: invalid_code marks needs_reauth even when another stored row cannot be decrypted', async () => {
    const h = harness({ store: new UnreadableRowStore() })
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'invalid_code'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_NEEDS_REAUTH',
      evicted: false,
    })
    expect(await h.store.get('acme')).toMatchObject({ status: 'needs_reauth' })
  })

  it('getToken: invalid_code marks the connection needs_reauth, keeps it, emits and explains', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'invalid_code'
    const error = await h.manager.getToken('acme').catch((e: unknown) => e)
    const reason =
      'Zoho rejected its refresh token (invalid_code): it was revoked, or deleted by Zoho'
    expect(error).toMatchObject({
      name: 'NeedsReauthError',
      code: 'ERR_NEEDS_REAUTH',
      evicted: false,
      message: `Connection "acme" needs to be authorised again: ${reason}`,
      remedy:
        'Grant access again for "acme" (it replaces the refresh token; the connection and its settings are kept).',
    })
    const stored = await h.store.get('acme')
    expect(stored).toMatchObject({ status: 'needs_reauth', lastError: reason })
    expect(h.events).toContainEqual({
      type: 'needs_reauth',
      connectionId: 'acme',
      reason,
      evicted: false,
    })
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_NEEDS_REAUTH' })
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a 503 during a background refresh is retried a bounded number of times while the valid token is served', async () => {
    const h = harness()
    const { accessToken } = await h.seed({ expiresInMs: 2 * 60_000 })
    h.zoho.defaultRefresh = 'unavailable'
    const warning = h.next('warning')
    expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
    const event = (await warning) as Extract<TokenEvent, { type: 'warning' }>
    expect(event.message).toContain('refresh got an unexpected response from Zoho: HTTP 503')
    expect(h.zoho.count('refresh_token')).toBe(3)
    expect(h.sleeps).toEqual([188, 375]) // 250 and 500 ms steps, equal jitter at random() = 0.5
    for (let i = 0; i < 20; i++)
      expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
    expect(h.zoho.count('refresh_token')).toBe(3)
    expect((await h.store.get('acme'))?.lastError).toContain('HTTP 503')
  })

  it('getToken: with no valid token, network failures end in the last TransportError after 3 attempts', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'network'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_TRANSPORT',
      message: 'refresh to https://accounts.zoho.com/oauth/v2/token failed before Zoho answered',
    })
    expect(h.zoho.count('refresh_token')).toBe(3)
  })

  it('getToken: a client error (invalid_client) is not retried and does not mark the grant dead', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'invalid_client'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_ZOHO_OAUTH',
      error: 'invalid_client',
    })
    expect(h.zoho.count('refresh_token')).toBe(1)
    const stored = await h.store.get('acme')
    expect(stored?.status).toBe('active')
    expect(stored?.lastError).toMatch(/^refresh failed: invalid_client/)
  })

  it("getToken: refreshes at the connection's DC with that DC's secret", async () => {
    const euSecret = 'fedcba9876543210fedcba9876543210fedcba9876'
    const h = harness({ client: { ...TEST_CLIENT, dcSecrets: { eu: euSecret } } })
    await h.seed({ expiresInMs: -1 })
    const row = await h.store.get('acme')
    await h.store.update(
      'acme',
      {
        dc: 'eu',
        accountsServer: 'https://accounts.zoho.eu',
        apiDomain: 'https://www.zohoapis.eu',
      },
      row?.version ?? 0,
      h.clock.value - 3_600_000,
    )
    await h.manager.getToken('acme')
    expect(h.zoho.requests[0]?.url.href).toBe('https://accounts.zoho.eu/oauth/v2/token')
    expect(h.zoho.requests[0]?.form.get('client_secret')).toBe(euSecret)
  })

  it('getToken: a holder whose lease was taken over during its retry pause sends no more requests', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.refreshOutcomes.push('unavailable')
    const manager = h.sibling({
      ownerId: 'process-a',
      leaseTtlMs: 1000,
      sleep: async () => {
        // Stalled past its lease: process B takes the lease and writes a token a moment later.
        h.clock.advance(2000)
        expect(await h.store.acquireLease('acme', 'process-b', 30_000, h.clock.value)).toBe(true)
        setTimeout(() => {
          void (async () => {
            const row = await h.store.get('acme')
            await h.store.update(
              'acme',
              { accessToken: h.zoho.newToken(), accessTokenExpiresAt: h.clock.value + 3_600_000 },
              row?.version ?? 0,
              h.clock.value,
            )
            await h.store.releaseLease('acme', 'process-b')
          })()
        }, 20)
      },
    })
    const token = await manager.getToken('acme')
    expect(token.accessToken).toBe((await h.store.get('acme'))?.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  for (const apiDomain of ['https://evil.example', 'https://www.zohoapis.eu', 'not a url']) {
    it(`getToken: a stored API domain that is not its DC's (${apiDomain}) hands out no token`, async () => {
      const h = harness()
      await h.seed({ expiresInMs: 30 * 60_000 })
      await h.seed({ id: 'expired', expiresInMs: -1 })
      for (const id of ['acme', 'expired']) {
        const row = await h.store.get(id)
        await h.store.update(id, { apiDomain }, row?.version ?? 0, 0)
        await expect(h.manager.getToken(id)).rejects.toMatchObject({
          name: 'ConnectionApiDomainError',
          code: 'ERR_UNTRUSTED_API_DOMAIN',
          connectionId: id,
          message: `Connection "${id}" names API domain "${apiDomain}", not https://www.zohoapis.com of its data centre (us)`,
          remedy: `The stored connection was altered, or created with another data-centre table (the emulator's?): run with that table, or grant access again for "${id}".`,
        })
      }
      expect(h.zoho.requests).toEqual([])
    })
  }

  it("getToken: a refresh answer naming another DC's API domain keeps the trusted one, and warns", async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.apiDomain = 'https://www.zohoapis.eu'
    const token = await h.manager.getToken('acme')
    expect(token.apiDomain).toBe('https://www.zohoapis.com')
    expect((await h.store.get('acme'))?.apiDomain).toBe('https://www.zohoapis.com')
    expect(h.events.filter((e) => e.type === 'warning')).toHaveLength(1)
  })

  it("getToken: a stored accounts server that is not its DC's gets no refresh token or secret", async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    const row = await h.store.get('acme')
    await h.store.update('acme', { accountsServer: 'https://evil.example' }, row?.version ?? 0, 0)
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_UNTRUSTED_ACCOUNTS_SERVER',
      message:
        'Connection "acme" names accounts server "https://evil.example", not https://accounts.zoho.com of its data centre (us)',
    })
    await expect(h.manager.revoke('acme')).rejects.toMatchObject({
      code: 'ERR_UNTRUSTED_ACCOUNTS_SERVER',
    })
    expect(h.zoho.requests).toEqual([])
  })

  it('getToken: a 503 then a success returns the new token', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.refreshOutcomes.push('unavailable', 'network')
    const token = await h.manager.getToken('acme')
    expect(token.accessToken).toBe((await h.store.get('acme'))?.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(3)
    expect((await h.store.get('acme'))?.lastError).toBeNull()
  })

  it('getToken: retries stop at the deadline', async () => {
    const h = harness({ retry: { attempts: 10, baseDelayMs: 250, deadlineMs: 300 } })
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'unavailable'
    const manager = h.sibling({
      sleep: async (ms) => {
        h.clock.advance(ms)
      },
    })
    await expect(manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_UNEXPECTED_RESPONSE',
    })
    // 188 ms after the first attempt is inside 300 ms; 375 more is not.
    expect(h.zoho.count('refresh_token')).toBe(2)
  })
})
