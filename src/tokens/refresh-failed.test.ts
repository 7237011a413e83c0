import { describe, expect, it } from 'vitest'
import type { TokenEvent } from './types.js'
import { harness } from './test-support.js'

type Failed = Extract<TokenEvent, { type: 'refresh_failed' }>

const failures = (events: TokenEvent[]): Failed[] =>
  events.filter((event): event is Failed => event.type === 'refresh_failed')

describe('TokenManager refresh_failed event', () => {
  it('getToken: network failures after every retry emit one refresh_failed with ERR_TRANSPORT', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'network'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_TRANSPORT' })
    expect(h.zoho.count('refresh_token')).toBe(3)
    expect(failures(h.events)).toEqual([
      {
        type: 'refresh_failed',
        connectionId: 'acme',
        code: 'ERR_TRANSPORT',
        message: 'refresh to https://accounts.zoho.com/oauth/v2/token failed before Zoho answered',
      },
    ])
  })

  it('getToken: Zoho throttling emits refresh_failed with ERR_TOKEN_THROTTLED', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'throttle'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({
      code: 'ERR_TOKEN_THROTTLED',
    })
    const [event] = failures(h.events)
    expect(event?.code).toBe('ERR_TOKEN_THROTTLED')
    expect(event?.message).toContain('Zoho throttled the token requests of connection "acme"')
  })

  it('getToken: a 503 in a background refresh emits refresh_failed while the valid token is served', async () => {
    const h = harness()
    const { accessToken } = await h.seed({ expiresInMs: 2 * 60_000 })
    h.zoho.defaultRefresh = 'unavailable'
    const failed = h.next('refresh_failed')
    expect((await h.manager.getToken('acme')).accessToken).toBe(accessToken)
    expect(await failed).toMatchObject({ connectionId: 'acme', code: 'ERR_UNEXPECTED_RESPONSE' })
    expect(((await failed) as Failed).message).toContain('HTTP 503')
  })

  it('getToken: a dead grant (invalid_code) is needs_reauth, not refresh_failed', async () => {
    const h = harness()
    await h.seed({ expiresInMs: -1 })
    h.zoho.defaultRefresh = 'invalid_code'
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_NEEDS_REAUTH' })
    expect(h.events.map((event) => event.type)).toContain('needs_reauth')
    expect(failures(h.events)).toEqual([])
  })

  it('getToken: a successful refresh emits no refresh_failed, and the message never holds a token', async () => {
    const h = harness()
    const { refreshToken } = await h.seed({ expiresInMs: -1 })
    await h.manager.getToken('acme')
    expect(failures(h.events)).toEqual([])
    h.zoho.defaultRefresh = 'invalid_client'
    h.clock.advance(3_600_001)
    await expect(h.manager.getToken('acme')).rejects.toMatchObject({ code: 'ERR_ZOHO_OAUTH' })
    const [event] = failures(h.events)
    expect(event?.code).toBe('ERR_ZOHO_OAUTH')
    expect(JSON.stringify(event)).not.toContain(refreshToken)
  })
})
