import { createHash } from 'node:crypto'
import { describe, it, expect } from 'vitest'
import { createEmulator } from '../app.js'
import {
  BASE,
  REDIRECT,
  authorize,
  codeFlowTokens,
  control,
  post,
  serverClient,
  tokenURL,
} from '../test-kit.js'

const CODE = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/

function codeParams(clientId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ',
    access_type: 'offline',
    state: 's1',
    ...extra,
  }
}

describe('GET /oauth/v2/auth', () => {
  it('serves a consent page listing the users and the scopes', async () => {
    const emulator = createEmulator({ seed: 40 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const page = await authorize(emulator, 'us', codeParams(client.client_id))
    expect(page.status).toBe(200)
    expect(page.text).toContain('ada@example.com')
    expect(page.text).toContain('ZohoCRM.users.READ')
    expect(page.text).toContain('name="decision" value="accept"')
  })

  it('redirects a US user with code, location, accounts-server, state and a stray &', async () => {
    const emulator = createEmulator({ seed: 41 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { status, location } = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    expect(status).toBe(302)
    expect(location.startsWith(`${REDIRECT}?state=s1&code=1000.`)).toBe(true)
    expect(
      location.endsWith(
        `&location=us&accounts-server=${encodeURIComponent(`${BASE}/us/accounts`)}&`,
      ),
    ).toBe(true)
    expect(new URL(location).searchParams.get('code')).toMatch(CODE)
  })

  it('issues the code in the EU user’s DC; exchanging it at US answers invalid_code', async () => {
    const emulator = createEmulator({ seed: 42 })
    const client = await serverClient(emulator, { dcs: ['us', 'eu'] })
    await control(emulator, 'users', { email: 'emil@example.eu', dc: 'eu' })
    const { location } = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { emulator_login: 'emil@example.eu' }),
    )
    const callback = new URL(location)
    expect(callback.searchParams.get('location')).toBe('eu')
    expect(callback.searchParams.get('accounts-server')).toBe(`${BASE}/eu/accounts`)
    expect(location.endsWith('&')).toBe(false)
    const exchange = (dc: string): Promise<{ body: unknown }> =>
      post(emulator, tokenURL(dc), {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uri: REDIRECT,
        code: callback.searchParams.get('code') ?? '',
      })
    expect((await exchange('us')).body).toEqual({ error: 'invalid_code' })
    const tokens = (await exchange('eu')).body as Record<string, unknown>
    expect(tokens.api_domain).toBe(`${BASE}/eu/api`)
  })

  it('answers invalid_client at a DC the client is not enabled for', async () => {
    const emulator = createEmulator({ seed: 43 })
    const client = await serverClient(emulator, { dcs: ['us'] })
    await control(emulator, 'users', { email: 'emil@example.eu', dc: 'eu' })
    const body = await codeFlowTokens(emulator, client, 'emil@example.eu')
    expect(body).toEqual({ error: 'invalid_client' })
  })

  it('redirects a refusal with error=access_denied and the state', async () => {
    const emulator = createEmulator({ seed: 44 })
    const client = await serverClient(emulator)
    const { location } = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { emulator_decision: 'deny' }),
    )
    expect(location).toBe(`${REDIRECT}?error=access_denied&state=s1`)
  })

  it('shows an error page for an unknown client and for an unregistered redirect URI', async () => {
    const emulator = createEmulator({ seed: 45 })
    const client = await serverClient(emulator)
    const unknown = await authorize(emulator, 'us', codeParams('1000.NOPE'))
    expect(unknown.status).toBe(400)
    expect(unknown.text).toContain('invalid_client')
    const mismatch = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { redirect_uri: `${REDIRECT}/` }),
    )
    expect(mismatch.status).toBe(400)
    expect(mismatch.text).toContain('invalid_redirect_uri')
  })

  it('refuses the code flow to a client-based app and implicit to a server app', async () => {
    const emulator = createEmulator({ seed: 46 })
    const js = await serverClient(emulator, { type: 'client' })
    const server = await serverClient(emulator)
    const code = await authorize(emulator, 'us', codeParams(js.client_id))
    expect(code.location).toBe(`${REDIRECT}?error=unauthorized_client&state=s1`)
    const token = await authorize(
      emulator,
      'us',
      codeParams(server.client_id, { response_type: 'token' }),
    )
    expect(token.location).toBe(`${REDIRECT}#error=unauthorized_client&state=s1`)
  })

  it('gives a refresh token on re-consent only with prompt=consent', async () => {
    const emulator = createEmulator({ seed: 47 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const first = await codeFlowTokens(emulator, client, 'ada@example.com')
    expect(first.refresh_token).toMatch(CODE)
    const again = await codeFlowTokens(emulator, client, 'ada@example.com')
    expect(again.access_token).toMatch(CODE)
    expect(again).not.toHaveProperty('refresh_token')
    const consent = await codeFlowTokens(emulator, client, 'ada@example.com', {
      prompt: 'consent',
    })
    expect(consent.refresh_token).toMatch(CODE)
    const online = await codeFlowTokens(emulator, client, 'ada@example.com', {
      prompt: 'consent',
      access_type: 'online',
    })
    expect(online).not.toHaveProperty('refresh_token')
  })

  it('checks PKCE S256 and plain verifiers at the token step', async () => {
    const emulator = createEmulator({ seed: 48 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const verifier = 'v'.repeat(50)
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    for (const [method, value] of [
      ['S256', challenge],
      ['plain', verifier],
    ] as const) {
      const { location } = await authorize(
        emulator,
        'us',
        codeParams(client.client_id, {
          emulator_login: 'ada@example.com',
          code_challenge: value,
          code_challenge_method: method,
        }),
      )
      const code = new URL(location).searchParams.get('code') ?? ''
      const params = {
        grant_type: 'authorization_code',
        client_id: client.client_id,
        client_secret: client.client_secret,
        redirect_uri: REDIRECT,
        code,
      }
      expect(
        (await post(emulator, tokenURL('us'), { ...params, code_verifier: 'wrong' })).body,
      ).toEqual({ error: 'invalid_code' })
      const ok = await post(emulator, tokenURL('us'), { ...params, code_verifier: verifier })
      expect(ok.body.access_token).toMatch(CODE)
    }
  })

  it('requires the exact redirect_uri at the token step (invalid_redirect_uri)', async () => {
    const emulator = createEmulator({ seed: 49 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { location } = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    const code = new URL(location).searchParams.get('code') ?? ''
    const base = {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      code,
    }
    expect((await post(emulator, tokenURL('us'), base)).body).toEqual({
      error: 'invalid_redirect_uri',
    })
    expect(
      (await post(emulator, tokenURL('us'), { ...base, redirect_uri: `${REDIRECT}?x=1` })).body,
    ).toEqual({ error: 'invalid_redirect_uri' })
  })

  it('expires codes after code_ttl (120 s)', async () => {
    const emulator = createEmulator({ seed: 50 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { location } = await authorize(
      emulator,
      'us',
      codeParams(client.client_id, { emulator_login: 'ada@example.com' }),
    )
    await control(emulator, 'clock', { advance_seconds: 120 })
    const { body } = await post(emulator, tokenURL('us'), {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uri: REDIRECT,
      code: new URL(location).searchParams.get('code') ?? '',
    })
    expect(body).toEqual({ error: 'invalid_code' })
  })

  it('answers access_denied past grant_codes_per_window until the window slides', async () => {
    const emulator = createEmulator({ seed: 51, settings: { grant_codes_per_window: 2 } })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const params = codeParams(client.client_id, { emulator_login: 'ada@example.com' })
    await authorize(emulator, 'us', params)
    await authorize(emulator, 'us', params)
    expect((await authorize(emulator, 'us', params)).location).toBe(
      `${REDIRECT}?error=access_denied&state=s1`,
    )
    await control(emulator, 'clock', { advance_seconds: 600 })
    expect((await authorize(emulator, 'us', params)).location).toContain('code=1000.')
  })

  it('POST with decision=accept from the consent page issues a code and sets the session', async () => {
    const emulator = createEmulator({ seed: 52 })
    const client = await serverClient(emulator)
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const form = new URLSearchParams({
      ...codeParams(client.client_id),
      email: 'ada@example.com',
      decision: 'accept',
    })
    const response = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/v2/auth`, { method: 'POST', body: form }),
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toContain('code=1000.')
    expect(response.headers.get('set-cookie')).toContain('zoho_emulator_session=')
  })
})
