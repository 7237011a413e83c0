import { afterEach, describe, expect, it } from 'vitest'
import { ERR_INSECURE_URL } from '../protocol/errors.js'
import { ApiScopeError, ERR_API_PATH, ERR_API_SCOPE, ERR_ZOHO_API, ZohoApiError } from './errors.js'
import { apiHarness, BASE, crmAnswer, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a rejection')
}

describe('ZohoApiClient', () => {
  it('ZohoApiClient.get: calls the API domain of the connection with Zoho-oauthtoken', async () => {
    h = await apiHarness()
    const { status, data } = await h.client.get<{ users: { email: string }[] }>('/crm/v8/users', {
      query: { type: 'CurrentUser' },
    })
    expect(status).toBe(200)
    expect(data.users[0]?.email).toBe('ada@example.com')
    const [request] = h.apiRequests
    expect(request?.url).toBe(`${BASE}/us/api/crm/v8/users?type=CurrentUser`)
    const token = (await h.manager.getToken('default')).accessToken
    expect(request?.headers.get('authorization')).toBe(`Zoho-oauthtoken ${token}`)
  })

  it("ZohoApiClient.get: a caller's Authorization or Host header never replaces ours", async () => {
    h = await apiHarness()
    await h.client.get('/crm/v8/org', {
      headers: { Authorization: 'Bearer x', Host: 'evil.example' },
    })
    const [request] = h.apiRequests
    expect(request?.headers.get('authorization')).toMatch(/^Zoho-oauthtoken 1000\./)
    expect(new URL(request?.url ?? '').host).toBe('127.0.0.1:9')
  })

  it('ZohoApiClient.request: 100 concurrent calls refused for an expired token cause one refresh, and all succeed', async () => {
    h = await apiHarness()
    const before = (await h.manager.getToken('default')).accessToken
    await h.expireTokenAtZoho()
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        h!.client.get('/crm/v8/users', { query: { type: 'CurrentUser' } }),
      ),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(h.refreshes()).toBe(1)
    const after = (await h.manager.getToken('default')).accessToken
    expect(after).not.toBe(before)
    // 100 refused with the old token, 100 retried with the one new token.
    const sent = h.apiRequests.map((r) => r.headers.get('authorization'))
    expect(sent.filter((a) => a === `Zoho-oauthtoken ${before}`)).toHaveLength(100)
    expect(sent.filter((a) => a === `Zoho-oauthtoken ${after}`)).toHaveLength(100)
  })

  it('ZohoApiClient.request: AUTHENTICATION_FAILURE for an expired token is refreshed the same way', async () => {
    h = await apiHarness({
      emulator: { settings: { expired_token_code: 'AUTHENTICATION_FAILURE' } },
    })
    await h.expireTokenAtZoho()
    const results = await Promise.all(
      Array.from({ length: 20 }, () => h!.client.get('/crm/v8/org')),
    )
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 200))
    expect(h.refreshes()).toBe(1)
  })

  it('ZohoApiClient.request: Invoice code 14 for an expired token is refreshed once too', async () => {
    h = await apiHarness()
    const { data } = await h.client.get<{ organizations: { organization_id: string }[] }>(
      '/invoice/v3/organizations',
    )
    await h.expireTokenAtZoho()
    const org = data.organizations[0]?.organization_id ?? ''
    const { status } = await h.client.get('/invoice/v3/contacts', {
      headers: { 'X-com-zoho-invoice-organizationid': org },
    })
    expect(status).toBe(200)
    expect(h.refreshes()).toBe(1)
  })

  it('ZohoApiClient.request: a token refused again after the one refresh is a ZohoApiError, without the token', async () => {
    h = await apiHarness()
    h.intercept = () =>
      crmAnswer(401, {
        code: 'INVALID_TOKEN',
        details: {},
        message: 'invalid oauth token',
        status: 'error',
      })
    const error = await rejection(h.client.get('/crm/v8/org'))
    expect(error).toBeInstanceOf(ZohoApiError)
    expect(error).toMatchObject({
      code: ERR_ZOHO_API,
      zohoCode: 'INVALID_TOKEN',
      status: 401,
      product: 'crm',
    })
    expect(error.message).toBe(
      'GET /crm/v8/org failed: HTTP 401 INVALID_TOKEN (invalid oauth token)',
    )
    expect((error as ZohoApiError).remedy).toContain('zoho-auth doctor --connection default')
    expect(h.apiRequests).toHaveLength(2)
    expect(h.refreshes()).toBe(1)
    const token = (await h.manager.getToken('default')).accessToken
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(
      token,
    )
  })

  it('ZohoApiClient.request: OAUTH_SCOPE_MISMATCH names the granted scopes and the re-grant, with no refresh', async () => {
    h = await apiHarness({ scope: 'ZohoCRM.users.READ' })
    const error = await rejection(h.client.get('/crm/v8/org', { scope: 'ZohoCRM.org.READ' }))
    expect(error).toBeInstanceOf(ApiScopeError)
    expect(error).toMatchObject({
      code: ERR_API_SCOPE,
      scopes: ['ZohoCRM.users.READ'],
      requiredScope: 'ZohoCRM.org.READ',
      zohoCode: 'OAUTH_SCOPE_MISMATCH',
    })
    expect(error.message).toBe(
      'GET /crm/v8/org: connection "default" is not granted the scope this API needs (ZohoCRM.org.READ); it has ZohoCRM.users.READ',
    )
    expect((error as ApiScopeError).remedy).toBe(
      'Grant access again with the scope added (a refresh keeps the old scopes): zoho-auth login --connection default --scopes ZohoCRM.users.READ,ZohoCRM.org.READ',
    )
    expect(h.refreshes()).toBe(0)
    expect(h.apiRequests).toHaveLength(1)
  })

  it('ZohoApiClient.request: Invoice 57 with 401 is a scope error too', async () => {
    h = await apiHarness({ scope: 'ZohoCRM.users.READ' })
    const error = await rejection(h.client.get('/invoice/v3/organizations'))
    expect(error).toMatchObject({ code: ERR_API_SCOPE, zohoCode: 57 })
    expect((error as ApiScopeError).remedy).toContain(
      '--scopes ZohoCRM.users.READ,<the scope this API needs>',
    )
    expect(h.refreshes()).toBe(0)
  })

  it('ZohoApiClient.request: an Invoice {code, message} error keeps its numeric code', async () => {
    h = await apiHarness()
    const error = await rejection(
      h.client.get('/invoice/v3/contacts', {
        headers: { 'X-com-zoho-invoice-organizationid': '1' },
      }),
    )
    expect(error).toMatchObject({
      code: ERR_ZOHO_API,
      zohoCode: 2,
      status: 400,
      product: 'invoice',
    })
    expect(error.message).toBe(
      'GET /invoice/v3/contacts failed: HTTP 400 2 (Invalid value passed for X-com-zoho-invoice-organizationid)',
    )
    expect((error as ZohoApiError).remedy).toContain('GET /invoice/v3/organizations')
  })

  it('ZohoApiClient.request: a CRM error keeps its code and details', async () => {
    h = await apiHarness()
    const error = await rejection(h.client.get('/crm/v8/settings/fields'))
    expect(error).toMatchObject({
      zohoCode: 'REQUIRED_PARAM_MISSING',
      details: { param_name: 'module' },
      status: 400,
    })
  })

  it.each([
    'https://evil.example/crm/v8/org',
    '//evil.example/x',
    '/../../eu/api/crm/v8/org',
    '/%2e%2e/eu/api',
  ])(
    'ZohoApiClient.request: refuses %s before fetching a token or sending anything',
    async (path) => {
      h = await apiHarness()
      const error = await rejection(h.client.get(path))
      expect(error.code).toBe(ERR_API_PATH)
      expect(h.apiRequests).toHaveLength(0)
      expect(h.refreshes()).toBe(0)
    },
  )

  it('ZohoApiClient.get: a body on a GET is refused as misuse, not sent and retried as a network failure', async () => {
    h = await apiHarness()
    await expect(h.client.get('/crm/v8/org', { json: {} })).rejects.toThrow(
      'GET /crm/v8/org cannot have a body; send it with POST, PUT or PATCH',
    )
    expect(h.apiRequests).toHaveLength(0)
  })

  it('ZohoApiClient.request: an http:// API domain is refused unless allowed (loopback only)', async () => {
    h = await apiHarness()
    const error = await rejection(h.newClient({ allowInsecureHTTP: false }).get('/crm/v8/org'))
    expect(error.code).toBe(ERR_INSECURE_URL)
    expect(h.apiRequests).toHaveLength(0)
  })
})
