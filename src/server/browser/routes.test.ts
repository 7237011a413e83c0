import { afterEach, describe, expect, it } from 'vitest'
import { consent, cookieOf } from '../../../test/support/broker-ui-flow.js'
import { expectError, revokeCalls } from '../api/test-kit.js'
import { brokerHarness, USER, type BrokerHarness } from '../test-support.js'
import { BROWSER_HEADER } from './cors.js'

const APP = 'https://app.example.com'
const EMIL = 'emil@example.eu'

let harness: BrokerHarness
afterEach(() => harness?.close())

/** Signs `email` in through /browser/v1/connect with `cookie` (or none); returns id and cookie. */
async function signInThroughBroker(
  email: string,
  cookie?: string,
  query = '',
): Promise<{ id: string; cookie: string }> {
  const started = await harness.app.request(
    `/browser/v1/connect?return_to=${encodeURIComponent(`${APP}/home?tab=1`)}${query}`,
    { headers: cookie === undefined ? {} : { cookie } },
  )
  expect(started.status).toBe(302)
  const session = cookieOf(started) ?? cookie
  if (session === undefined) throw new Error('no browser cookie')
  const callback = await harness.app.request(
    await consent(harness, started.headers.get('location') ?? '', { email }),
  )
  expect(callback.status).toBe(302)
  const back = new URL(callback.headers.get('location') ?? '')
  expect(`${back.origin}${back.pathname}`).toBe(`${APP}/home`)
  expect(back.searchParams.get('status')).toBe('connected')
  return { id: back.searchParams.get('connection') ?? '', cookie: session }
}

function call(path: string, cookie: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  headers.set(BROWSER_HEADER, '1')
  if (cookie !== undefined) headers.set('cookie', cookie)
  return harness.app.request(path, { ...init, headers })
}

async function accountsOf(cookie: string | undefined): Promise<Array<Record<string, unknown>>> {
  const response = await call('/browser/v1/accounts', cookie)
  expect(response.status).toBe(200)
  return ((await response.json()) as { accounts: Array<Record<string, unknown>> }).accounts
}

