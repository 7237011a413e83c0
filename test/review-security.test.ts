/**
 * An outside security review of the broker (issue 8): each finding as a test that failed before
 * its fix (or still fails, where the fix is not a small one), and the attacks that held up, kept
 * so they stay held. Route tests use `app.request()`; the proxy's headers are checked with a
 * fetch that records what would have left for Zoho.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { mintConnectLink } from '../src/server/connect-link.js'
import { ADMIN_TOKEN, brokerHarness, type BrokerHarness } from '../src/server/test-support.js'
import { connectFlow, consent, signIn, startConnect } from './support/broker-ui-flow.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('review: /connect and the API agree on what a connection id is', () => {
  it('GET /connect refuses a connection name the API cannot address (., .., a/b, q?x, x%2e), storing nothing', async () => {
    harness = await brokerHarness()
    for (const id of ['..', '.', 'a/b', 'q?x', 'x%2e', 'back\\slash']) {
      const response = await startConnect(harness, `connection=${encodeURIComponent(id)}`)
      expect(response.status, id).toBe(400)
      expect(await response.text(), id).toContain('cannot be a connection name')
    }
    expect(await harness.deps.store.listIds()).toEqual([])
  })

  it('GET /connect still takes the ids the API takes (tenant:42, ada@example.com)', async () => {
    harness = await brokerHarness()
    for (const id of ['tenant:42', 'ada@example.com']) {
      const done = await harness.app.request(
        await connectFlow(harness, `connection=${encodeURIComponent(id)}`),
      )
      expect(done.status, id).toBe(200)
      const api = await harness.request(`/api/v1/connections/${encodeURIComponent(id)}`)
      expect(api.status, id).toBe(200)
    }
  })
})

describe('review: a connect link is never minted that /connect would refuse', () => {
  it('POST /api/v1/connect-links refuses a return_to with a tab or newline (400), so no link dies on first use', async () => {
    harness = await brokerHarness()
    for (const returnTo of ['https://app.example.com/a\tb', 'https://app.example.com/\nx']) {
      const response = await harness.request('/api/v1/connect-links', {
        method: 'POST',
        body: JSON.stringify({ connection: 't1', return_to: returnTo }),
      })
      expect(response.status, JSON.stringify(returnTo)).toBe(400)
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'ERR_BAD_REQUEST',
      )
    }
  })
})

describe('review: /connect by cookie from another site', () => {
  // Found by review: the Sec-Fetch-Site check failed open for browsers that send none (Safari
  // before 16.4, embedded web views). The connect form and Reconnect links now carry the
  // session's CSRF token, and a cookie without it starts nothing unless the browser vouches.
  it('GET /connect with the session cookie, no Sec-Fetch-Site and a Referer from another site is refused (403)', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    const response = await startConnect(harness, 'connection=tenant-42', {
      cookie,
      referer: 'https://evil.example/lure.html',
    })
    expect(response.status).toBe(403)
  })
})

describe('review: attacks that held up', () => {
  it('GET /oauth/callback refuses every spelling of a foreign accounts-server and sends nothing', async () => {
    harness = await brokerHarness()
    for (const server of [
      'https://accounts.zoho.com.evil.example',
      'https://accounts.zoho.com@evil.example',
      'https://evil.example/https://accounts.zoho.com',
      'http://127.0.0.1:9.evil.example/us/accounts',
    ]) {
      const path = await connectFlow(harness, 'connection=acme')
      const before = harness.emulator.stats().token_endpoint.authorization_code
      const url = new URL(path, 'http://localhost:3001')
      url.searchParams.set('accounts-server', server)
      const response = await harness.app.request(`${url.pathname}${url.search}`)
      expect(response.status, server).toBe(400)
      expect(harness.emulator.stats().token_endpoint.authorization_code, server).toBe(before)
    }
    expect(await harness.deps.store.get('acme')).toBeNull()
  })

  it('GET /connect?link= refuses a link with a segment added, a signature of another link, and a swapped payload', async () => {
    harness = await brokerHarness()
    const linkOf = (connection: string) =>
      new URL(mintConnectLink(harness.deps, { connection }).url).searchParams.get('link') ?? ''
    const [payloadA, signatureA] = linkOf('a').split('.')
    const [payloadB] = linkOf('b').split('.')
    for (const bad of [
      `${payloadA}.${signatureA}.x`,
      `${payloadB}.${signatureA}`,
      `${payloadA}.`,
      `.${signatureA}`,
    ]) {
      const response = await startConnect(harness, `link=${encodeURIComponent(bad)}`, {})
      expect(response.status, bad).toBe(400)
    }
    // Nothing above spent link a.
    const good = await startConnect(harness, `link=${payloadA}.${signatureA}`, {})
    expect(good.status).toBe(302)
  })

  it('GET /connect refuses return_to spelled to leave the allowlist (case, IDN, trailing dot, userinfo, backslash)', async () => {
    harness = await brokerHarness()
    for (const returnTo of [
      'https://app.example.com.',
      'https://app.еxample.com/',
      'https://app.example.com%2f@evil.example/',
      'https://APP.EXAMPLE.COM@evil.example/',
      '\\/evil.example/',
      '/%5Cevil.example/',
      'https:evil.example',
      'HTTPS://evil.example',
    ]) {
      const response = await startConnect(
        harness,
        `connection=acme&return_to=${encodeURIComponent(returnTo)}`,
      )
      const location = response.headers.get('location')
      // Either refused, or (for a relative path) kept on the broker itself.
      if (response.status === 302) {
        const state = new URL(location ?? '').searchParams.get('state') ?? ''
        const data = JSON.parse(
          JSON.parse(Buffer.from(state.split('.')[0] ?? '', 'base64url').toString('utf8')).d,
        ) as { r?: string }
        expect(new URL(data.r ?? '').origin, returnTo).toBe('http://localhost:3001')
      } else {
        expect(response.status, returnTo).toBe(400)
      }
    }
  })

  it('ANY /api/v1/proxy/:id/*: broker credentials and hop-by-hop headers never reach Zoho; Zoho’s cookies and redirects never act', async () => {
    const sent: Request[] = []
    const proxyFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init)
      if (!request.url.includes('/crm/')) return harness.emulator.fetch(request)
      sent.push(request)
      return new Response('{}', {
        status: 302,
        headers: { location: 'https://evil.example/steal', 'set-cookie': 'zoho=1' },
      })
    }
    harness = await brokerHarness({ deps: { fetch: proxyFetch } })
    await harness.connect('acme')
    const cookie = await signIn(harness)
    const response = await harness.request('/api/v1/proxy/acme/crm/v8/users', {
      headers: {
        cookie,
        'proxy-authorization': 'Basic c2VjcmV0',
        connection: 'x-hop',
        'x-hop': 'gone',
        te: 'trailers',
      },
    })
    expect(sent).toHaveLength(1)
    const forwarded = sent[0]?.headers ?? new Headers()
    expect(forwarded.get('authorization')).toMatch(/^Zoho-oauthtoken 1000\./)
    for (const name of ['cookie', 'proxy-authorization', 'x-hop', 'te', 'connection']) {
      expect(forwarded.has(name), name).toBe(false)
    }
    expect([...forwarded.values()].join(' ')).not.toContain(ADMIN_TOKEN)
    // The redirect is handed back, not followed with the token.
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('https://evil.example/steal')
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('GET / refuses a session cookie once the admin token has changed', async () => {
    harness = await brokerHarness()
    const cookie = await signIn(harness)
    expect((await harness.app.request('/', { headers: { cookie } })).status).toBe(200)
    harness.deps.settings.adminToken = 'another-admin-token-0123456789abcdef'
    const after = await harness.app.request('/', { headers: { cookie } })
    expect(after.status).toBe(302)
    expect(after.headers.get('location')).toBe('/sign-in')
  })

  it('GET /oauth/callback refuses a code from another flow under a good state (PKCE): nothing stored', async () => {
    harness = await brokerHarness()
    const first = new URL(await connectFlow(harness, 'connection=victim'), 'http://x')
    const second = new URL(await connectFlow(harness, 'connection=stranger'), 'http://x')
    // The stranger's code with the victim's unspent state: the verifier in that state does not
    // match the challenge the stranger's code was issued for.
    first.searchParams.set('code', second.searchParams.get('code') ?? '')
    const response = await harness.app.request(`${first.pathname}${first.search}`)
    expect(response.status).toBe(400)
    // The emulator answers a PKCE mismatch as Zoho does: invalid_code.
    expect(await response.text()).toContain('invalid_code')
    expect(await harness.deps.store.get('victim')).toBeNull()
    expect(await harness.deps.store.get('stranger')).toBeNull()
  })

  it('a connect flow’s callback cannot be finished twice, even for another connection', async () => {
    harness = await brokerHarness()
    const path = await connectFlow(harness, 'connection=acme')
    expect((await harness.app.request(path)).status).toBe(200)
    const replay = await harness.app.request(path)
    expect(replay.status).toBe(400)
    // A fresh code with the spent state is refused too.
    const again = await connectFlow(harness, 'connection=other')
    const state = new URL(path, 'http://x').searchParams.get('state') ?? ''
    const swapped = new URL(again, 'http://x')
    swapped.searchParams.set('state', state)
    expect((await harness.app.request(`${swapped.pathname}${swapped.search}`)).status).toBe(400)
    expect(await harness.deps.store.get('other')).toBeNull()
  })
})

// Keeps `consent` imported for flows that approve by hand.
void consent
