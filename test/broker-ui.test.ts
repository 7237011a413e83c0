import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, ADMIN_TOKEN, USER, type BrokerHarness } from '../src/server/test-support.js'
import { hashApiKey } from '../src/server/api-keys.js'
import {
  cookieOf,
  csrfOf,
  getPage,
  postForm,
  signIn,
  startConnect,
} from './support/broker-ui-flow.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('UI sign-in', () => {
  it('GET / sends a visitor without a session to the sign-in page', async () => {
    harness = await brokerHarness()
    const response = await harness.app.request('/')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/sign-in')
    const signInPage = await harness.app.request('/sign-in')
    expect(signInPage.status).toBe(200)
    expect(signInPage.headers.get('x-frame-options')).toBe('DENY')
    expect(signInPage.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
    expect(await signInPage.text()).toContain('Sign in to the broker')
  })

  it('POST /sign-in with the admin token sets an HttpOnly, SameSite=Lax session cookie, not Secure over http', async () => {
    harness = await brokerHarness()
    const response = await harness.app.request('/sign-in', {
      method: 'POST',
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/')
    const header = response.headers.get('set-cookie') ?? ''
    expect(header).toMatch(/^zoho_auth_session=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;/)
    expect(header).toContain('HttpOnly')
    expect(header).toContain('SameSite=Lax')
    expect(header).toContain('Path=/')
    expect(header).not.toContain('Secure')
    expect(header).not.toContain(ADMIN_TOKEN)
    const page = await getPage(harness, '/', cookieOf(response) ?? '')
    expect(page.status).toBe(200)
    expect(page.html).toContain('<h1>Connections</h1>')
  })

  it('POST /sign-in sets a Secure cookie when the broker is served over https', async () => {
    harness = await brokerHarness({ settings: { publicUrl: 'https://broker.example.com' } })
    const response = await harness.app.request('/sign-in', {
      method: 'POST',
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    })
    expect(response.headers.get('set-cookie')).toContain('Secure')
  })

  it('POST /sign-in refuses a wrong or empty token and an API key with a 401 page and no cookie', async () => {
    harness = await brokerHarness()
    for (const [token, text] of [
      ['nope', 'That is not the admin token.'],
      ['', 'Enter the admin token.'],
      ['zab_notreallyakey', 'That is not the admin token.'],
    ] as const) {
      const response = await harness.app.request('/sign-in', {
        method: 'POST',
        body: new URLSearchParams({ token }),
      })
      expect(response.status).toBe(401)
      expect(response.headers.get('set-cookie')).toBeNull()
      expect(await response.text()).toContain(text)
    }
  })

  it('POST /sign-in refuses a form sent from another site', async () => {
    harness = await brokerHarness()
    const response = await harness.app.request('/sign-in', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('set-cookie')).toBeNull()
    expect(await response.text()).toContain('This sign-in was sent from another site.')
  })

  it('GET / refuses a tampered, foreign or expired session cookie', async () => {
    let now = Date.now()
    harness = await brokerHarness({ deps: { now: () => now } })
    const cookie = await signIn(harness)
    const [name, value] = cookie.split('=')
    const [payload] = (value ?? '').split('.')
    const forged = Buffer.from(JSON.stringify({ sid: 'x', exp: now + 1e9 })).toString('base64url')
    for (const bad of [`${name}=${payload}.AAAA`, `${name}=${forged}.${value?.split('.')[1]}`]) {
      expect((await harness.app.request('/', { headers: { cookie: bad } })).status).toBe(302)
    }
    const other = await brokerHarness()
    const foreign = await signIn(other)
    await other.close()
    expect((await harness.app.request('/', { headers: { cookie: foreign } })).status).toBe(302)
    expect((await harness.app.request('/', { headers: { cookie } })).status).toBe(200)
    now += 13 * 60 * 60_000
    expect((await harness.app.request('/', { headers: { cookie } })).status).toBe(302)
  })

  it('POST /sign-out needs the CSRF token, then clears the cookie', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const refused = await postForm(harness, '/sign-out', cookie, {})
    expect(refused.status).toBe(403)
    const { html } = await getPage(harness, '/', cookie)
    const out = await postForm(harness, '/sign-out', cookie, { _csrf: csrfOf(html) })
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(/^zoho_auth_session=;.*Max-Age=0/)
  })
})

