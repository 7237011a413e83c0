/**
 * The proxy on a real socket, as `zoho-auth serve` runs it (@hono/node-server): request targets
 * sent byte for byte with node:http, which — unlike fetch or a URL parser — does not resolve
 * `..`, `%2e%2e` or backslashes before the broker sees them.
 */
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, brokerHarness, type BrokerHarness } from '../src/server/test-support.js'

let harness: BrokerHarness
let server: ReturnType<typeof serve>
let port: number
const sent: string[] = []

beforeAll(async () => {
  const proxyFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    sent.push(request.url)
    return harness.emulator.fetch(request)
  }
  harness = await brokerHarness({ deps: { fetch: proxyFetch } })
  await harness.connect('acme')
  await harness.connect('globex')
  server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections()
    server.close(() => resolve())
  })
  await harness.close()
})

/** Sends `target` exactly as written; answers status and body. */
function raw(
  target: string,
  init: { method?: string; body?: string[]; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    for (const part of init.body ?? []) req.write(part)
    req.end()
  })
}

describe('ANY /api/v1/proxy/:id/* on a socket', () => {
  it('GET /api/v1/proxy/:id/crm/v8/users?type=CurrentUser: answers over HTTP', async () => {
    const answer = await raw('/api/v1/proxy/acme/crm/v8/users?type=CurrentUser')
    expect(answer.status).toBe(200)
    expect(answer.body).toContain('ada@example.com')
  })

  const climbing = [
    '/api/v1/proxy/acme/crm/../../../../x',
    '/api/v1/proxy/acme/%2e%2e/globex/crm/v8/users',
    '/api/v1/proxy/acme/%2E%2E/%2E%2E/connections',
    '/api/v1/proxy/acme/.%2e/globex/crm/v8/users',
    '/api/v1/proxy/acme/crm/./v8/users',
    '/api/v1/proxy/acme/%252e%252e/x',
  ]
  for (const target of climbing) {
    it(`ANY ${target}: 400 ERR_API_PATH, not re-routed, nothing sent`, async () => {
      sent.length = 0
      const answer = await raw(target)
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'ERR_API_PATH' } })
      expect(answer.body).toContain('climbs out of the API domain')
      expect(sent).toEqual([])
    })
  }

  for (const target of [
    '/api/v1/proxy/acme/crm\\..\\..\\x',
    '/api/v1/proxy/acme/\\\\evil.example/x',
  ]) {
    it(`ANY ${target}: a backslash is refused with 400, nothing sent`, async () => {
      sent.length = 0
      const answer = await raw(target)
      expect(answer.status).toBe(400)
      expect(sent).toEqual([])
    })
  }

  it('ANY /api/v1/proxy/:id/* with an absolute-form target naming another host: refused, nothing sent there', async () => {
    sent.length = 0
    const answer = await raw('http://evil.example/api/v1/proxy/acme//evil.example/x')
    expect(answer.status).toBe(400)
    expect(sent).toEqual([])
  })

  it('refuseDotSegments: a climbing path outside the proxy is a 400 ERR_BAD_REQUEST, not re-routed', async () => {
    const answer = await raw('/oauth/%2e%2e/api/v1/connections')
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({
      error: {
        code: 'ERR_BAD_REQUEST',
        message: 'The request path has a . or .. segment (plain or percent-encoded)',
      },
    })
  })

  it('POST /api/v1/proxy/:id/crm/v8/Leads: a chunked upload arrives whole', async () => {
    sent.length = 0
    const text = JSON.stringify({ data: [{ Last_Name: 'Chunked', Email: 'chunk@example.com' }] })
    const answer = await raw('/api/v1/proxy/acme/crm/v8/Leads', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: [text.slice(0, 12), text.slice(12)],
    })
    expect(answer.status).toBe(201)
    expect(answer.body).toContain('"SUCCESS"')
  })
})
