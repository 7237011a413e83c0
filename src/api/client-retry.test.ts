import { afterEach, describe, expect, it } from 'vitest'
import { ERR_TRANSPORT, TransportError } from '../protocol/errors.js'
import { ApiRateLimitError, ERR_API_RATE_LIMITED, ERR_ZOHO_API } from './errors.js'
import { apiHarness, crmAnswer, type Harness } from './test-support.js'

let h: Harness | undefined
afterEach(async () => {
  await h?.close()
  h = undefined
})

const NOW = 1_750_000_000_000

async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected a rejection')
}

function tooMany(reset: number): Response {
  return crmAnswer(
    429,
    {
      code: 'TOO_MANY_REQUESTS',
      details: {},
      message: 'Concurrency limit exceeded',
      status: 'error',
    },
    { 'X-RATELIMIT-LIMIT': '25', 'X-RATELIMIT-REMAINING': '0', 'X-RATELIMIT-RESET': String(reset) },
  )
}

/** A fetch interceptor that hangs until its request is aborted (a timeout), `times` times. */
function hangs(times: number): (request: Request) => Promise<Response | undefined> | undefined {
  let left = times
  return (request) => {
    if (left-- <= 0) return undefined
    return new Promise((_resolve, reject) =>
      request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true }),
    )
  }
}

describe('ZohoApiClient rate limits', () => {
  it('ZohoApiClient.request: TOO_MANY_REQUESTS with a reset inside the bound waits for it, then retries', async () => {
    h = await apiHarness()
    const waits: number[] = []
    const client = h.newClient({
      now: () => NOW,
      sleep: async (ms) => void waits.push(ms),
      rateLimit: { maxWaitMs: 5000 },
    })
    h.intercept = (_request, nth) => (nth === 1 ? tooMany(NOW + 3000) : undefined)
    const { status } = await client.post('/crm/v8/Leads', {
      json: { data: [{ Last_Name: 'Lovelace' }] },
    })
    expect(status).toBe(201)
    expect(waits).toEqual([3000])
    expect(h.apiRequests).toHaveLength(2)
  })

  it('ZohoApiClient.request: a reset beyond the bound is an ApiRateLimitError saying when to retry', async () => {
    h = await apiHarness()
    const waits: number[] = []
    const client = h.newClient({
      now: () => NOW,
      sleep: async (ms) => void waits.push(ms),
      rateLimit: { maxWaitMs: 5000 },
    })
    h.intercept = () => tooMany(NOW + 60_000)
    const error = await rejection(client.get('/crm/v8/org'))
    expect(error).toBeInstanceOf(ApiRateLimitError)
    expect(error).toMatchObject({ code: ERR_API_RATE_LIMITED, retryAt: NOW + 60_000, limit: 25 })
    expect(error.message).toBe(
      `GET /crm/v8/org: Zoho's API limit for connection "default" is reached (TOO_MANY_REQUESTS, limit 25); retry after ${new Date(NOW + 60_000).toISOString()}`,
    )
    expect(waits).toEqual([])
    expect(h.apiRequests).toHaveLength(1)
  })

  it('ZohoApiClient.request: the emulator’s exhausted daily credits answer with a reset a day away: no wait', async () => {
    // Two credits: creating the connection spent one asking CRM who granted it.
    h = await apiHarness({ emulator: { settings: { api_credits_per_day: 2 } } })
    await h.client.get('/crm/v8/org')
    const error = await rejection(h.client.get('/crm/v8/org'))
    expect(error).toMatchObject({ code: ERR_API_RATE_LIMITED, limit: 2 })
    expect(Number(error.retryAt)).toBeGreaterThan(Date.now() + 86_000_000)
  })

  it('ZohoApiClient.request: the waits are bounded: after rateLimit.attempts waits it gives up', async () => {
    h = await apiHarness()
    const waits: number[] = []
    const client = h.newClient({
      now: () => NOW,
      random: () => 1,
      sleep: async (ms) => void waits.push(ms),
      rateLimit: { attempts: 2 },
      retry: { baseDelayMs: 100 },
    })
    // A concurrency refusal: the reset is "now", so the client backs off instead of hammering.
    h.intercept = () => tooMany(NOW)
    const error = await rejection(client.get('/crm/v8/org'))
    expect(error.code).toBe(ERR_API_RATE_LIMITED)
    expect(waits).toEqual([100, 200])
    expect(h.apiRequests).toHaveLength(3)
  })

  it('ZohoApiClient.request: the emulator’s concurrency cap is waited out and every call succeeds', async () => {
    h = await apiHarness({ emulator: { settings: { api_concurrency_limit: 1 } } })
    await h.control('faults', { path: '/api/crm/v8/org', latency_ms: 50, count: 1 })
    let first: Promise<unknown> = Promise.resolve()
    // The retry waits for the call in flight to finish: an event, not a fixed sleep.
    const client = h.newClient({ sleep: () => first.then(() => undefined) })
    first = client.get('/crm/v8/org')
    const second = client.get('/crm/v8/org')
    const results = await Promise.all([first, second])
    expect(results.map((r) => (r as { status: number }).status)).toEqual([200, 200])
    expect(h.emulator.stats().api).toBe(3)
  })
})