describe('UI connections', () => {
  it('GET / lists each connection with user, DC, scopes, status, expiry, last refresh and quota left', async () => {
    harness = await brokerHarness({ settings: { sandboxEmulatorUrl: 'http://127.0.0.1:3002' } })
    await harness.connect('acme', 'ZohoCRM.users.READ,ZohoCRM.org.READ')
    const cookie = await signIn(harness)
    const { html } = await getPage(harness, '/', cookie)
    const row = /<tr data-connection="acme">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? ''
    expect(row).toContain('<strong>acme</strong>')
    expect(row).toContain(USER)
    expect(row).toContain('<td>US</td>')
    expect(row).toContain('<code>ZohoCRM.users.READ</code> <code>ZohoCRM.org.READ</code>')
    expect(row).toContain('<span class="badge active">active</span>')
    expect(row).toMatch(/<td class="nowrap">in (59|60) min<\/td>/)
    expect(row).toContain('<td class="nowrap">just now</td>')
    // The code exchange minted one access token: one of Zoho's 10 per 10 minutes.
    expect(row).toContain('9 of 10</td>')
    expect(html).toContain('Sandbox mode')
    expect(html).toContain('http://127.0.0.1:3002')
  })

  it('GET / escapes connection names and errors, and never shows a token or secret', async () => {
    harness = await brokerHarness()
    await harness.connect('<script>alert(1)</script>')
    const id = '<script>alert(1)</script>'
    const stored = await harness.deps.store.get(id)
    await harness.deps.store.update(
      id,
      { status: 'needs_reauth', lastError: '<img src=x onerror=alert(2)> Zoho said invalid_code' },
      stored?.version ?? 0,
      Date.now(),
    )
    const cookie = await signIn(harness)
    const { html } = await getPage(harness, '/', cookie)
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('<span class="badge needs_reauth">needs reauth</span>')
    expect(html).toContain(
      `href="/connect?connection=%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;dc=us&amp;scopes=`,
    )
    for (const secret of [
      stored?.refreshToken ?? '',
      stored?.accessToken ?? '',
      ADMIN_TOKEN,
      harness.serverClient.clientSecret,
    ]) {
      expect(secret.length).toBeGreaterThan(10)
      expect(html).not.toContain(secret)
    }
  })

  it('POST /ui/connections/:id/default refuses a missing or wrong CSRF token with a 403 page and changes nothing', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const other = await signIn(harness)
    const otherToken = csrfOf((await getPage(harness, '/', other)).html)
    const attempts: Array<Record<string, string>> = [{}, { _csrf: 'forged' }, { _csrf: otherToken }]
    for (const fields of attempts) {
      const response = await postForm(harness, '/ui/connections/acme/default', cookie, fields)
      expect(response.status).toBe(403)
      expect(await response.text()).toContain('This form has expired')
    }
    expect(await harness.deps.store.getDefaultConnection()).toBeNull()
    const noSession = await harness.app.request('/ui/connections/acme/default', { method: 'POST' })
    expect(noSession.status).toBe(401)
  })

  it('POST /ui/connections/:id/default makes it the default', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/default', cookie, {
      _csrf: csrf,
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/?done=default&connection=acme')
    expect(await harness.deps.store.getDefaultConnection()).toBe('acme')
    const { html } = await getPage(harness, '/?done=default&connection=acme', cookie)
    expect(html).toContain('“acme” is now the default connection.')
    expect(html).toContain('<span class="badge default">default</span>')
  })

  it('POST /ui/connections/:id/revoke revokes at Zoho and keeps the connection listed as revoked', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/revoke', cookie, { _csrf: csrf })
    expect(response.status).toBe(303)
    expect(harness.emulator.stats().revoke).toBe(1)
    expect((await harness.deps.store.get('acme'))?.status).toBe('revoked')
    const { html } = await getPage(harness, '/', cookie)
    expect(html).toContain('<span class="badge revoked">revoked</span>')
  })

  it('POST /ui/connections/:id/remove revokes then deletes', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/remove', cookie, { _csrf: csrf })
    expect(response.headers.get('location')).toBe('/?done=removed&connection=acme')
    expect(harness.emulator.stats().revoke).toBe(1)
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('POST /ui/connections/:id/remove of a connection revoked earlier deletes it without claiming a second revoke', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    await postForm(harness, '/ui/connections/acme/revoke', cookie, { _csrf: csrf })
    const response = await postForm(harness, '/ui/connections/acme/remove', cookie, { _csrf: csrf })
    expect(response.headers.get('location')).toBe('/?done=removed_revoked&connection=acme')
    expect(harness.emulator.stats().revoke).toBe(1)
    expect(await harness.deps.store.get('acme')).toBeNull()
    const { html } = await getPage(harness, '/?done=removed_revoked&connection=acme', cookie)
    expect(html).toContain('“acme” was removed (it had been revoked at Zoho already).')
  })

  it('POST /ui/connections/:id/remove keeps the connection and says so when Zoho refuses the revoke', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.control('faults', { path: '/oauth/v2/token/revoke', status: 500, count: 10 })
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/remove', cookie, { _csrf: csrf })
    expect(response.status).toBe(502)
    const html = await response.text()
    expect(html).toContain('Zoho did not revoke “acme”')
    expect(html).toContain('The connection was kept, so nothing is lost.')
    expect((await harness.deps.store.get('acme'))?.status).toBe('active')
    const forced = await postForm(harness, '/ui/connections/acme/remove', cookie, {
      _csrf: csrfOf(html),
      without_revoke: 'yes',
    })
    expect(forced.headers.get('location')).toBe('/?done=forgotten&connection=acme')
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('POST /ui/connections/:id/* on an unknown connection answers a 404 page', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/ghost/revoke', cookie, {
      _csrf: csrf,
    })
    expect(response.status).toBe(404)
    expect(await response.text()).toContain('No connection &quot;ghost&quot;.')
  })

  it('POST /ui/connections/:id/try calls CurrentUser through the broker’s proxy and shows the answer', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/try', cookie, { _csrf: csrf })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('GET /api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    const status = /<strong id="try-status">(\d+)<\/strong>/.exec(html)?.[1]
    if (status === '200') {
      // The proxy is in place: Zoho's answer, naming the user.
      expect(html).toContain(`(${USER})`)
    } else {
      // Until the proxy lands its path is a 404, and the page says the proxy did not answer.
      expect(status).toBe('404')
      expect(html).toContain('The broker’s proxy did not answer this path (HTTP 404)')
    }
    const token = (await harness.deps.store.get('acme'))?.accessToken ?? ''
    expect(html).not.toContain(token)
  })

  it('the UI refuses a form larger than 16 KB with a 413 page', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    const response = await postForm(harness, '/ui/connections/acme/default', cookie, {
      _csrf: csrf,
      padding: 'x'.repeat(20_000),
    })
    expect(response.status).toBe(413)
    expect(await response.text()).toContain('That form is too large')
    expect(await harness.deps.store.getDefaultConnection()).toBeNull()
  })

  it('the dashboard’s connect form and reconnect link lead to /connect', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const { html } = await getPage(harness, '/', cookie)
    expect(html).toContain('<form method="get" action="/connect"')
    const href = /href="(\/connect\?connection=acme[^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&')
    const response = await startConnect(harness, (href ?? '').replace('/connect?', ''), { cookie })
    expect(response.status).toBe(302)
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('scope')).toBe(
      'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ',
    )
  })
})

