import { afterEach, describe, expect, it } from 'vitest'
import { BASE, brokerHarness, type BrokerHarness } from '../test-support.js'

let harness: BrokerHarness | undefined
afterEach(async () => {
  await harness?.close()
  harness = undefined
})

const LEAD = JSON.stringify({ data: [{ Last_Name: 'Early', Email: 'early@example.com' }] })

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  let index = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[index++]
      if (part === undefined) controller.close()
      else controller.enqueue(new TextEncoder().encode(part))
    },
  })
}

describe('ANY /api/v1/proxy/:id/* retry after a refused token', () => {
  it('POST /api/v1/proxy/:id/*: Zoho refusing the token after reading part of a stream still gets all of it on the retry', async () => {
    const received: string[] = []
    let calls = 0
    const proxyFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init)
      calls += 1
      if (calls === 1) {
        // Like a server that checks the token before reading the whole upload.
        const reader = (request.body as ReadableStream<Uint8Array>).getReader()
        const first = await reader.read()
        received.push(new TextDecoder().decode(first.value))
        await reader.cancel()
        return new Response(
          JSON.stringify({
            code: 'INVALID_TOKEN',
            details: {},
            message: 'invalid oauth token',
            status: 'error',
          }),
          { status: 401, headers: { 'content-type': 'application/json' } },
        )
      }
      received.push(await request.clone().text())
      return (harness as BrokerHarness).emulator.fetch(request)
    }
    const h = (harness = await brokerHarness({ deps: { fetch: proxyFetch } }))
    await h.connect('acme')
    const response = await h.request('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: streamOf([LEAD.slice(0, 9), LEAD.slice(9, 20), LEAD.slice(20)]),
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(201)
    expect(received).toEqual([LEAD.slice(0, 9), LEAD])
    expect(h.refreshes()).toBe(1)
  })

  it('GET /api/v1/proxy/:id/*: a refused token whose grant is dead answers 409 ERR_NEEDS_REAUTH with a remedy', async () => {
    const h = (harness = await brokerHarness())
    await h.connect('acme')
    const stored = await h.deps.store.get('acme')
    await h.emulator.fetch(
      new Request(
        `${BASE}/us/accounts/oauth/v2/token/revoke?token=${String(stored?.refreshToken)}`,
        {
          method: 'POST',
        },
      ),
    )
    await h.control('clock', { advance_seconds: 3700 })
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    expect(response.status).toBe(409)
    const body = (await response.json()) as { error: { code: string; remedy: string } }
    expect(body.error.code).toBe('ERR_NEEDS_REAUTH')
    expect(body.error.remedy).not.toBe('')
    expect(JSON.stringify(body)).not.toContain(String(stored?.refreshToken))
    expect((await h.deps.store.get('acme'))?.status).toBe('needs_reauth')
  })

  it('GET /api/v1/proxy/:id/*: a token refused again after the refresh is passed back, with no second refresh', async () => {
    let calls = 0
    const proxyFetch: typeof fetch = async () => {
      calls += 1
      return new Response(
        JSON.stringify({
          code: 'AUTHENTICATION_FAILURE',
          details: {},
          message: 'Authentication failed',
          status: 'error',
        }),
        { status: 401, headers: { 'content-type': 'application/json' } },
      )
    }
    const h = (harness = await brokerHarness({ deps: { fetch: proxyFetch } }))
    await h.connect('acme')
    const response = await h.request('/api/v1/proxy/acme/crm/v8/users')
    expect(response.status).toBe(401)
    expect(((await response.json()) as { code: string }).code).toBe('AUTHENTICATION_FAILURE')
    expect(calls).toBe(2)
    expect(h.refreshes()).toBe(1)
  })
})
