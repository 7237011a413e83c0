import { describe, it, expect } from 'vitest'
import { createEmulator } from '../app.js'
import { BASE, selfClientTokens } from '../test-kit.js'

describe('GET /oauth/user/info', () => {
  it('returns ZUID, Email and names with AaaServer.profile.READ', async () => {
    const emulator = createEmulator({ seed: 90 })
    const { tokens } = await selfClientTokens(emulator, {
      email: 'grace.hopper@example.com',
      scope: 'AaaServer.profile.READ',
    })
    const response = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/user/info`, {
        headers: { authorization: `Zoho-oauthtoken ${String(tokens.access_token)}` },
      }),
    )
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      Email: 'grace.hopper@example.com',
      Display_Name: 'Grace Hopper',
      First_Name: 'Grace',
      Last_Name: 'Hopper',
    })
    expect(typeof body.ZUID).toBe('number')
    expect(emulator.stats().user_info).toBe(1)
  })

  it('refuses a token without the profile scope (401 invalid_oauthscope)', async () => {
    const emulator = createEmulator({ seed: 91 })
    const { tokens } = await selfClientTokens(emulator)
    const response = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/user/info`, {
        headers: { authorization: `Zoho-oauthtoken ${String(tokens.access_token)}` },
      }),
    )
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: 'invalid_oauthscope' })
  })
})

describe('GET /oauth/serverinfo', () => {
  it('lists every DC’s accounts server under this base', async () => {
    const emulator = createEmulator()
    const response = await emulator.fetch(new Request(`${BASE}/in/accounts/oauth/serverinfo`))
    const body = (await response.json()) as { locations: Record<string, string> }
    expect(Object.keys(body.locations)).toEqual([
      'us',
      'eu',
      'in',
      'au',
      'jp',
      'ca',
      'sa',
      'uk',
      'cn',
    ])
    expect(body.locations.ca).toBe(`${BASE}/ca/accounts`)
  })
})