describe('UI API keys', () => {
  it('POST /ui/keys shows a new key once; the list shows only its prefix; it works as a bearer; delete stops it', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/ui/keys', cookie)).html)
    const created = await postForm(harness, '/ui/keys', cookie, { _csrf: csrf, name: 'billing' })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const html = await created.text()
    const key = /<code class="secret" id="new-key">([^<]+)<\/code>/.exec(html)?.[1] ?? ''
    expect(key).toMatch(/^zab_[A-Za-z0-9_-]{43}$/)
    const [record] = await harness.deps.store.listApiKeys()
    expect(record?.hash).toBe(hashApiKey(key))
    const list = await getPage(harness, '/ui/keys', cookie)
    expect(list.html).not.toContain(key)
    expect(list.html).toContain(`<code>${record?.prefix}…</code>`)
    const connect = await startConnect(harness, 'connection=acme', {
      authorization: `Bearer ${key}`,
    })
    expect(connect.status).toBe(302)
    const deleted = await postForm(harness, `/ui/keys/${record?.id}/delete`, cookie, {
      _csrf: csrf,
    })
    expect(deleted.headers.get('location')).toBe('/ui/keys?done=deleted')
    expect(await harness.deps.store.listApiKeys()).toEqual([])
    const refused = await startConnect(harness, 'connection=acme', {
      authorization: `Bearer ${key}`,
    })
    expect(refused.status).toBe(401)
    expect(JSON.stringify(harness.logs)).not.toContain(key)
  })

  it('POST /ui/keys refuses an empty name and a missing CSRF token', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/ui/keys', cookie)).html)
    const empty = await postForm(harness, '/ui/keys', cookie, { _csrf: csrf, name: '  ' })
    expect(empty.status).toBe(400)
    const noToken = await postForm(harness, '/ui/keys', cookie, { name: 'x' })
    expect(noToken.status).toBe(403)
    const deleteNoToken = await postForm(harness, '/ui/keys/whatever/delete', cookie, {})
    expect(deleteNoToken.status).toBe(403)
    expect(await harness.deps.store.listApiKeys()).toEqual([])
  })
})
