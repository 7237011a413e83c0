import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, REDIRECT, authorize, control, serverClient } from '../test-kit.js'

function implicit(clientId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: clientId,
    response_type: 'token',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ',
    state: 'st',
    ...extra,
  }
}

function fragmentOf(location: string): URLSearchParams {
  return new URLSearchParams(new URL(location).hash.slice(1))
}

async function refresh(
  emulator: Emulator,
  path: string,
  clientId: string,
  cookie: string,
): Promise<string> {
  const query = new URLSearchParams(implicit(clientId))
  const response = await emulator.fetch(
    new Request(`${BASE}/us/accounts${path}?${query}`, { headers: cookie ? { cookie } : {} }),
  )
  return response.headers.get('location') ?? ''
}

async function setUp(seed: number): Promise<{ emulator: Emulator; clientId: string }> {
  const emulator = createEmulator({ seed })
  const client = await serverClient(emulator, { type: 'client' })
  await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
  await control(emulator, 'users', { email: 'bob@example.com', dc: 'us' })
  return { emulator, clientId: client.client_id }
}

describe('GET /oauth/v2/auth (implicit): the session choice and the fragment', () => {
  it('sends expires_in_sec beside expires_in, both seconds by default and millis under expires_in_millis', async () => {
    const { emulator, clientId } = await setUp(70)
    const first = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'ada@example.com' }),
    )
    expect(fragmentOf(first.location).get('expires_in')).toBe('3600')
    expect(fragmentOf(first.location).get('expires_in_sec')).toBe('3600')
    await control(emulator, 'settings', { expires_in_millis: true })
    const second = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'ada@example.com' }),
    )
    expect(fragmentOf(second.location).get('expires_in')).toBe('3600000')
    expect(fragmentOf(second.location).get('expires_in_sec')).toBe('3600')
  })

  it('offers "grant access for the entire session" on the consent page, ticked', async () => {
    const { emulator, clientId } = await setUp(71)
    const page = await authorize(emulator, 'us', implicit(clientId))
    expect(page.status).toBe(200)
    expect(page.text).toContain(
      '<input type="checkbox" id="grant_for_session" name="grant_for_session" value="true" checked',
    )
    expect(page.text).toContain('Grant access for the entire session')
  })

  it('a consent without the session box gives granted_for_session=false, and refresh then answers client_not_granted', async () => {
    const { emulator, clientId } = await setUp(72)
    const form = new URLSearchParams({
      ...implicit(clientId),
      email: 'ada@example.com',
      decision: 'accept',
    })
    const response = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/v2/auth`, { method: 'POST', body: form }),
    )
    const location = response.headers.get('location') ?? ''
    expect(fragmentOf(location).get('granted_for_session')).toBe('false')
    expect(fragmentOf(location).get('access_token')).toMatch(/^1000\./)
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    expect(await refresh(emulator, '/oauth/v2/auth/refresh', clientId, cookie)).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
  })

  it('a consent with the session box ticked gives granted_for_session=true and a working refresh', async () => {
    const { emulator, clientId } = await setUp(73)
    const form = new URLSearchParams({
      ...implicit(clientId),
      email: 'ada@example.com',
      decision: 'accept',
      grant_for_session: 'true',
    })
    const response = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/v2/auth`, { method: 'POST', body: form }),
    )
    expect(fragmentOf(response.headers.get('location') ?? '').get('granted_for_session')).toBe(
      'true',
    )
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const renewed = await refresh(emulator, '/oauth/v2/auth/refresh', clientId, cookie)
    expect(fragmentOf(renewed).get('access_token')).toMatch(/^1000\./)
  })

  it('emulator_grant_for_session=false stands for the unticked box headlessly', async () => {
    const { emulator, clientId } = await setUp(74)
    const { location, cookie } = await authorize(
      emulator,
      'us',
      implicit(clientId, {
        emulator_login: 'ada@example.com',
        emulator_grant_for_session: 'false',
      }),
    )
    expect(fragmentOf(location).get('granted_for_session')).toBe('false')
    expect(await refresh(emulator, '/oauth/v2/auth/refresh', clientId, cookie)).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
  })
})

describe('GET /oauth/v2/refresh (the newer page’s name)', () => {
  it('serves the same refresh by redirect as /oauth/v2/auth/refresh, counted under authorize', async () => {
    const { emulator, clientId } = await setUp(75)
    const { cookie } = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'ada@example.com' }),
    )
    const renewed = await refresh(emulator, '/oauth/v2/refresh', clientId, cookie)
    expect(renewed.startsWith(`${REDIRECT}#&access_token=1000.`)).toBe(true)
    expect(fragmentOf(renewed).get('granted_for_session')).toBe('true')
    expect(await refresh(emulator, '/oauth/v2/refresh', clientId, '')).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
    // One sign-in and two refreshes.
    expect(emulator.stats().by_client[clientId]?.authorize).toBe(3)
  })
})

describe('startSession: one signed-in user per browser', () => {
  it('a second user signing in in the same browser ends the first user’s session', async () => {
    const { emulator, clientId } = await setUp(76)
    const ada = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'ada@example.com' }),
    )
    const bob = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'bob@example.com' }),
      { cookie: ada.cookie },
    )
    expect(bob.cookie).not.toBe(ada.cookie)
    // Ada's old cookie no longer names a session: her refresh fails even from that cookie.
    expect(await refresh(emulator, '/oauth/v2/auth/refresh', clientId, ada.cookie)).toBe(
      `${REDIRECT}#error=client_not_granted&state=st`,
    )
    const renewed = await refresh(emulator, '/oauth/v2/auth/refresh', clientId, bob.cookie)
    expect(fragmentOf(renewed).get('access_token')).toMatch(/^1000\./)
  })
})

describe('no_org', () => {
  it('redirects with error=no_org (fragment for implicit, query for code) once a user has no org of the product', async () => {
    const { emulator, clientId } = await setUp(77)
    expect(
      await control(emulator, 'users/no-org', { email: 'ada@example.com', service: 'ZohoCRM' }),
    ).toEqual({
      email: 'ada@example.com',
      orgless_services: ['ZohoCRM'],
    })
    const implicitAnswer = await authorize(
      emulator,
      'us',
      implicit(clientId, { emulator_login: 'ada@example.com' }),
    )
    expect(implicitAnswer.location).toBe(`${REDIRECT}#error=no_org&state=st`)
    const server = await serverClient(emulator)
    const code = await authorize(emulator, 'us', {
      client_id: server.client_id,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'ZohoCRM.users.READ',
      state: 'st',
      emulator_login: 'ada@example.com',
    })
    expect(code.location).toBe(`${REDIRECT}?error=no_org&state=st`)
    // A scope of another product is fine.
    const profile = await authorize(
      emulator,
      'us',
      implicit(clientId, { scope: 'AaaServer.profile.READ', emulator_login: 'ada@example.com' }),
    )
    expect(fragmentOf(profile.location).get('access_token')).toMatch(/^1000\./)
  })

  it('POST users/no-org refuses an unknown user and a service that is not a name', async () => {
    const { emulator } = await setUp(78)
    expect(
      await control(emulator, 'users/no-org', { email: 'x@example.com', service: 'ZohoCRM' }),
    ).toEqual({
      error: '"email" must name a user',
    })
    expect(
      await control(emulator, 'users/no-org', { email: 'ada@example.com', service: 'Zoho.CRM' }),
    ).toEqual({
      error: '"service" must name a Zoho service, as scopes start (e.g. "ZohoCRM")',
    })
  })
})
