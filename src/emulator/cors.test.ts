import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from './app.js'
import { BASE, REDIRECT, authorize, control, serverClient } from './test-kit.js'

const APP = 'http://localhost:3001'

async function clientToken(emulator: Emulator): Promise<string> {
  const client = await serverClient(emulator, { type: 'client' })
  await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
  const { location } = await authorize(emulator, 'us', {
    client_id: client.client_id,
    response_type: 'token',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ',
    emulator_login: 'ada@example.com',
  })
  return new URLSearchParams(new URL(location).hash.slice(1)).get('access_token') ?? ''
}

describe('apiCorsMiddleware ({dc}/api/*)', () => {
  it('answers a preflight from a client-based client’s origin (its redirect URI’s, by default)', async () => {
    const emulator = createEmulator({ seed: 80 })
    await clientToken(emulator)
    const response = await emulator.fetch(
      new Request(`${BASE}/us/api/crm/v8/users?type=CurrentUser`, {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      }),
    )
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(APP)
    expect(response.headers.get('access-control-allow-headers')).toContain('Authorization')
  })

  it('adds Access-Control-Allow-Origin to answers and errors for that origin, none for others', async () => {
    const emulator = createEmulator({ seed: 81 })
    const token = await clientToken(emulator)
    const call = (origin: string, auth: string): Promise<Response> =>
      emulator.fetch(
        new Request(`${BASE}/us/api/crm/v8/users?type=CurrentUser`, {
          headers: { origin, authorization: `Zoho-oauthtoken ${auth}` },
        }),
      )
    const ok = await call(APP, token)
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP)
    const refused = await call(APP, 'nonsense')
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP)
    const foreign = await call('https://evil.example', token)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await emulator.fetch(
      new Request(`${BASE}/us/api/crm/v8/users`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
      }),
    )
    expect(preflight.status).toBe(403)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('sends no CORS headers on the accounts server, token endpoint included', async () => {
    const emulator = createEmulator({ seed: 82 })
    await clientToken(emulator)
    for (const [method, path] of [
      ['POST', '/us/accounts/oauth/v2/token'],
      ['OPTIONS', '/us/accounts/oauth/v2/token'],
      ['POST', '/us/accounts/oauth/v2/token/revoke'],
    ] as const) {
      const response = await emulator.fetch(
        new Request(`${BASE}${path}`, {
          method,
          headers: { origin: APP, 'access-control-request-method': 'POST' },
        }),
      )
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
    }
  })

  it('honours explicitly registered javascript_origins, and only for client-based clients', async () => {
    const emulator = createEmulator({ seed: 83 })
    const client = await control(emulator, 'clients', {
      type: 'client',
      redirect_uris: [REDIRECT],
      javascript_origins: ['https://app.example.com'],
    })
    expect(client.javascript_origins).toEqual(['https://app.example.com'])
    expect(
      await control(emulator, 'clients', {
        type: 'server',
        javascript_origins: ['https://a.example'],
      }),
    ).toEqual({ error: '"javascript_origins" is for client-based clients ("type":"client")' })
    expect(
      await control(emulator, 'clients', {
        type: 'client',
        javascript_origins: ['https://a.example/app'],
      }),
    ).toEqual({
      error:
        '"javascript_origins" must hold origins like "https://app.example.com", without a path (got "https://a.example/app")',
    })
    const preflight = (origin: string): Promise<Response> =>
      emulator.fetch(
        new Request(`${BASE}/eu/api/crm/v8/users`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'GET' },
        }),
      )
    expect((await preflight('https://app.example.com')).status).toBe(204)
    // Listing origins replaces the default from the redirect URIs.
    expect((await preflight(APP)).status).toBe(403)
  })
})

describe('POST /__emulator/clients and faults: input the console refuses', () => {
  it('refuses javascript:, data: and vbscript: redirect URIs', async () => {
    const emulator = createEmulator({ seed: 84 })
    for (const uri of ['javascript:alert(1)', 'data:text/html,hi', 'VBScript:msgbox']) {
      const protocol = new URL(uri).protocol
      expect(await control(emulator, 'clients', { type: 'client', redirect_uris: [uri] })).toEqual({
        error: `"redirect_uris" cannot use the ${protocol} scheme: it runs as script, not a page (got ${JSON.stringify(uri)})`,
      })
    }
    expect(await control(emulator, 'clients')).toEqual({ clients: [] })
  })

  it('refuses a fault with an empty or missing path, which would match every request', async () => {
    const emulator = createEmulator({ seed: 85 })
    for (const body of [{ path: '', status: 500 }, { status: 500 }]) {
      expect(await control(emulator, 'faults', body)).toEqual({
        error: '"path" must be a non-empty part of a request path (e.g. "/oauth/v2/token")',
      })
    }
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
  })
})
