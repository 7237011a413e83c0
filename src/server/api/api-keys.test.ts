import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

const asKey = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` })

async function createKey(name = 'billing backend'): Promise<Json & { key: string; id: string }> {
  const response = await send(harness, 'POST', '/api/v1/api-keys', { name })
  expect(response.status).toBe(201)
  expect(response.headers.get('cache-control')).toBe('no-store')
  return (await response.json()) as Json & { key: string; id: string }
}

describe('/api/v1/api-keys', () => {
  it('POST shows the key once; GET lists it by prefix only, never the key or its hash', async () => {
    harness = await brokerHarness()
    const created = await createKey()
    expect(created).toEqual({
      id: expect.any(String),
      name: 'billing backend',
      prefix: created.key.slice(0, 10),
      key: expect.stringMatching(/^zab_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
      last_used_at: null,
    })
    const listed = await harness.request('/api/v1/api-keys')
    const text = await listed.text()
    expect(text).not.toContain(created.key)
    const [record] = await harness.deps.store.listApiKeys()
    expect(text).not.toContain(record?.hash)
    expect(JSON.parse(text)).toEqual({
      api_keys: [
        {
          id: created.id,
          name: 'billing backend',
          prefix: created.prefix,
          created_at: created.created_at,
          last_used_at: null,
        },
      ],
    })
  })

  it('a created key is a bearer for the API, and its use is recorded', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const { key } = await createKey()
    const token = await harness.request('/api/v1/connections/acme/token', { headers: asKey(key) })
    expect(token.status).toBe(200)
    const [record] = await harness.deps.store.listApiKeys()
    expect(record?.lastUsedAt).not.toBeNull()
  })

  it('an API key caller gets 403 ERR_FORBIDDEN on every API-key route', async () => {
    harness = await brokerHarness()
    const { key, id } = await createKey()
    for (const [method, path, body] of [
      ['GET', '/api/v1/api-keys', undefined],
      ['POST', '/api/v1/api-keys', { name: 'more' }],
      ['DELETE', `/api/v1/api-keys/${id}`, undefined],
    ] as const) {
      const error = await expectError(
        await send(harness, method, path, body, asKey(key)),
        403,
        'ERR_FORBIDDEN',
      )
      expect(error.message).toBe('API keys are managed by the admin only')
    }
    expect((await harness.deps.store.listApiKeys()).map((k) => k.id)).toEqual([id])
  })

  it('DELETE removes a key, which stops working at once', async () => {
    harness = await brokerHarness()
    const { key, id } = await createKey()
    expect((await harness.request('/api/v1/connections', { headers: asKey(key) })).status).toBe(200)
    const deleted = await send(harness, 'DELETE', `/api/v1/api-keys/${id}`)
    expect(await deleted.json()).toEqual({ deleted: true })
    await expectError(
      await harness.request('/api/v1/connections', { headers: asKey(key) }),
      401,
      'ERR_UNAUTHORIZED',
    )
    await expectError(await send(harness, 'DELETE', `/api/v1/api-keys/${id}`), 404, 'ERR_NOT_FOUND')
  })

  it('POST refuses a missing, empty or overlong name', async () => {
    harness = await brokerHarness()
    for (const [body, message] of [
      [{}, 'Field "name" is missing or empty'],
      [{ name: '   ' }, 'Field "name" is missing or empty'],
      [{ name: 'x'.repeat(101) }, 'Field "name" is too long'],
      [{ name: 'a', scope: 'all' }, 'Unknown field "scope"'],
    ] as const) {
      const error = await expectError(
        await send(harness, 'POST', '/api/v1/api-keys', body),
        400,
        'ERR_BAD_REQUEST',
      )
      expect(error.message).toBe(message)
    }
    expect(await harness.deps.store.listApiKeys()).toEqual([])
  })
})
