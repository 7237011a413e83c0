import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, selfClient, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

// Every route behind the bearer, with an id that exists once the test has connected "acme".
const PROTECTED: Array<[string, string, unknown?]> = [
  ['GET', '/api/v1/connections'],
  ['POST', '/api/v1/connections', { id: 'x', code: '1000.x' }],
  ['GET', '/api/v1/connections/acme'],
  ['DELETE', '/api/v1/connections/acme'],
  ['DELETE', '/api/v1/connections/acme?force=true'],
  ['GET', '/api/v1/connections/acme/token'],
  ['POST', '/api/v1/connections/acme/refresh'],
  ['POST', '/api/v1/connections/acme/leads', { name: 'Ada', email: 'ada@example.com' }],
  ['POST', '/api/v1/connect-links', { connection: 'acme' }],
  ['GET', '/api/v1/api-keys'],
  ['POST', '/api/v1/api-keys', { name: 'k' }],
  ['DELETE', '/api/v1/api-keys/some-id'],
  ['GET', '/api/v1/proxy/acme/crm/v8/users'],
]

// The JSON routes that take a body.
const WITH_BODY = [
  '/api/v1/connections',
  '/api/v1/connections/acme/refresh',
  '/api/v1/connections/acme/leads',
  '/api/v1/connect-links',
  '/api/v1/api-keys',
]

describe('the API refuses callers without a current key', () => {
  it('answers 401 ERR_UNAUTHORIZED without a bearer, with a wrong or deleted one, and changes nothing', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const created = (await (
      await send(harness, 'POST', '/api/v1/api-keys', { name: 'soon deleted' })
    ).json()) as { key: string; id: string }
    await send(harness, 'DELETE', `/api/v1/api-keys/${created.id}`)
    const refreshesBefore = harness.refreshes()
    for (const authorization of [
      '',
      'Bearer',
      'Bearer wrong',
      `Bearer ${ADMIN_TOKEN}x`,
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
      `Bearer ${created.key}`,
      `Bearer zab_${'A'.repeat(43)}`,
    ]) {
      for (const [method, path, body] of PROTECTED) {
        const response = await send(harness, method, path, body, { authorization })
        await expectError(response, 401, 'ERR_UNAUTHORIZED')
      }
    }
    expect(await harness.deps.store.listIds()).toEqual(['acme'])
    expect((await harness.deps.store.get('acme'))?.status).toBe('active')
    expect(await harness.deps.store.listApiKeys()).toEqual([])
    expect(harness.refreshes()).toBe(refreshesBefore)
  })
})

describe('the API refuses oversized bodies', () => {
  it('answers 413 ERR_PAYLOAD_TOO_LARGE for a declared or a streamed body past maxBodyBytes', async () => {
    harness = await brokerHarness({ settings: { maxBodyBytes: 1024 } })
    await harness.connect('acme')
    const big = JSON.stringify({ name: 'x'.repeat(2000), email: 'a@example.com' })
    for (const path of WITH_BODY) {
      await expectError(await send(harness, 'POST', path, big), 413, 'ERR_PAYLOAD_TOO_LARGE')
      // Without Content-Length: counted while it streams.
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 4; i++)
            controller.enqueue(new TextEncoder().encode(big.slice(i * 600, (i + 1) * 600)))
          controller.close()
        },
      })
      const response = await harness.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: streamed,
        duplex: 'half',
      } as RequestInit)
      const error = await expectError(response, 413, 'ERR_PAYLOAD_TOO_LARGE')
      expect(error.message).toBe('The request body is larger than this broker accepts (1024 bytes)')
    }
    expect(await harness.deps.store.listApiKeys()).toEqual([])
    expect(harness.refreshes()).toBe(0)
  })
})

describe('connection ids cannot change the path', () => {
  it('refuses encoded slashes, backslashes, dot segments and control characters with 400', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.connect('globex')
    for (const id of [
      '..%2Fglobex',
      'acme%2F..%2Fglobex',
      '%2e%2e%2F',
      'acme%5Cx',
      '%252F',
      'a%00b',
      '%20acme',
    ]) {
      for (const suffix of ['', '/token']) {
        const response = await harness.request(`/api/v1/connections/${id}${suffix}`)
        const error = await expectError(response, 400, 'ERR_BAD_REQUEST')
        expect(error.message).toMatch(/is not a valid connection id/)
      }
      await expectError(
        await send(harness, 'DELETE', `/api/v1/connections/${id}?force=true`),
        400,
        'ERR_BAD_REQUEST',
      )
    }
    // A whole `%2e%2e` segment is a dot segment to the URL parser: it climbs before routing, to a
    // route that does not exist, and never names a connection.
    await expectError(
      await harness.request('/api/v1/connections/%2e%2e/token'),
      404,
      'ERR_NOT_FOUND',
    )
    expect(await harness.deps.store.listIds()).toEqual(['acme', 'globex'])
  })
})

describe('no token or secret leaves the API where it should not', () => {
  it('no refresh token, client secret or admin token in any answer or log line; access tokens only where asked for', async () => {
    harness = await brokerHarness()
    const other = await selfClient(harness)
    const seen: Array<{ path: string; text: string }> = []
    const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
      const response = await send(harness, method, path, body)
      seen.push({ path, text: await response.clone().text() })
      return response
    }
    const grant = { client_id: other.clientId, client_secret: other.clientSecret }
    await call('POST', '/api/v1/connections', { id: 'acme', code: await other.code(), ...grant })
    await call('POST', '/api/v1/connections', { id: 'acme', code: await other.code(), ...grant })
    await call('POST', '/api/v1/connections', {
      id: 'b',
      code: '1000.' + 'a'.repeat(32) + '.' + 'b'.repeat(32),
      ...grant,
    })
    await call('POST', '/api/v1/connections', {
      id: 'c',
      code: await other.code(),
      client_id: other.clientId,
      client_secret: 'e'.repeat(42),
    })
    await call('GET', '/api/v1/connections')
    await call('GET', '/api/v1/connections/acme')
    await call('GET', '/api/v1/connections/acme/token')
    await call('POST', '/api/v1/connections/acme/refresh')
    await call('POST', '/api/v1/connections/acme/leads', {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    })
    await call('POST', '/api/v1/connections/acme/leads', {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    })
    await call('POST', '/api/v1/connect-links', { connection: 'acme' })
    await harness.control('faults', { path: '/oauth/v2/token/revoke', status: 500, count: 1 })
    await call('DELETE', '/api/v1/connections/acme')
    const stored = await harness.deps.store.get('acme')
    const refreshToken = stored?.refreshToken ?? ''
    const accessToken = stored?.accessToken ?? ''
    await call('DELETE', '/api/v1/connections/acme')
    expect(seen.map((s) => s.path).length).toBe(13)
    const secrets = [
      refreshToken,
      other.clientSecret,
      'e'.repeat(42),
      harness.serverClient.clientSecret,
      ADMIN_TOKEN,
    ]
    const logs = JSON.stringify(harness.logs)
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20)
      expect(logs).not.toContain(secret)
      for (const { path, text } of seen) expect(`${path} ${text}`).not.toContain(secret)
    }
    // The access token is in the token answers, and nowhere else.
    expect(accessToken.length).toBeGreaterThan(20)
    expect(logs).not.toContain(accessToken)
    const withToken = seen.filter((s) => s.text.includes(accessToken)).map((s) => s.path)
    expect(withToken).toEqual(['/api/v1/connections/acme/refresh'])
    const json = seen.map((s) => JSON.parse(s.text) as Json)
    expect(json.every((body) => typeof body === 'object')).toBe(true)
  })
})
