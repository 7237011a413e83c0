import { afterEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, brokerHarness, type BrokerHarness } from '../test-support.js'
import { pathWithoutQuery } from './request-log.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

const CODE = `1000.${'c'.repeat(32)}.${'d'.repeat(32)}`

describe('requestLog', () => {
  it('requestLog: one line per request with method, path, route, status, ms and caller', async () => {
    harness = await brokerHarness()
    await harness.request('/healthz', { headers: { authorization: '' } })
    await harness.request('/api/v1/connections/nope')
    const lines = harness.logs.filter((line) => line.msg === 'request')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/healthz',
      route: '/healthz',
      status: 200,
      caller: 'anonymous',
    })
    expect(typeof lines[0]?.ms).toBe('number')
    expect(lines[1]).toMatchObject({ path: '/api/v1/connections/nope', caller: 'admin' })
    expect(lines[1]?.status).toBeGreaterThanOrEqual(400)
    expect(lines[1]?.level).toBe('warn')
  })

  it('requestLog: a callback URL’s code and state, and a connect link, never reach the log', async () => {
    harness = await brokerHarness()
    await harness.request(
      `/oauth/callback?code=${CODE}&state=signed-state-value&location=us&accounts-server=https%3A%2F%2Faccounts.zoho.com`,
      { headers: { authorization: '' } },
    )
    await harness.request('/connect?link=eyJsaW5rIjoic2VjcmV0In0.c2lnbmF0dXJl', {
      headers: { authorization: '' },
    })
    const text = JSON.stringify(harness.logs)
    expect(text).toContain('/oauth/callback')
    for (const secret of [CODE, 'cccccccc', 'signed-state-value', 'eyJsaW5r', 'c2lnbmF0dXJl']) {
      expect(text).not.toContain(secret)
    }
    expect(text).not.toContain(ADMIN_TOKEN)
  })

  it('requestLog: a request nothing matched is logged with no route', async () => {
    harness = await brokerHarness()
    await harness.request('/nothing-here?token=abc')
    const line = harness.logs.find((entry) => entry.msg === 'request')
    expect(line).toMatchObject({ path: '/nothing-here', route: null, status: 404 })
  })
})

describe('pathWithoutQuery', () => {
  it('pathWithoutQuery: drops the query and the fragment', () => {
    expect(pathWithoutQuery('http://h/oauth/callback?code=x#y')).toBe('/oauth/callback')
    expect(pathWithoutQuery('/connect?link=x')).toBe('/connect')
  })
})
