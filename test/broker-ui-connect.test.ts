import { afterEach, describe, expect, it } from 'vitest'
import { pkceChallenge } from '../src/protocol/authorize.js'
import { mintConnectLink } from '../src/server/connect-link.js'
import { createBrokerApp } from '../src/server/app.js'
import { brokerHarness, USER, type BrokerHarness } from '../src/server/test-support.js'
import {
  connectFlow,
  consent,
  csrfOf,
  getPage,
  signIn,
  startConnect,
} from './support/broker-ui-flow.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

const codeExchanges = () => harness.emulator.stats().token_endpoint.authorization_code

async function callback(
  path: string,
): Promise<{ status: number; html: string; response: Response }> {
  const response = await harness.app.request(path)
  return { status: response.status, html: await response.text(), response }
}

describe('GET /connect', () => {
  it('GET /connect refuses a caller with no session, bearer or link with a 401 page saying what to do', async () => {
    harness = await brokerHarness()
    const response = await startConnect(harness, 'connection=acme', {})
    expect(response.status).toBe(401)
    const html = await response.text()
    expect(html).toContain('Sign in to connect an account')
    expect(html).toContain(
      'Connecting a Zoho account needs a signed-in broker admin or a connect link.',
    )
    expect(html).toContain('<code>POST /api/v1/connect-links</code>')
    const wrong = await startConnect(harness, 'connection=acme', { authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain(
      'The Authorization header holds neither the admin token nor a current API key.',
    )
  })

  it('GET /connect sends an admin to the authorize URL with offline access, consent, PKCE S256 and a signed state', async () => {
    harness = await brokerHarness()
    const response = await startConnect(
      harness,
      'connection=acme&scopes=ZohoCRM.users.READ,ZohoCRM.org.READ',
    )
    expect(response.status).toBe(302)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const url = new URL(response.headers.get('location') ?? '')
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/us/accounts/oauth/v2/auth')
    const q = url.searchParams
    expect(q.get('client_id')).toBe(harness.serverClient.clientId)
    expect(q.get('response_type')).toBe('code')
    expect(q.get('access_type')).toBe('offline')
    expect(q.get('prompt')).toBe('consent')
    expect(q.get('redirect_uri')).toBe('http://localhost:3001/oauth/callback')
    expect(q.get('scope')).toBe('ZohoCRM.users.READ,ZohoCRM.org.READ')
    expect(q.get('code_challenge_method')).toBe('S256')
    // The verifier rides in the state sealed: nothing readable in it hashes to the challenge.
    const [encoded] = (q.get('state') ?? '').split('.')
    const payload = JSON.parse(Buffer.from(encoded ?? '', 'base64url').toString('utf8')) as {
      d: string
    }
    const data = JSON.parse(payload.d) as Record<string, string>
    expect(Object.keys(data).sort()).toEqual(['c', 'dc', 'v'])
    expect(data.c).toBe('acme')
    expect(await pkceChallenge(data.v ?? '')).not.toBe(q.get('code_challenge'))
    for (const value of Object.values(data)) {
      expect(await pkceChallenge(value)).not.toBe(q.get('code_challenge'))
    }
  })

  it('GET /connect starts in the data centre asked for, and refuses an unknown one', async () => {
    harness = await brokerHarness()
    const eu = await startConnect(harness, 'connection=acme&dc=eu')
    expect(new URL(eu.headers.get('location') ?? '').pathname).toBe('/eu/accounts/oauth/v2/auth')
    const bad = await startConnect(harness, 'connection=acme&dc=mars')
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('There is no Zoho data centre &quot;mars&quot;.')
  })

  it('GET /connect refuses a missing connection, empty scopes and malformed scopes', async () => {
    harness = await brokerHarness()
    const none = await startConnect(harness, 'dc=us')
    expect(none.status).toBe(400)
    expect(await none.text()).toContain('The link names no connection.')
    for (const scopes of ['', ',,', 'ZohoCRM.users.READ,<script>']) {
      const response = await startConnect(
        harness,
        `connection=acme&scopes=${encodeURIComponent(scopes)}`,
      )
      expect(response.status).toBe(400)
      expect(await response.text()).toContain(
        'The scopes must be Zoho scope names separated by commas.',
      )
    }
  })

  it('GET /connect refuses a return_to outside the broker and its allowlist (no open redirect)', async () => {
    harness = await brokerHarness()
    const open = [
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example/x',
      'https://app.example.com.evil.example/',
      'https://app.example.com@evil.example/',
      'javascript:alert(1)',
      'http://app.example.com/',
    ]
    for (const returnTo of open) {
      const response = await startConnect(
        harness,
        `connection=acme&return_to=${encodeURIComponent(returnTo)}`,
      )
      expect(response.status, returnTo).toBe(400)
      expect(await response.text()).toContain(
        'The return_to address is not one this broker may send people to.',
      )
    }
    for (const returnTo of ['https://app.example.com/done', '/', 'http://localhost:3001/x']) {
      const response = await startConnect(
        harness,
        `connection=acme&return_to=${encodeURIComponent(returnTo)}`,
      )
      expect(response.status, returnTo).toBe(302)
    }
  })

  it('GET /connect answers 503 with what to configure when the broker has no client', async () => {
    harness = await brokerHarness({ deps: { client: undefined } })
    const response = await startConnect(harness, 'connection=acme')
    expect(response.status).toBe(503)
    expect(await response.text()).toContain('Set ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET')
  })

  it('GET /connect accepts the UI session cookie from the broker’s own pages, not from another site', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const csrf = csrfOf((await getPage(harness, '/', cookie)).html)
    for (const site of ['same-origin', 'none']) {
      const headers = { cookie, 'sec-fetch-site': site }
      expect((await startConnect(harness, 'connection=acme', headers)).status, site).toBe(302)
    }
    // A browser that says nothing about where the navigation came from needs the page's token.
    const withToken = `connection=acme&_csrf=${encodeURIComponent(csrf)}`
    expect((await startConnect(harness, withToken, { cookie })).status).toBe(302)
    for (const headers of <Array<Record<string, string>>>[
      { cookie },
      { cookie, 'sec-fetch-site': 'cross-site' },
      { cookie, 'sec-fetch-site': 'same-site' },
      { cookie, 'sec-fetch-site': 'cross-site', referer: 'https://evil.example/' },
    ]) {
      const response = await startConnect(harness, 'connection=acme', headers)
      expect(response.status).toBe(403)
      expect(await response.text()).toContain(
        'This connect link did not come from the broker’s own pages, so the broker did not follow it.',
      )
    }
  })
})

describe('GET /connect?link=', () => {
  it('GET /connect?link= works once without other authentication, and the link’s fields win', async () => {
    harness = await brokerHarness()
    const { url } = mintConnectLink(harness.deps, {
      connection: 'tenant-7',
      scopes: ['ZohoCRM.users.READ'],
      returnTo: 'https://app.example.com/back',
    })
    const link = new URL(url).searchParams.get('link') ?? ''
    const query = `link=${encodeURIComponent(link)}&connection=other&scopes=ZohoCRM.modules.ALL`
    const first = await startConnect(harness, query, {})
    expect(first.status).toBe(302)
    const authorize = first.headers.get('location') ?? ''
    expect(new URL(authorize).searchParams.get('scope')).toBe('ZohoCRM.users.READ')
    const second = await startConnect(harness, query, {})
    expect(second.status).toBe(410)
    expect(await second.text()).toContain(
      'This connect link was already used: each link works once.',
    )
    const done = await callback(await consent(harness, authorize))
    expect(done.status).toBe(302)
    expect(done.response.headers.get('location')).toBe(
      'https://app.example.com/back?connection=tenant-7&status=connected',
    )
    expect(await harness.deps.store.get('other')).toBeNull()
    expect((await harness.deps.store.get('tenant-7'))?.email).toBe(USER)
  })

  it('GET /connect?link= refuses an expired link (410) and a forged one (400) without spending anything', async () => {
    let now = Date.now()
    harness = await brokerHarness({ deps: { now: () => now } })
    const { url } = mintConnectLink(harness.deps, { connection: 'tenant-7' })
    const link = new URL(url).searchParams.get('link') ?? ''
    const [encoded, signature] = link.split('.')
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(encoded ?? '', 'base64url').toString('utf8')),
        connection: 'victim',
      }),
    ).toString('base64url')
    const forged = await startConnect(harness, `link=${forgedPayload}.${signature}`, {})
    expect(forged.status).toBe(400)
    expect(await forged.text()).toContain(
      'This connect link was not issued by this broker, or it was changed.',
    )
    now += 31 * 60_000
    const expired = await startConnect(harness, `link=${encodeURIComponent(link)}`, {})
    expect(expired.status).toBe(410)
    expect(await expired.text()).toContain(
      'This connect link has expired: links work for 30 minutes.',
    )
  })

  it('GET /connect?link= with a bad return_to in the query is refused before the link is spent', async () => {
    harness = await brokerHarness()
    const { url } = mintConnectLink(harness.deps, { connection: 'tenant-7' })
    const link = encodeURIComponent(new URL(url).searchParams.get('link') ?? '')
    const bad = await startConnect(harness, `link=${link}&return_to=https://evil.example/`, {})
    expect(bad.status).toBe(400)
    const good = await startConnect(harness, `link=${link}`, {})
    expect(good.status).toBe(302)
  })
})

