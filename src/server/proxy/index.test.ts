import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { parsePrometheus } from '../ops/test-support.js'

let harness: BrokerHarness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

interface Seen {
  url: string
  method: string
  headers: Headers
  body: string
}

/** A harness whose proxy fetch records what reached "Zoho" and can dress up its answers. */
async function recording(
  dress: (response: Response) => Response = (response) => response,
): Promise<{ h: BrokerHarness; seen: Seen[] }> {
  const seen: Seen[] = []
  const proxyFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    const copy = request.clone()
    seen.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await copy.text(),
    })
    return dress(await (harness as BrokerHarness).emulator.fetch(request))
  }
  const h = (harness = await brokerHarness({ deps: { fetch: proxyFetch } }))
  await h.connect('acme')
  return { h, seen }
}

const LEAD = { data: [{ Last_Name: 'Lovelace', First_Name: 'Ada', Email: 'ada@lovelace.example' }] }

describe('ANY /api/v1/proxy/:id/*', () => {
  it('GET /api/v1/proxy/:id/crm/v8/users?type=CurrentUser: answers Zoho’s CurrentUser with the connection’s token', async () => {
    const { h, seen } = await recording()
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { users: Array<{ email: string }> }
    expect(body.users[0]?.email).toBe('ada@example.com')
    const { accessToken } = await h.deps.manager.getToken('acme')
    expect(seen).toHaveLength(1)
    expect(seen[0]?.url).toBe('http://127.0.0.1:9/us/api/crm/v8/users?type=CurrentUser')
    expect(seen[0]?.headers.get('authorization')).toBe(`Zoho-oauthtoken ${accessToken}`)
  })

  it('POST /api/v1/proxy/:id/crm/v8/Leads: forwards a JSON body and answers Zoho’s status and body', async () => {
    const { h, seen } = await recording()
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(LEAD),
    })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { data: Array<{ code: string; details: Json }> }
    expect(body.data[0]?.code).toBe('SUCCESS')
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(LEAD)
    expect(seen[0]?.headers.get('content-type')).toBe('application/json')
    const id = String(body.data[0]?.details.id)
    const read = await h.request(`/api/v1/proxy/acme/crm/v8/Leads/${id}`)
    const stored = (await read.json()) as { data: Array<{ Email: string }> }
    expect(stored.data[0]?.Email).toBe('ada@lovelace.example')
  })

  it('POST /api/v1/proxy/:id/*: a streamed body arrives whole, in the chunks it was sent in', async () => {
    const { h, seen } = await recording()
    const text = JSON.stringify(LEAD)
    const parts = [text.slice(0, 10), text.slice(10, 30), text.slice(30)]
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(201)
    expect(seen[0]?.body).toBe(text)
  })

  it('GET /api/v1/proxy/:id/*: a token Zoho refuses (INVALID_TOKEN) is refreshed once and the call retried', async () => {
    const { h, seen } = await recording()
    const before = await h.deps.manager.getToken('acme')
    // Zoho's clock passes the token's expiry; ours does not, so only Zoho's 401 tells us.
    await h.control('clock', { advance_seconds: 3700 })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    expect(response.status).toBe(200)
    expect(h.refreshes()).toBe(1)
    const after = await h.deps.manager.getToken('acme')
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(seen.map((s) => s.headers.get('authorization'))).toEqual([
      `Zoho-oauthtoken ${before.accessToken}`,
      `Zoho-oauthtoken ${after.accessToken}`,
    ])
  })

  it('POST /api/v1/proxy/:id/*: the retry after a refused token sends the streamed body again, whole', async () => {
    const { h, seen } = await recording()
    await h.control('clock', { advance_seconds: 3700 })
    const text = JSON.stringify(LEAD)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text.slice(0, 7)))
        controller.enqueue(new TextEncoder().encode(text.slice(7)))
        controller.close()
      },
    })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(201)
    expect(seen.map((s) => s.body)).toEqual([text, text])
    expect(h.refreshes()).toBe(1)
  })

  it('GET /api/v1/proxy/:id/*: 100 concurrent calls refused with one expired token cause one refresh', async () => {
    const { h } = await recording()
    await h.deps.manager.getToken('acme')
    await h.control('clock', { advance_seconds: 3700 })
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser'),
      ),
    )
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 100 }, () => 200))
    expect(h.refreshes()).toBe(1)
  })

  it('ANY /api/v1/proxy/:id/*: a 401 that is not a token refusal is passed back untouched, with no refresh', async () => {
    // Invoice's 57 with 401: a missing scope, which a refresh cannot cure.
    const { h, seen } = await recording(
      () =>
        new Response(JSON.stringify({ code: 57, message: 'You are not authorized' }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
    )
    const response = await h.request('/api/v1/proxy/acme/invoice/v3/invoices')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ code: 57, message: 'You are not authorized' })
    expect(seen).toHaveLength(1)
    expect(h.refreshes()).toBe(0)
  })

  it('ANY /api/v1/proxy/:id/*: Zoho’s error answers are passed back with Zoho’s status and body', async () => {
    const { h } = await recording()
    const { accessToken } = await h.deps.manager.getToken('acme')
    const direct = await h.emulator.fetch(
      new Request('http://127.0.0.1:9/us/api/crm/v8/Leads/1', {
        headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
      }),
    )
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads/1')
    expect(response.status).toBe(direct.status)
    expect(response.status).toBeGreaterThanOrEqual(400)
    const body = await response.text()
    expect(body).toBe(await direct.text())
    expect(body).toContain('INVALID_DATA')
  })

  it('ANY /api/v1/proxy/:id/*: hop-by-hop headers, Authorization, Cookie and Host never reach Zoho', async () => {
    const { h, seen } = await recording()
    await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser', {
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        cookie: 'zab_session=secret-session',
        connection: 'keep-alive, x-private-hop',
        'x-private-hop': 'for the broker only',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic abc',
        te: 'trailers',
        trailer: 'x-checksum',
        upgrade: 'websocket',
        host: 'evil.example',
        'x-request-id': 'kept-1',
      },
    })
    const headers = seen[0]?.headers as Headers
    for (const name of [
      'cookie',
      'connection',
      'x-private-hop',
      'keep-alive',
      'proxy-authorization',
      'te',
      'trailer',
      'upgrade',
      'host',
    ]) {
      expect(headers.has(name), name).toBe(false)
    }
    expect(headers.get('authorization')).toMatch(/^Zoho-oauthtoken 1000\./)
    expect(JSON.stringify([...headers])).not.toContain(ADMIN_TOKEN)
    expect(headers.get('x-request-id')).toBe('kept-1')
  })

  it('ANY /api/v1/proxy/:id/*: Set-Cookie and hop-by-hop headers from Zoho never reach the caller', async () => {
    const { h } = await recording((response) => {
      const headers = new Headers(response.headers)
      headers.append('set-cookie', 'crmcsr=zoho-session; Path=/')
      headers.set('connection', 'x-zoho-hop')
      headers.set('x-zoho-hop', 'internal')
      headers.set('keep-alive', 'timeout=5')
      headers.set('proxy-authenticate', 'Basic')
      headers.set('x-ratelimit-remaining', '99')
      return new Response(response.body, { status: response.status, headers })
    })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    expect(response.status).toBe(200)
    for (const name of [
      'set-cookie',
      'connection',
      'x-zoho-hop',
      'keep-alive',
      'proxy-authenticate',
    ]) {
      expect(response.headers.has(name), name).toBe(false)
    }
    expect(response.headers.get('x-ratelimit-remaining')).toBe('99')
  })

  it('ANY /api/v1/proxy/:id/*: counts each call by status and times it in /metrics', async () => {
    const { h } = await recording()
    await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    await h.request('/api/v1/proxy/acme/%2fetc')
    await h.request('/api/v1/proxy/nope/crm/v8/users')
    const parsed = parsePrometheus(await (await h.request('/metrics')).text())
    expect(parsed.value('zoho_auth_proxy_requests_total', { status: '200' })).toBe(1)
    expect(parsed.value('zoho_auth_proxy_requests_total', { status: '400' })).toBe(1)
    expect(parsed.value('zoho_auth_proxy_requests_total', { status: '404' })).toBe(1)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_count')).toBe(3)
  })

  it('ANY /api/v1/proxy/:id/*: an unknown connection is a JSON 404 with a remedy, and nothing is sent', async () => {
    const { h, seen } = await recording()
    const response = await h.request('/api/v1/proxy/nope/crm/v8/users')
    expect(response.status).toBe(404)
    const body = (await response.json()) as { error: { code: string; remedy: string } }
    expect(body.error.code).toBe('ERR_CONNECTION_NOT_FOUND')
    expect(body.error.remedy).not.toBe('')
    expect(seen).toHaveLength(0)
  })

  it('ANY /api/v1/proxy/:id/*: a method Zoho’s APIs do not take is a 405', async () => {
    const { h, seen } = await recording()
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', { method: 'PROPFIND' })
    expect(response.status).toBe(405)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'ERR_METHOD_NOT_ALLOWED',
    )
    expect(seen).toHaveLength(0)
  })
})
