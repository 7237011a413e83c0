import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, control, selfClientTokens } from '../test-kit.js'

interface Answer {
  status: number
  body: Record<string, unknown>
  limit: string | null
  remaining: string | null
  reset: string | null
}

async function currentUser(emulator: Emulator, token: unknown): Promise<Answer> {
  const response = await emulator.fetch(
    new Request(`${BASE}/us/api/crm/v8/users?type=CurrentUser`, {
      headers: { authorization: `Zoho-oauthtoken ${String(token)}` },
    }),
  )
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    limit: response.headers.get('X-RATELIMIT-LIMIT'),
    remaining: response.headers.get('X-RATELIMIT-REMAINING'),
    reset: response.headers.get('X-RATELIMIT-RESET'),
  }
}

describe('CRM quotas (api_credits_per_day, api_concurrency_limit)', () => {
  it('api_credits_per_day: counts down in X-RATELIMIT headers, then 429 TOO_MANY_REQUESTS for 24 h', async () => {
    const emulator = createEmulator({
      seed: 90,
      now: () => 1_000_000,
      settings: { access_token_ttl: 100_000 },
    })
    const { tokens } = await selfClientTokens(emulator)
    const other = await selfClientTokens(emulator)
    await control(emulator, 'settings', { api_credits_per_day: 2 })
    const first = await currentUser(emulator, tokens.access_token)
    expect([first.status, first.limit, first.remaining]).toEqual([200, '2', '1'])
    expect((await currentUser(emulator, tokens.access_token)).remaining).toBe('0')
    expect(await currentUser(emulator, tokens.access_token)).toEqual({
      status: 429,
      body: {
        code: 'TOO_MANY_REQUESTS',
        details: {},
        message: 'API credits exhausted for the day',
        status: 'error',
      },
      limit: '2',
      remaining: '0',
      // When the first credit leaves the rolling 24 h window (epoch ms).
      reset: String(1_000_000 + 86_400_000),
    })
    // Per client: another client's calls still go through; a bad token still gets its 401.
    expect((await currentUser(emulator, other.tokens.access_token)).status).toBe(200)
    expect((await currentUser(emulator, '1000.nope')).body.code).toBe('INVALID_TOKEN')
    expect(emulator.stats().api).toBe(5)
    await control(emulator, 'clock', { advance_seconds: 86_399 })
    expect((await currentUser(emulator, tokens.access_token)).status).toBe(429)
    await control(emulator, 'clock', { advance_seconds: 1 })
    expect((await currentUser(emulator, tokens.access_token)).remaining).toBe('1')
  })

  it('api_concurrency_limit: a request beyond the limit in flight gets 429 at once', async () => {
    const emulator = createEmulator({ seed: 91 })
    const { tokens } = await selfClientTokens(emulator)
    await control(emulator, 'settings', { api_concurrency_limit: 2 })
    await control(emulator, 'faults', { path: '/api/crm/', latency_ms: 100 })
    const answers = await Promise.all(
      [0, 1, 2].map(() => currentUser(emulator, tokens.access_token)),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429])
    const refused = answers.find((a) => a.status === 429)
    expect(refused?.body).toEqual({
      code: 'TOO_MANY_REQUESTS',
      details: {},
      message: 'Concurrency limit exceeded',
      status: 'error',
    })
    expect([refused?.limit, refused?.remaining]).toEqual(['2', '0'])
    // The slots free up when the requests finish.
    await control(emulator, 'faults', undefined, 'DELETE')
    expect((await currentUser(emulator, tokens.access_token)).status).toBe(200)
  })

  it('sends no X-RATELIMIT headers while both quotas are off (the defaults)', async () => {
    const emulator = createEmulator({ seed: 92 })
    const { tokens } = await selfClientTokens(emulator)
    const answer = await currentUser(emulator, tokens.access_token)
    expect([answer.status, answer.limit, answer.remaining, answer.reset]).toEqual([
      200,
      null,
      null,
      null,
    ])
  })
})
