import { describe, it, expect, vi } from 'vitest'
import type { RevokeOutcome } from './test-support.js'
import { harness } from './test-support.js'

function revokeRequests(h: ReturnType<typeof harness>): number {
  return h.zoho.requests.filter((r) => r.url.pathname === '/oauth/v2/token/revoke').length
}

describe('TokenManager.revoke', () => {
  it('revoke: revokes the refresh token at Zoho and keeps the connection as revoked', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: 30 * 60_000 })
    await h.manager.getToken('acme')
    await h.manager.revoke('acme')
    const revoke = h.zoho.requests.find((r) => r.url.pathname === '/oauth/v2/token/revoke')
    expect(revoke?.url.searchParams.get('token')).toBe(refreshToken)
    expect(await h.store.get('acme')).toMatchObject({ status: 'revoked', accessToken: null })
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_CONNECTION_REVOKED',
      message: 'Connection "acme" was revoked',
    })
    expect(h.events).toContainEqual({ type: 'revoked', connectionId: 'acme' })
    await expect(h.manager.revoke('nope')).rejects.toMatchObject({
      code: 'ERR_CONNECTION_NOT_FOUND',
    })
  })

  it('revoke: a refresh token Zoho no longer knows (HTTP 400) is already revoked', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 30 * 60_000 })
    h.zoho.revokeOutcomes.push('unknown_token')
    await h.manager.revoke('acme')
    expect(await h.store.get('acme')).toMatchObject({ status: 'revoked', accessToken: null })
    expect(h.events).toContainEqual({ type: 'revoked', connectionId: 'acme' })
  })

  const failures: Array<[RevokeOutcome, RegExp]> = [
    ['unavailable', /server_error/],
    ['throttle', /Access Denied/],
    ['invalid_client', /invalid_client/],
    ['network', /failed before Zoho answered/],
  ]
  it('revoke: each failure says what to do about it', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 30 * 60_000 })
    const remedies: string[] = []
    for (const [outcome] of failures) {
      h.zoho.revokeOutcomes.push(outcome)
      remedies.push(
        ((await h.manager.revoke('acme').catch((e: unknown) => e)) as Error & { remedy: string })
          .remedy,
      )
    }
    expect(remedies).toEqual([
      'Zoho failed on its side: wait a moment, then revoke "acme" again.',
      'Zoho is throttling this client: wait a few minutes, then revoke "acme" again.',
      'Check ZOHO_CLIENT_ID, and that the request goes to the data centre where the client is registered (or that multi-DC is enabled for this DC in the API console). Then revoke "acme" again.',
      'Check the network to Zoho, then revoke "acme" again.',
    ])
  })

  for (const [outcome, said] of failures) {
    it(`revoke: ${String(outcome)} leaves the connection as it was, fails with ERR_REVOKE_FAILED, and a second revoke retries`, async () => {
      const h = harness()
      const { accessToken } = await h.seed({ expiresInMs: 30 * 60_000 })
      await h.manager.getToken('acme')
      const before = await h.store.get('acme')
      h.zoho.revokeOutcomes.push(outcome)
      const error = await h.manager.revoke('acme').catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'RevokeFailedError',
        code: 'ERR_REVOKE_FAILED',
        connectionId: 'acme',
      })
      expect((error as Error).message).toMatch(said)
      expect((error as Error).message).toContain(
        'the connection is unchanged and its refresh token may still be live at Zoho',
      )
      expect((error as { remedy: string }).remedy).toMatch(/[Tt]hen revoke "acme" again\.$/)
      expect(await h.store.get('acme')).toEqual(before)
      expect(h.events.filter((e) => e.type === 'revoked')).toEqual([])
      expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
      // Nothing was written, so nothing stops the next revoke from trying again.
      await h.manager.revoke('acme')
      expect(revokeRequests(h)).toBe(2)
      expect(await h.store.get('acme')).toMatchObject({ status: 'revoked' })
    })
  }

  it('revoke: a re-grant (replace) that lands while the revoke is in flight stays active', async () => {
    const h = harness()
    const old = await h.seed({ expiresInMs: 30 * 60_000 })
    const { hold, release } = gate()
    h.zoho.revokeOutcomes.push({ hold })
    const revoking = h.manager.revoke('acme').catch((e: unknown) => e)
    await vi.waitFor(() => expect(revokeRequests(h)).toBe(1))
    const regranted = await h
      .sibling()
      .createFromCode({ id: 'acme', code: h.zoho.newCode(), replace: true })
    release()
    expect(await revoking).toMatchObject({
      name: 'ConnectionRegrantedError',
      code: 'ERR_CONNECTION_REGRANTED',
      connectionId: 'acme',
      message:
        'Connection "acme" was granted again while its old refresh token was being revoked: the old one is revoked at Zoho, the new grant is active and was kept',
      remedy: 'Revoke "acme" again if the new grant should go too.',
    })
    expect(await h.store.get('acme')).toMatchObject({
      status: 'active',
      refreshToken: regranted.refreshToken,
      accessToken: regranted.accessToken,
    })
    expect(h.zoho.validRefreshTokens.has(old.refreshToken)).toBe(false)
    expect(h.events.filter((e) => e.type === 'revoked')).toEqual([])
    expect((await h.manager.getToken('acme')).accessToken).toBe(regranted.accessToken)
  })

  it('revoke: a delete and re-create with another refresh token while in flight stays active', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 30 * 60_000 })
    const { hold, release } = gate()
    h.zoho.revokeOutcomes.push({ hold })
    const revoking = h.manager.revoke('acme').catch((e: unknown) => e)
    await vi.waitFor(() => expect(revokeRequests(h)).toBe(1))
    expect(await h.sibling().delete('acme')).toBe(true)
    const fresh = await h.seed({ expiresInMs: 30 * 60_000, zuid: '700000002' })
    release()
    expect(await revoking).toMatchObject({ code: 'ERR_CONNECTION_REGRANTED' })
    expect(await h.store.get('acme')).toMatchObject({
      status: 'active',
      refreshToken: fresh.refreshToken,
    })
  })

  it('revoke: a refresh of the same grant that lands while the revoke is in flight is revoked too', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: 30 * 60_000 })
    const { hold, release } = gate()
    h.zoho.revokeOutcomes.push({ hold })
    const revoking = h.manager.revoke('acme')
    await vi.waitFor(() => expect(revokeRequests(h)).toBe(1))
    await h.sibling().invalidate('acme', seeded.accessToken)
    release()
    await revoking
    expect(await h.store.get('acme')).toMatchObject({ status: 'revoked', accessToken: null })
    expect(h.events).toContainEqual({ type: 'revoked', connectionId: 'acme' })
  })
})

function gate(): { hold: Promise<void>; release: () => void } {
  let release = (): void => undefined
  const hold = new Promise<void>((resolve) => {
    release = resolve
  })
  return { hold, release }
}
