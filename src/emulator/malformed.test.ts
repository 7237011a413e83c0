/**
 * Requests Zoho could not read: a broken multipart body, bytes that are not UTF-8, a parameter sent
 * twice. Each route answers in its own shape (docs/zoho-behaviour.md §7), never a 500.
 */
import { afterEach, describe, it, expect, vi } from 'vitest'
import { createEmulator, type Emulator } from './app.js'
import { BASE, control, selfClientTokens, tokenURL } from './test-kit.js'

type Body = { type?: string; body?: BodyInit; query?: string }

// Each way a request's parameters can be unreadable or ambiguous.
const MALFORMED: Record<string, Body> = {
  'a multipart body that does not parse': {
    type: 'multipart/form-data; boundary=zz',
    body: 'garbage',
  },
  'a multipart content type without a boundary': {
    type: 'multipart/form-data',
    body: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--zz--\r\n',
  },
  'an urlencoded value that is not UTF-8': {
    type: 'application/x-www-form-urlencoded',
    body: 'grant_type=refresh_token&client_id=%FF%FE',
  },
  'raw bytes that are not UTF-8': {
    type: 'application/x-www-form-urlencoded',
    body: new Uint8Array([0x61, 0x3d, 0xff, 0xfe]),
  },
  'a query value that is not UTF-8': { query: 'client_id=%C3%28' },
  'a parameter twice in the query': { query: 'grant_type=refresh_token&grant_type=password' },
  'a parameter twice in an urlencoded body': {
    type: 'application/x-www-form-urlencoded',
    body: 'grant_type=refresh_token&grant_type=authorization_code',
  },
  'a parameter twice in a multipart body': {
    type: 'multipart/form-data; boundary=zz',
    body:
      '--zz\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nrefresh_token\r\n' +
      '--zz\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\npassword\r\n--zz--\r\n',
  },
}

function send(emulator: Emulator, method: string, path: string, input: Body): Promise<Response> {
  const url = `${BASE}${path}${input.query ? `?${input.query}` : ''}`
  const headers: Record<string, string> = input.type ? { 'content-type': input.type } : {}
  return emulator.fetch(new Request(url, { method, headers, body: input.body }))
}

const errorLog = vi.spyOn(console, 'error')
// The emulator logs only its own bugs: none of these requests may reach that log.
afterEach(() => {
  const logged = errorLog.mock.calls.map((call) => String(call[1] ?? call[0]))
  errorLog.mockClear()
  expect(logged).toEqual([])
})