describe('GET /oauth/callback', () => {
  it('GET /oauth/callback exchanges the code with the PKCE verifier, stores the connection and says who connected', async () => {
    harness = await brokerHarness()
    const done = await callback(await connectFlow(harness, 'connection=acme'))
    expect(done.status).toBe(200)
    expect(done.response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(done.response.headers.get('x-frame-options')).toBe('DENY')
    expect(done.html).toContain('Zoho account connected')
    expect(done.html).toContain(
      `Connected ${USER} in Zoho’s US data centre as connection <code>acme</code>.`,
    )
    expect(done.html).toContain('href="/"')
    const stored = await harness.deps.store.get('acme')
    expect(stored?.email).toBe(USER)
    expect(stored?.status).toBe('active')
    expect(codeExchanges()).toBe(1)
  })

  it('GET /oauth/callback completes on another broker instance that shares the key ring and store', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme')
    const other = createBrokerApp({ ...harness.deps })
    const response = await other.request(path)
    expect(response.status).toBe(200)
    expect((await harness.deps.store.get('acme'))?.email).toBe(USER)
    // Used on one instance is used on all: the replay is refused by the first one.
    const replay = await callback(path)
    expect(replay.status).toBe(400)
    expect(replay.html).toContain('The callback state was already used')
    expect(codeExchanges()).toBe(1)
  })

  it('GET /oauth/callback exchanges the code in the user’s own data centre (location)', async () => {
    harness = await brokerHarness()
    await harness.control('users', { email: 'eu@example.com', dc: 'eu' })
    const path = await connectFlow(harness, 'connection=euro', { email: 'eu@example.com' })
    expect(new URLSearchParams(path.split('?')[1]).get('location')).toBe('eu')
    expect((await callback(path)).status).toBe(200)
    const stored = await harness.deps.store.get('euro')
    expect(stored?.dc).toBe('eu')
    expect(stored?.apiDomain).toBe('http://127.0.0.1:9/eu/api')
    expect(harness.emulator.stats().by_dc.eu?.token_endpoint.authorization_code).toBe(1)
  })

  it('GET /oauth/callback refuses a replayed callback, keeping the stored connection as it was', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme')
    expect((await callback(path)).status).toBe(200)
    const before = await harness.deps.store.get('acme')
    const again = await callback(path)
    expect(again.status).toBe(400)
    expect(again.html).toContain(
      'The callback state was already used: a login link completes only once.',
    )
    expect(await harness.deps.store.get('acme')).toEqual(before)
    expect(codeExchanges()).toBe(1)
  })

  it('GET /oauth/callback refuses a forged or missing state and sends nothing to Zoho', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme')
    const url = new URL(path, 'http://localhost:3001')
    const [encoded] = (url.searchParams.get('state') ?? '').split('.')
    url.searchParams.set('state', `${encoded}.AAAA`)
    const forged = await callback(`${url.pathname}${url.search}`)
    expect(forged.status).toBe(400)
    expect(forged.html).toContain(
      'The callback state was not issued by this login (forged, or from another one).',
    )
    url.searchParams.delete('state')
    const missing = await callback(`${url.pathname}${url.search}`)
    expect(missing.html).toContain('The callback carries no state.')
    expect(await harness.deps.store.get('acme')).toBeNull()
    expect(codeExchanges()).toBe(0)
  })

  it('GET /oauth/callback refuses a state older than 10 minutes', async () => {
    let now = Date.now()
    harness = await brokerHarness({ deps: { now: () => now } })
    const path = await connectFlow(harness, 'connection=acme')
    now += 11 * 60_000
    const late = await callback(path)
    expect(late.status).toBe(400)
    expect(late.html).toContain(
      'The callback state has expired: the login was started more than 10 minutes ago.',
    )
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('GET /oauth/callback refuses a foreign accounts-server: nothing stored, the code and secret never sent', async () => {
    harness = await brokerHarness()
    const sent: string[] = []
    const realFetch = harness.deps.fetch
    harness.deps.fetch = async (input, init) => {
      sent.push(String(input instanceof Request ? input.url : input))
      return realFetch(input, init)
    }
    const path = await connectFlow(harness, 'connection=acme')
    const url = new URL(path, 'http://localhost:3001')
    url.searchParams.set('accounts-server', 'https://accounts.evil.example')
    const response = await callback(`${url.pathname}${url.search}`)
    expect(response.status).toBe(400)
    expect(response.html).toContain('The Zoho account could not be connected')
    expect(response.html).toContain('https://accounts.evil.example')
    expect(response.html).toContain('nothing was stored')
    expect(await harness.deps.store.get('acme')).toBeNull()
    expect(codeExchanges()).toBe(0)
    expect(sent.filter((s) => s.includes('evil'))).toEqual([])
  })

  it('GET /oauth/callback shows a refusal (access_denied) as its own page and stores nothing', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme', { deny: true })
    const denied = await callback(path)
    expect(denied.status).toBe(400)
    expect(denied.html).toContain('Access was not granted')
    expect(denied.html).toContain('choose Accept on Zoho’s page')
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('GET /oauth/callback explains error=no_org and any other error Zoho sends', async () => {
    harness = await brokerHarness()
    for (const [error, text] of [
      ['no_org', 'This Zoho account has no organisation for these scopes'],
      [
        'server_error',
        'Zoho redirected back with error &quot;server_error&quot;; nothing was stored.',
      ],
    ] as const) {
      const started = await startConnect(harness, 'connection=acme')
      const state = new URL(started.headers.get('location') ?? '').searchParams.get('state') ?? ''
      const page = await callback(
        `/oauth/callback?state=${encodeURIComponent(state)}&error=${error}`,
      )
      expect(page.status).toBe(400)
      expect(page.html).toContain(text)
    }
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('GET /oauth/callback replaces the grant of an existing connection (a reconnect)', async () => {
    harness = await brokerHarness()
    await harness.control('users', { email: 'grace@example.com', dc: 'us' })
    await callback(await connectFlow(harness, 'connection=acme'))
    const done = await callback(
      await connectFlow(harness, 'connection=acme', { email: 'grace@example.com' }),
    )
    expect(done.status).toBe(200)
    expect((await harness.deps.store.get('acme'))?.email).toBe('grace@example.com')
  })

  it('GET /oauth/callback never renders or logs a code or token', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme')
    const code = new URLSearchParams(path.split('?')[1]).get('code') ?? ''
    const done = await callback(path)
    const stored = await harness.deps.store.get('acme')
    const secrets = [
      code,
      stored?.refreshToken ?? '',
      stored?.accessToken ?? '',
      harness.serverClient.clientSecret,
    ]
    const logs = JSON.stringify(harness.logs)
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10)
      expect(done.html).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
  })
})
