import { afterEach, describe, expect, it } from 'vitest'
import { brokerHarness, type BrokerHarness } from '../test-support.js'
import { BrokerMetrics } from './metrics.js'
import { instrumentFetch } from './instrument-fetch.js'
import { escapeLabelValue, renderFamilies } from './prometheus.js'
import { parsePrometheus } from './test-support.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

async function scrape(h: BrokerHarness): Promise<ReturnType<typeof parsePrometheus>> {
  const response = await h.request('/metrics', { headers: { authorization: '' } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parsePrometheus(await response.text())
}

describe('GET /metrics', () => {
  it('GET /metrics: every family has HELP and TYPE, counters start at 0, and no bearer is needed', async () => {
    harness = await brokerHarness()
    const parsed = await scrape(harness)
    expect(Object.fromEntries(parsed.types)).toEqual({
      zoho_auth_refreshes_total: 'counter',
      zoho_auth_token_endpoint_requests_total: 'counter',
      zoho_auth_proxy_requests_total: 'counter',
      zoho_auth_proxy_duration_seconds: 'histogram',
      zoho_auth_connections: 'gauge',
      zoho_auth_quota_mints_left: 'gauge',
      zoho_auth_store_up: 'gauge',
    })
    for (const name of parsed.types.keys()) expect(parsed.helps.get(name)).toBeTruthy()
    for (const outcome of ['success', 'needs_reauth', 'failed']) {
      expect(parsed.value('zoho_auth_refreshes_total', { outcome })).toBe(0)
    }
    for (const status of ['active', 'needs_reauth', 'revoked']) {
      expect(parsed.value('zoho_auth_connections', { status })).toBe(0)
    }
    expect(parsed.value('zoho_auth_proxy_duration_seconds_bucket', { le: '+Inf' })).toBe(0)
    expect(parsed.value('zoho_auth_store_up')).toBe(1)
  })

  it('GET /metrics: counts token-endpoint requests by grant type, connections by status, and quota left', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    await harness.connect('globex')
    const { accessToken } = await harness.deps.manager.getToken('acme')
    await harness.deps.manager.invalidate('acme', accessToken)
    await harness.deps.store.update('globex', { status: 'needs_reauth' }, 1, Date.now())
    const parsed = await scrape(harness)
    expect(
      parsed.value('zoho_auth_token_endpoint_requests_total', {
        grant_type: 'authorization_code',
      }),
    ).toBe(2)
    expect(
      parsed.value('zoho_auth_token_endpoint_requests_total', { grant_type: 'refresh_token' }),
    ).toBe(harness.refreshes())
    expect(harness.refreshes()).toBe(1)
    expect(parsed.value('zoho_auth_connections', { status: 'active' })).toBe(1)
    expect(parsed.value('zoho_auth_connections', { status: 'needs_reauth' })).toBe(1)
    // The code exchange minted the first access token, the refresh the second.
    expect(parsed.value('zoho_auth_quota_mints_left', { connection: 'acme' })).toBe(8)
    // Only active connections can mint: the dead one has no quota line.
    expect(parsed.value('zoho_auth_quota_mints_left', { connection: 'globex' })).toBeUndefined()
  })

  it('GET /metrics: holds no token of the connections it lists', async () => {
    harness = await brokerHarness()
    await harness.connect('acme')
    const stored = await harness.deps.store.get('acme')
    const response = await harness.request('/metrics', { headers: { authorization: '' } })
    const text = await response.text()
    expect(text).toContain('connection="acme"')
    expect(text).not.toContain(String(stored?.refreshToken))
    expect(text).not.toContain(String(stored?.accessToken))
  })

  it('GET /metrics: a store that does not answer still gives the counters and store_up 0', async () => {
    harness = await brokerHarness()
    harness.deps.store.list = async () => {
      throw new Error('database is down')
    }
    const parsed = await scrape(harness)
    expect(parsed.value('zoho_auth_store_up')).toBe(0)
    expect(parsed.value('zoho_auth_refreshes_total', { outcome: 'success' })).toBe(0)
    expect(parsed.types.has('zoho_auth_connections')).toBe(false)
    expect(harness.logs.some((line) => line.msg === 'metrics: the store did not answer')).toBe(true)
  })
})

describe('BrokerMetrics', () => {
  it('BrokerMetrics.observeProxy: counts by status and fills cumulative buckets', () => {
    const metrics = new BrokerMetrics()
    metrics.observeProxy(200, 0.0004)
    metrics.observeProxy(200, 0.03)
    metrics.observeProxy(502, 20)
    const parsed = parsePrometheus(metrics.render())
    expect(parsed.value('zoho_auth_proxy_requests_total', { status: '200' })).toBe(2)
    expect(parsed.value('zoho_auth_proxy_requests_total', { status: '502' })).toBe(1)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_bucket', { le: '0.001' })).toBe(1)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_bucket', { le: '0.05' })).toBe(2)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_bucket', { le: '10' })).toBe(2)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_bucket', { le: '+Inf' })).toBe(3)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_count')).toBe(3)
    expect(parsed.value('zoho_auth_proxy_duration_seconds_sum')).toBeCloseTo(20.0304, 6)
  })
})

describe('renderFamilies', () => {
  it('renderFamilies: escapes backslashes, quotes and newlines in label values and help', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
    const text = renderFamilies([
      {
        name: 'x_total',
        help: 'line one\nline two \\ done',
        type: 'gauge',
        samples: [{ labels: { connection: 'we"ird\\id\n' }, value: 1 }],
      },
    ])
    expect(text).toBe(
      '# HELP x_total line one\\nline two \\\\ done\n# TYPE x_total gauge\nx_total{connection="we\\"ird\\\\id\\n"} 1\n',
    )
    expect(parsePrometheus(text).samples[0]?.labels.connection).toBe('we"ird\\id\n')
  })
})

describe('instrumentFetch', () => {
  it('instrumentFetch: counts POSTs to /oauth/v2/token by grant_type and nothing else', async () => {
    const metrics = new BrokerMetrics()
    const seen: string[] = []
    const wrapped = instrumentFetch(metrics, async (input) => {
      seen.push(String(input))
      return new Response('{}')
    })
    const form = { method: 'POST', body: 'grant_type=refresh_token&refresh_token=x' }
    await wrapped('https://accounts.zoho.eu/oauth/v2/token', form)
    await wrapped('https://accounts.zoho.eu/oauth/v2/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
    await wrapped('https://accounts.zoho.eu/oauth/v2/token/revoke?token=x', { method: 'POST' })
    await wrapped('https://www.zohoapis.eu/crm/v8/users', { method: 'GET' })
    const parsed = parsePrometheus(metrics.render())
    const count = (grant_type: string) =>
      parsed.value('zoho_auth_token_endpoint_requests_total', { grant_type })
    expect(count('refresh_token')).toBe(1)
    expect(count('client_credentials')).toBe(1)
    expect(count('authorization_code')).toBe(0)
    expect(parsed.samples.filter((s) => s.name.startsWith('zoho_auth_token')).length).toBe(3)
    expect(seen).toHaveLength(4)
  })
})
