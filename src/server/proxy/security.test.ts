import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness } from '../test-support.js'

let harness: BrokerHarness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

async function setup(
  settings: { maxBodyBytes?: number } = {},
  dress?: (response: Response) => Response,
): Promise<{ h: BrokerHarness; sent: string[] }> {
  const sent: string[] = []
  const proxyFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    sent.push(request.url)
    const response = await (harness as BrokerHarness).emulator.fetch(request)
    return dress ? dress(response) : response
  }
  const h = (harness = await brokerHarness({ settings, deps: { fetch: proxyFetch } }))
  await h.connect('acme')
  return { h, sent }
}

type ErrorBody = { error: { code: string; message: string; remedy: string } }

describe('ANY /api/v1/proxy/:id/* refuses paths that leave the API domain', () => {
  // What the URL parser leaves for the route to see; `..`, `%2e%2e` and backslashes it resolves
  // before any route, and those are checked on a real socket in test/broker-proxy-socket.test.ts.
  const cases: Array<[string, string]> = [
    ['/crm/%252e%252e/%252e%252e/x', 'it climbs out of the API domain (a . or .. segment)'],
    ['/crm/%25252e%25252e/x', 'it climbs out of the API domain (a . or .. segment)'],
    ['/crm%2fv8/users', 'it contains an encoded / or \\'],
    ['/crm%2Fv8/users', 'it contains an encoded / or \\'],
    ['/crm/%2e%2e%2f%2e%2e%2fx', 'it contains an encoded / or \\'],
    ['/crm%5cv8/users', 'it contains an encoded / or \\'],
    ['/crm%255cv8/users', 'it contains an encoded / or \\'],
    ['/%252f%252fevil.example/x', 'it contains an encoded / or \\'],
    ['/@evil.example/crm/v8/users', 'it contains "@"'],
    ['/crm/v8/users@evil.example', 'it contains "@"'],
    ['//evil.example/crm/v8/users', 'it names another host (//host)'],
    ['/https://evil.example/crm/v8/users', 'it is an absolute URL'],
    ['/http:%2f%2fevil.example/x', 'it is an absolute URL'],
    ['/crm/v8//users', 'it has an empty segment (//)'],
    ['/crm/%00/users', 'it contains a control character'],
    ['/crm/%zz/users', 'it contains a malformed percent-encoding'],
    ['', 'it is empty'],
  ]
  for (const [path, reason] of cases) {
    it(`ANY /api/v1/proxy/:id${path}: 400 ERR_API_PATH (${reason}), nothing sent`, async () => {
      const { h, sent } = await setup()
      const response = await h.request(`/api/v1/proxy/acme${path}`)
      expect(response.status).toBe(400)
      const body = (await response.json()) as ErrorBody
      expect(body.error.code).toBe('ERR_API_PATH')
      expect(body.error.message).toContain(reason)
      expect(body.error.remedy).toContain('relative to the connection')
      expect(sent).toEqual([])
    })
  }

  it('ANY /api/v1/proxy/:id/*: a path the parser leaves alone goes to the API domain only', async () => {
    const { h, sent } = await setup()
    await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser&x=@evil.example')
    expect(sent).toEqual([
      'http://127.0.0.1:9/us/api/crm/v8/users?type=CurrentUser&x=@evil.example',
    ])
  })
})

describe('ANY /api/v1/proxy/:id/* authentication', () => {
  it('ANY /api/v1/proxy/:id/*: without a bearer, or with a wrong one, 401 and nothing sent', async () => {
    const { h, sent } = await setup()
    for (const authorization of ['', 'Bearer zab_wrong', 'Zoho-oauthtoken 1000.x.y']) {
      const response = await h.request('/api/v1/proxy/acme/crm/v8/users', {
        headers: { authorization },
      })
      expect(response.status).toBe(401)
      expect(((await response.json()) as ErrorBody).error.code).toBe('ERR_UNAUTHORIZED')
    }
    expect(sent).toEqual([])
  })
})

describe('ANY /api/v1/proxy/:id/* body limit', () => {
  it('POST /api/v1/proxy/:id/*: a declared Content-Length over maxBodyBytes is a 413 before anything is sent', async () => {
    const { h, sent } = await setup({ maxBodyBytes: 64 })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '65' },
      body: 'x'.repeat(65),
    })
    expect(response.status).toBe(413)
    const body = (await response.json()) as ErrorBody
    expect(body.error).toMatchObject({
      code: 'ERR_PAYLOAD_TOO_LARGE',
      message: 'The request body is larger than the broker accepts (64 bytes)',
    })
    expect(sent).toEqual([])
  })

  it('POST /api/v1/proxy/:id/*: a streamed body that grows past maxBodyBytes is cut off with a 413', async () => {
    const { h } = await setup({ maxBodyBytes: 64 })
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(30)))
        controller.close()
      },
    })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(((await response.json()) as ErrorBody).error.code).toBe('ERR_PAYLOAD_TOO_LARGE')
  })

  it('POST /api/v1/proxy/:id/*: a body of exactly maxBodyBytes is forwarded', async () => {
    const lead = JSON.stringify({ data: [{ Last_Name: 'Lovelace' }] })
    const { h } = await setup({ maxBodyBytes: lead.length })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: lead,
    })
    expect(response.status).toBe(201)
  })
})

describe('ANY /api/v1/proxy/:id/* response streaming', () => {
  it('GET /api/v1/proxy/:id/*: the caller reads Zoho’s first bytes before Zoho has sent the rest', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { h } = await setup({}, () => {
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode('{"first":'))
          await gate
          controller.enqueue(new TextEncoder().encode('"chunk"}'))
          controller.close()
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
    })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users')
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('{"first":')
    release()
    let rest = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      rest += new TextDecoder().decode(value)
    }
    expect(rest).toBe('"chunk"}')
  })
})