describe('ZohoApiClient server errors and timeouts', () => {
  it('ZohoApiClient.get: 503 twice, then an answer: retried with growing jittered waits', async () => {
    h = await apiHarness()
    await h.control('faults', {
      path: '/api/crm/v8/org',
      status: 503,
      body: 'unavailable',
      count: 2,
    })
    const waits: number[] = []
    const client = h.newClient({ random: () => 0.5, sleep: async (ms) => void waits.push(ms) })
    const { status } = await client.get('/crm/v8/org')
    expect(status).toBe(200)
    expect(waits).toEqual([188, 375])
    expect(h.apiRequests).toHaveLength(3)
  })

  it('ZohoApiClient.get: a server error that lasts is a ZohoApiError after retry.attempts', async () => {
    h = await apiHarness()
    await h.control('faults', { path: '/api/crm/v8/org', status: 502 })
    const error = await rejection(h.newClient({ retry: { attempts: 4 } }).get('/crm/v8/org'))
    expect(error).toMatchObject({ code: ERR_ZOHO_API, status: 502 })
    expect(error.remedy).toBe(
      'Zoho answered with a server error 4 times; try again in a few minutes (status.zoho.com shows outages).',
    )
    expect(h.apiRequests).toHaveLength(4)
  })

  it.each(['POST', 'PATCH'] as const)(
    'ZohoApiClient.%s: a server error is not retried (the record may exist)',
    async (method) => {
      h = await apiHarness()
      await h.control('faults', { path: '/api/crm/v8/Leads', status: 500, count: 1 })
      const error = await rejection(
        h.client.request(method, '/crm/v8/Leads', { json: { data: [{ Last_Name: 'Lovelace' }] } }),
      )
      expect(error).toMatchObject({ code: ERR_ZOHO_API, status: 500 })
      expect(String(error.remedy)).toContain('The call was not retried')
      expect(h.apiRequests).toHaveLength(1)
    },
  )

  it('ZohoApiClient.get: a timeout is retried, and the answer after it is returned', async () => {
    h = await apiHarness()
    h.intercept = hangs(1)
    const { status } = await h.newClient({ timeoutMs: 300 }).get('/crm/v8/org')
    expect(status).toBe(200)
    expect(h.apiRequests).toHaveLength(2)
  })

  it('ZohoApiClient.post: a timeout is a TransportError at once (never sent twice)', async () => {
    h = await apiHarness()
    h.intercept = hangs(1)
    const error = await rejection(
      h
        .newClient({ timeoutMs: 100 })
        .post('/crm/v8/Leads', { json: { data: [{ Last_Name: 'L' }] } }),
    )
    expect(error).toBeInstanceOf(TransportError)
    expect(error).toMatchObject({ code: ERR_TRANSPORT, timeout: true })
    expect(error.message).toBe(
      'POST /crm/v8/Leads to http://127.0.0.1:9/us/api/crm/v8/Leads timed out',
    )
    expect(h.apiRequests).toHaveLength(1)
  })

  it('ZohoApiClient.get: a dropped connection every time gives up after retry.attempts', async () => {
    h = await apiHarness()
    h.intercept = () => Promise.reject(new TypeError('fetch failed'))
    const error = await rejection(h.newClient({ retry: { attempts: 2 } }).get('/crm/v8/org'))
    expect(error).toMatchObject({ code: ERR_TRANSPORT, timeout: false })
    expect(h.apiRequests).toHaveLength(2)
  })

  it("ZohoApiClient.get: the caller's abort is rethrown as is, not retried", async () => {
    h = await apiHarness()
    h.intercept = hangs(5)
    const controller = new AbortController()
    const pending = h.client.get('/crm/v8/org', { signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
  })
})