describe('unreadable and ambiguous requests', () => {
  it.each(Object.entries(MALFORMED))(
    'the token endpoint answers %s with a flat invalid_request',
    async (_, input) => {
      const emulator = createEmulator({ seed: 400 })
      const response = await send(emulator, 'POST', '/us/accounts/oauth/v2/token', input)
      expect([response.status, await response.json()]).toEqual([200, { error: 'invalid_request' }])
      expect(emulator.stats().token_errors.invalid_request).toBe(1)
    },
  )

  it('invalid_request follows oauth_error_status, like every flat error', async () => {
    const emulator = createEmulator({ seed: 401, settings: { oauth_error_status: 400 } })
    const input = MALFORMED['a multipart body that does not parse'] ?? {}
    const response = await send(emulator, 'POST', '/eu/accounts/oauth/v2/token', input)
    expect([response.status, await response.json()]).toEqual([400, { error: 'invalid_request' }])
  })

  it.each(Object.entries(MALFORMED))(
    'revoke and the device endpoints answer %s in their own shape',
    async (_, input) => {
      const emulator = createEmulator({ seed: 402 })
      const revoke = await send(emulator, 'POST', '/us/accounts/oauth/v2/token/revoke', input)
      expect([revoke.status, await revoke.json()]).toEqual([
        400,
        { status: 'failure', error: 'invalid_request' },
      ])
      for (const path of [
        '/us/accounts/oauth/v3/device/code',
        '/us/accounts/oauth/v3/device/token',
      ]) {
        const response = await send(emulator, 'POST', path, input)
        expect([response.status, await response.json()]).toEqual([
          200,
          { error: 'invalid_request' },
        ])
      }
    },
  )

  it.each(Object.entries(MALFORMED))(
    'the pages a browser opens answer %s with an HTML error page, never a redirect',
    async (_, input) => {
      const emulator = createEmulator({ seed: 403, demo: true })
      for (const [method, path] of [
        ['POST', '/us/accounts/oauth/v2/auth'],
        ['POST', '/us/accounts/oauth/v3/device'],
        ...(input.body === undefined
          ? [
              ['GET', '/us/accounts/oauth/v2/auth'],
              ['GET', '/us/accounts/oauth/v2/auth/refresh'],
              ['GET', '/us/accounts/oauth/v3/device'],
            ]
          : []),
      ] as const) {
        const response = await send(emulator, method, path, input)
        expect(response.status).toBe(400)
        expect(response.headers.get('location')).toBeNull()
        const page = await response.text()
        expect(page).toContain('invalid_request')
        expect(page).not.toMatch(/at .*\.js:\d+/)
      }
    },
  )

  it('the error page says which parameter was sent twice', async () => {
    const emulator = createEmulator({ seed: 404, demo: true })
    const client = emulator.demo()?.serverClient.clientId ?? ''
    const response = await send(emulator, 'GET', '/us/accounts/oauth/v2/auth', {
      query: `client_id=${client}&scope=a&scope=b`,
    })
    expect(await response.text()).toContain('The parameter &quot;scope&quot; was sent twice.')
  })

  it('a parameter in both the query and the body is not a duplicate: the body wins', async () => {
    const emulator = createEmulator({ seed: 405 })
    const { client, tokens } = await selfClientTokens(emulator)
    const response = await send(emulator, 'POST', '/us/accounts/oauth/v2/token', {
      query: 'grant_type=password',
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: client.client_id,
        client_secret: client.client_secret,
        refresh_token: String(tokens.refresh_token),
      }).toString(),
    })
    expect(((await response.json()) as Record<string, unknown>).access_token).toBeDefined()
  })

  it('the control API refuses a body that is not UTF-8 JSON with 400 naming it', async () => {
    const emulator = createEmulator({ seed: 406 })
    for (const [input, error] of [
      [MALFORMED['a multipart body that does not parse'], 'body must be a JSON object'],
      [{ type: 'application/json', body: new Uint8Array([0x7b, 0xff, 0x7d]) }, 'body is not UTF-8'],
      [{ type: 'application/json', body: '[1]' }, 'body must be a JSON object'],
    ] as const) {
      const response = await send(emulator, 'POST', '/__emulator/settings', input ?? {})
      expect([response.status, await response.json()]).toEqual([400, { error }])
    }
  })

  it('CRM answers a body that is not JSON with INVALID_DATA on every write route', async () => {
    const emulator = createEmulator({ seed: 407 })
    const { tokens } = await selfClientTokens(emulator, {
      scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL',
    })
    for (const path of ['/us/api/crm/v8/Leads', '/us/api/crm/v8/settings/fields?module=Leads']) {
      const response = await emulator.fetch(
        new Request(`${BASE}${path}`, {
          method: 'POST',
          headers: { authorization: `Zoho-oauthtoken ${String(tokens.access_token)}` },
          body: '{nope',
        }),
      )
      expect([response.status, await response.json()]).toEqual([
        400,
        {
          code: 'INVALID_DATA',
          details: { expected_data_type: 'jsonobject' },
          message: 'body',
          status: 'error',
        },
      ])
    }
  })

  it('no route answers 500 to any method with any malformed body', async () => {
    const emulator = createEmulator({ seed: 408, demo: true })
    const { client } = await selfClientTokens(emulator)
    await control(emulator, 'users', { email: 'fuzz@example.com' })
    const paths = [
      '/',
      '/nope',
      '/us/nope',
      tokenURL('us').slice(BASE.length),
      '/us/accounts/oauth/v2/token/revoke',
      '/us/accounts/oauth/v2/auth',
      '/us/accounts/oauth/v2/auth/refresh',
      '/us/accounts/oauth/v3/device/code',
      '/us/accounts/oauth/v3/device/token',
      '/us/accounts/oauth/v3/device',
      '/us/accounts/oauth/user/info',
      '/us/accounts/oauth/serverinfo',
      '/us/api/crm/v8/users',
      '/us/api/crm/v8/org',
      '/us/api/crm/v8/Leads',
      '/us/api/crm/v8/settings/fields',
      '/us/api/crm/v8/nope',
      '/us/api/invoice/v3/contacts',
      '/us/api/invoice/v3/invoices',
      '/us/api/invoice/v3/nope',
      ...[
        'clients',
        'users',
        'self-client/code',
        'clock',
        'settings',
        'faults',
        'stats',
        'stats/reset',
        'tokens',
        'sessions/expire',
        'device/approve',
        'nope',
      ].map((route) => `/__emulator/${route}`),
    ]
    const bodies: Body[] = [
      {},
      ...Object.values(MALFORMED),
      { type: 'application/json', body: '{"client_id":' },
      { type: 'application/json', body: JSON.stringify({ client_id: client.client_id, x: 1e308 }) },
      { type: 'application/json', body: 'null' },
      { type: 'text/plain', body: '\u0000' },
      { query: `client_id=${'9'.repeat(5000)}&%ZZ=%` },
    ]
    const failures: string[] = []
    for (const path of paths) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
        for (const input of bodies) {
          if ((method === 'GET' || method === 'HEAD') && input.body !== undefined) continue
          const response = await send(emulator, method, path, input)
          await response.arrayBuffer()
          if (response.status >= 500) failures.push(`${method} ${path} ${JSON.stringify(input)}`)
        }
      }
    }
    expect(failures).toEqual([])
  })
})
