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
): Promise<string> {
  const response = await emulator.fetch(
    new Request(
      `${BASE}/us/accounts/oauth/v2/auth/refresh?${new URLSearchParams(implicitParams(clientId))}`,
      { headers: cookie ? { cookie } : {} },
    ),
  )
  return response.headers.get('location') ?? ''
}

describe('GET /oauth/v2/auth (implicit, response_type=token)', () => {
  it('puts an access token, no refresh token, in the fragment', async () => {
    const emulator = createEmulator({ seed: 60 })
    const client = await serverClient(emulator, { type: 'client' })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { location, cookie } = await authorize(
      emulator,
      'us',
      implicitParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    const fragment = new URLSearchParams(new URL(location).hash.slice(1))
    expect(fragment.get('access_token')).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/)
    expect(fragment.get('expires_in')).toBe('3600')
    expect(fragment.get('api_domain')).toBe(`${BASE}/us/api`)
    expect(fragment.get('state')).toBe('st')
    expect(fragment.has('refresh_token')).toBe(false)
    expect(cookie).toMatch(/^zoho_emulator_session=/)
  })
})

describe('GET /oauth/v2/auth/refresh', () => {
  it('redirects with a new token while the session lives, and login_required after it ends', async () => {
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
      `${REDIRECT}#error=login_required&state=st`,
    )
  })

  it('refuses without a session cookie', async () => {
    const emulator = createEmulator({ seed: 62 })
    const client = await serverClient(emulator, { type: 'client' })
    expect(await refreshByRedirect(emulator, client.client_id, '')).toBe(
      `${REDIRECT}#error=login_required&state=st`,
    )
  })

  it('refuses a signed-in user who never granted this client (access_denied)', async () => {
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
      `${REDIRECT}#error=access_denied&state=st`,
    )
  })
})
