import { describe, expect, it } from 'vitest'
import { UNSTATED_LIFETIME_SECONDS } from '../protocol/token-response.js'
import { harness } from './test-support.js'

const HOUR = 3_600_000

describe('TokenManager and a stored expiry nobody could have written', () => {
  it('getToken: an expiry edited years into the future is not believed; the token is refreshed', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: 10 * 365 * 24 * HOUR })
    const token = await h.manager.getToken('acme')
    expect(token.accessToken).not.toBe(seeded.accessToken)
    expect(token.expiresAt).toBe(h.clock.value + HOUR)
    expect(h.zoho.count('refresh_token')).toBe(1)
    expect((await h.store.get('acme'))?.accessTokenExpiresAt).toBe(h.clock.value + HOUR)
  })

  it('getToken: an expiry a little past an hour from now (another edit) is refreshed too', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: HOUR + 5 * 60_000, lifetimeMs: 2 * HOUR })
    expect((await h.manager.getToken('acme')).accessToken).not.toBe(seeded.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(1)
  })

  it('getToken: a token minted just now (expiry an hour out) is served as stored', async () => {
    const h = harness()
    const seeded = await h.seed({ expiresInMs: HOUR })
    expect((await h.manager.getToken('acme')).accessToken).toBe(seeded.accessToken)
    expect(h.zoho.count('refresh_token')).toBe(0)
  })
})

describe('TokenManager and a token answer without a usable lifetime', () => {
  it('importRefreshToken: an answer with no expires_in keeps the connection, for the short unstated lifetime, and warns', async () => {
    const h = harness()
    h.zoho.accessTokenTTLSeconds = undefined as unknown as number
    const refreshToken = h.zoho.newToken()
    h.zoho.validRefreshTokens.add(refreshToken)
    const connection = await h.manager.importRefreshToken({ id: 'acme', refreshToken })
    expect(connection.refreshToken).toBe(refreshToken)
    expect(connection.accessTokenExpiresAt).toBe(h.clock.value + UNSTATED_LIFETIME_SECONDS * 1000)
    expect(h.events).toContainEqual({
      type: 'warning',
      connectionId: 'acme',
      message: `Zoho's token answer for "acme" was unexpected: the answer named no expires_in; the access token is used for ${UNSTATED_LIFETIME_SECONDS} s, not Zoho's usual hour.`,
    })
  })

  it('getToken: a refresh answered with a non-numeric expires_in serves the token, short-lived, and refreshes once it lapses', async () => {
    const h = harness()
    await h.seed({ expiresInMs: 0 })
    h.zoho.accessTokenTTLSeconds = 'soon' as unknown as number
    const first = await h.manager.getToken('acme')
    expect(first.expiresAt).toBe(h.clock.value + UNSTATED_LIFETIME_SECONDS * 1000)
    expect(h.events.some((e) => e.type === 'warning' && e.message.includes('"soon"'))).toBe(true)
    expect((await h.store.get('acme'))?.status).toBe('active')
    h.zoho.accessTokenTTLSeconds = 3600
    h.clock.advance(UNSTATED_LIFETIME_SECONDS * 1000)
    const second = await h.manager.getToken('acme')
    expect(second.accessToken).not.toBe(first.accessToken)
    expect(second.expiresAt).toBe(h.clock.value + HOUR)
  })
})