function token(cookie: string | undefined, id: string, body?: unknown) {
  return call(`/browser/v1/accounts/${encodeURIComponent(id)}/token`, cookie, {
    method: 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

describe('GET /browser/v1/connect', () => {
  it('GET /browser/v1/connect sets an HttpOnly Lax cookie on http and sends the browser to the broker’s consent flow', async () => {
    harness = await brokerHarness()
    const response = await harness.app.request(
      `/browser/v1/connect?return_to=${encodeURIComponent(`${APP}/x`)}&dc=eu&scopes=ZohoCRM.users.READ`,
    )
    expect(response.status).toBe(302)
    const setCookie = response.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/^zoho_auth_browser=[\w-]+\.[\w-]+;/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    expect(setCookie).toContain('Path=/browser/v1')
    expect(setCookie).not.toContain('Secure')
    const url = new URL(response.headers.get('location') ?? '')
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/eu/accounts/oauth/v2/auth')
    expect(url.searchParams.get('client_id')).toBe(harness.serverClient.clientId)
    expect(url.searchParams.get('access_type')).toBe('offline')
    expect(url.searchParams.get('scope')).toBe('ZohoCRM.users.READ')
  })

  it('GET /browser/v1/connect on an https broker sets SameSite=None; Secure, so a cross-site app’s fetch carries it', async () => {
    harness = await brokerHarness({ settings: { publicUrl: 'https://broker.example.com' } })
    const response = await harness.app.request(
      `/browser/v1/connect?return_to=${encodeURIComponent(`${APP}/x`)}`,
    )
    expect(response.status).toBe(302)
    const setCookie = response.headers.get('set-cookie') ?? ''
    expect(setCookie).toContain('SameSite=None')
    expect(setCookie).toContain('Secure')
  })

  it('GET /browser/v1/connect refuses a missing or foreign return_to with a page, and sets no cookie', async () => {
    harness = await brokerHarness()
    const missing = await harness.app.request('/browser/v1/connect')
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('The link does not say where to send you back')
    const foreign = await harness.app.request(
      `/browser/v1/connect?return_to=${encodeURIComponent('https://evil.example/x')}`,
    )
    expect(foreign.status).toBe(400)
    expect(await foreign.text()).toContain(
      'The return_to address is not one this broker may send people to',
    )
    expect(foreign.headers.get('set-cookie')).toBeNull()
  })
})

describe('GET /browser/v1/accounts', () => {
  it('GET /browser/v1/accounts lists only the accounts this browser connected; another browser sees none of them', async () => {
    harness = await brokerHarness()
    await harness.control('users', { email: EMIL, dc: 'eu' })
    const ada = await signInThroughBroker(USER)
    const emil = await signInThroughBroker(EMIL, ada.cookie, '&dc=eu')
    expect(emil.cookie).toBe(ada.cookie)
    const mine = await accountsOf(ada.cookie)
    expect(mine.map((a) => [a.id, a.email, a.dc, a.status, a.api_domain])).toEqual([
      [ada.id, USER, 'us', 'active', 'http://127.0.0.1:9/us/api'],
      [emil.id, EMIL, 'eu', 'active', 'http://127.0.0.1:9/eu/api'],
    ])
    expect(JSON.stringify(mine)).not.toMatch(/refresh|1000\./)
    const other = await signInThroughBroker(USER)
    expect(other.cookie).not.toBe(ada.cookie)
    expect((await accountsOf(other.cookie)).map((a) => a.id)).toEqual([other.id])
    expect(await accountsOf(undefined)).toEqual([])
    // A forged cookie is no session at all.
    expect(await accountsOf('zoho_auth_browser=made-up.signature')).toEqual([])
  })

  it('GET /browser/v1/accounts keeps one account per Zoho user: signing in again retires and revokes the older grant', async () => {
    harness = await brokerHarness()
    const first = await signInThroughBroker(USER)
    const again = await signInThroughBroker(USER, first.cookie)
    const revokesBefore = await revokeCalls(harness)
    expect((await accountsOf(first.cookie)).map((a) => a.id)).toEqual([again.id])
    expect(await revokeCalls(harness)).toBe(revokesBefore + 1)
    expect(await harness.deps.store.get(first.id)).toBeNull()
  })

  it('GET /browser/v1/accounts without the X-Zoho-Auth-Browser header is refused, so a form or an img cannot call it', async () => {
    harness = await brokerHarness()
    const response = await harness.app.request('/browser/v1/accounts')
    const error = await expectError(response, 403, 'ERR_FORBIDDEN')
    expect(error.message).toBe('This route needs the x-zoho-auth-browser header')
  })
})

describe('POST /browser/v1/accounts/:id/token', () => {
  it('POST /browser/v1/accounts/:id/token answers a short-lived access token with its API domain; never another browser’s', async () => {
    harness = await brokerHarness()
    const ada = await signInThroughBroker(USER)
    const response = await token(ada.cookie, ada.id)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(body.api_domain).toBe('http://127.0.0.1:9/us/api')
    expect(String(body.access_token)).toMatch(/^1000\./)
    expect(Number(body.expires_in)).toBeGreaterThan(3000)
    expect(Date.parse(String(body.expires_at))).toBeGreaterThan(Date.now())
    const stranger = await signInThroughBroker(USER)
    const refused = await expectError(await token(stranger.cookie, ada.id), 404, 'ERR_NOT_FOUND')
    expect(refused.message).toBe(`This browser has no account "${ada.id}"`)
    await expectError(await token(undefined, ada.id), 404, 'ERR_NOT_FOUND')
    // A connection the admin made is no browser's either.
    await harness.connect('acme')
    await expectError(await token(ada.cookie, 'acme'), 404, 'ERR_NOT_FOUND')
  })

  it('POST /browser/v1/accounts/:id/token with the token the API rejected mints one new token for any number of tabs', async () => {
    harness = await brokerHarness()
    const ada = await signInThroughBroker(USER)
    const first = (await (await token(ada.cookie, ada.id)).json()) as { access_token: string }
    const before = harness.refreshes()
    const answers = await Promise.all(
      [1, 2, 3, 4].map(async () => {
        const response = await token(ada.cookie, ada.id, { rejected: first.access_token })
        expect(response.status).toBe(200)
        return ((await response.json()) as { access_token: string }).access_token
      }),
    )
    expect(harness.refreshes()).toBe(before + 1)
    expect(new Set(answers).size).toBe(1)
    expect(answers[0]).not.toBe(first.access_token)
    const typo = await expectError(
      await token(ada.cookie, ada.id, { reject: 'x' }),
      400,
      'ERR_BAD_REQUEST',
    )
    expect(typo.message).toContain('reject')
  })
})

describe('DELETE /browser/v1/accounts/:id', () => {
  it('DELETE /browser/v1/accounts/:id revokes at Zoho and forgets; another browser’s delete is a 404 that changes nothing', async () => {
    harness = await brokerHarness()
    const ada = await signInThroughBroker(USER)
    const stranger = await signInThroughBroker(USER)
    const del = (cookie: string, id: string) =>
      call(`/browser/v1/accounts/${id}`, cookie, { method: 'DELETE' })
    await expectError(await del(stranger.cookie, ada.id), 404, 'ERR_NOT_FOUND')
    expect((await harness.deps.store.get(ada.id))?.status).toBe('active')
    const revokes = await revokeCalls(harness)
    const response = await del(ada.cookie, ada.id)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ deleted: true, revoked: true })
    expect(await revokeCalls(harness)).toBe(revokes + 1)
    expect(await accountsOf(ada.cookie)).toEqual([])
  })
})

describe('CORS on /browser/v1', () => {
  it('/browser/v1 preflight from an allowlisted origin allows credentials and the header; any other origin gets 403 and no CORS headers', async () => {
    harness = await brokerHarness()
    const preflight = (origin: string) =>
      harness.app.request('/browser/v1/accounts', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': BROWSER_HEADER,
        },
      })
    const allowed = await preflight(APP)
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP)
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true')
    expect(allowed.headers.get('access-control-allow-headers')).toContain(BROWSER_HEADER)
    const own = await preflight('http://localhost:3001')
    expect(own.headers.get('access-control-allow-origin')).toBe('http://localhost:3001')
    const refused = await preflight('https://evil.example')
    const error = await expectError(refused, 403, 'ERR_FORBIDDEN')
    expect(error.message).toBe(
      "The origin https://evil.example may not call this broker's browser routes",
    )
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('/browser/v1 answers an allowlisted origin with CORS headers, errors included, and refuses another origin outright', async () => {
    harness = await brokerHarness()
    const ada = await signInThroughBroker(USER)
    const fromApp = await call('/browser/v1/accounts', ada.cookie, { headers: { origin: APP } })
    expect(fromApp.status).toBe(200)
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP)
    expect(fromApp.headers.get('vary')).toContain('Origin')
    const missing = await call('/browser/v1/accounts/nope/token', ada.cookie, {
      method: 'POST',
      headers: { origin: APP },
    })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe(APP)
    const evil = await token(ada.cookie, ada.id)
    expect(evil.status).toBe(200)
    const fromEvil = await call(`/browser/v1/accounts/${ada.id}/token`, ada.cookie, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    })
    await expectError(fromEvil, 403, 'ERR_FORBIDDEN')
    expect(fromEvil.headers.get('access-control-allow-origin')).toBeNull()
  })
})
