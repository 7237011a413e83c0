import { afterEach, describe, expect, it } from 'vitest'
import { createApiKey } from './api-keys.js'
import { brokerHarness, type BrokerHarness } from './test-support.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

describe('createBrokerApp', () => {
  it('answers /healthz and /readyz without authentication', async () => {
    harness = await brokerHarness()
    const health = await harness.app.request('/healthz')
    expect(health.status).toBe(200)
    const ready = await harness.app.request('/readyz')
    expect(await ready.json()).toEqual({ status: 'ready' })
  })

  it('/readyz answers 503 when the store does not', async () => {
    harness = await brokerHarness()
    harness.deps.store.listIds = async () => {
      throw new Error('database is down')
    }
    const ready = await harness.app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.text()).not.toContain('database is down')
  })

  it('refuses /api/v1 without a bearer, and with a wrong one, as JSON with a remedy', async () => {
    harness = await brokerHarness()
    for (const authorization of ['', 'Bearer nope', 'Basic abc']) {
      const response = await harness.request('/api/v1/connections', {
        headers: { authorization },
      })
      expect(response.status).toBe(401)
      const body = (await response.json()) as { error: { code: string; remedy: string } }
      expect(body.error.code).toBe('ERR_UNAUTHORIZED')
      expect(body.error.remedy).toContain('Authorization: Bearer')
    }
  })

  it('answers an unknown route with a JSON 404', async () => {
    harness = await brokerHarness()
    const response = await harness.request('/api/v1/nope')
    expect(response.status).toBe(404)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'ERR_NOT_FOUND',
    )
  })

  it('the harness can make a connection through the emulator', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const token = await harness.deps.manager.getToken('acme')
    expect(token.apiDomain).toBe('http://127.0.0.1:9/us/api')
  })
})

describe('callerFromBearer', () => {
  it('callerFromBearer records an API key’s use at most once a minute, not on every call', async () => {
    harness = await brokerHarness()
    const { key, record } = await createApiKey(harness.deps.store, 'backend', Date.now())
    let touches = 0
    const touch = harness.deps.store.touchApiKey.bind(harness.deps.store)
    harness.deps.store.touchApiKey = async (id, now) => {
      touches++
      return touch(id, now)
    }
    for (let i = 0; i < 5; i++) {
      const response = await harness.request('/api/v1/connections', {
        headers: { authorization: `Bearer ${key}` },
      })
      expect(response.status).toBe(200)
    }
    expect(touches).toBe(1)
    const [stored] = await harness.deps.store.listApiKeys()
    expect(stored?.id).toBe(record.id)
    expect(stored?.lastUsedAt).not.toBeNull()
  })
})
