import { describe, it, expect } from 'vitest'
import { createEmulator } from '../app.js'
import { BASE, REDIRECT, authorize, control, serverClient } from '../test-kit.js'

function implicitParams(
  clientId: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    client_id: clientId,
    response_type: 'token',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ',
    state: 'st',
    ...extra,
  }
}

async function refreshByRedirect(
  emulator: ReturnType<typeof createEmulator>,
  clientId: string,
  cookie: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const query = new URLSearchParams(implicitParams(clientId, extra))
  const response = await emulator.fetch(
    new Request(`${BASE}/us/accounts/oauth/v2/auth/refresh?${query}`, {
      headers: cookie ? { cookie } : {},
    }),
  )
  return response.headers.get('location') ?? ''
}

describe('GET /oauth/v2/auth (implicit, response_type=token)', () => {
  it('puts an access token, no refresh token, in a fragment that starts with #& as Zoho’s does', async () => {
    const emulator = createEmulator({ seed: 60 })
    const client = await serverClient(emulator, { type: 'client' })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { location, cookie } = await authorize(
      emulator,
      'us',
      implicitParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    expect(location.startsWith(`${REDIRECT}#&access_token=1000.`)).toBe(true)
    const fragment = new URLSearchParams(new URL(location).hash.slice(1))
    expect(fragment.get('granted_for_session')).toBe('true')
    expect(fragment.get('scope')).toBe('ZohoCRM.users.READ')
    expect(fragment.get('location')).toBe('us')
    expect(fragment.get('access_token')).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/)
    expect(fragment.get('expires_in')).toBe('3600')
    expect(fragment.get('api_domain')).toBe(`${BASE}/us/api`)
    expect(fragment.get('state')).toBe('st')
    expect(fragment.has('refresh_token')).toBe(false)
    expect(cookie).toMatch(/^zoho_emulator_session=/)
  })
})

describe('GET /oauth/v2/auth/refresh', () => {
  it('redirects with a new token while the session lives, and client_not_granted after it ends', async () => {
    const emulator = createEmulator({ seed: 61 })
    const client = await serverClient(emulator, { type: 'client' })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const first = await authorize(
      emulator,
      'us',
      implicitParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    const renewed = await refreshByRedirect(emulator, client.client_id, first.cookie)
    const token = new URLSearchParams(new URL(renewed).hash.slice(1)).get('access_token')
    expect(token).toMatch(/^1000\./)
    expect(renewed).not.toBe(first.location)
    expect(await control(emulator, 'sessions/expire', { email: 'ada@example.com' })).toEqual({
      expired: 1,
    })
    expect(await refreshByRedirect(emulator, client.client_id, first.cookie)).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
  })

  it('refuses without a session cookie', async () => {
    const emulator = createEmulator({ seed: 62 })
    const client = await serverClient(emulator, { type: 'client' })
    expect(await refreshByRedirect(emulator, client.client_id, '')).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
  })

  it('refuses a signed-in user who never granted this client (client_not_granted)', async () => {
    const emulator = createEmulator({ seed: 63 })
    const granted = await serverClient(emulator, { type: 'client' })
    const other = await serverClient(emulator, { type: 'client' })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { cookie } = await authorize(
      emulator,
      'us',
      implicitParams(granted.client_id, { emulator_login: 'ada@example.com' }),
    )
    expect(await refreshByRedirect(emulator, other.client_id, cookie)).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
  })

  it('answers prompt_required for a scope the user did not grant in /oauth/v2/auth', async () => {
    const emulator = createEmulator({ seed: 64 })
    const client = await serverClient(emulator, { type: 'client' })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { cookie } = await authorize(
      emulator,
      'us',
      implicitParams(client.client_id, {
        scope: 'ZohoCRM.users.READ,ZohoCRM.org.READ',
        emulator_login: 'ada@example.com',
      }),
    )
    const narrower = await refreshByRedirect(emulator, client.client_id, cookie, {
      scope: 'ZohoCRM.org.READ',
    })
    expect(new URLSearchParams(new URL(narrower).hash.slice(1)).get('scope')).toBe(
      'ZohoCRM.org.READ',
    )
    expect(
      await refreshByRedirect(emulator, client.client_id, cookie, {
        scope: 'ZohoCRM.users.READ,ZohoCRM.modules.ALL',
      }),
    ).toBe(`${REDIRECT}#error=prompt_required&state=st`)
  })
})
