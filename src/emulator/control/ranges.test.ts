/**
 * Every number the control API takes has a range, and a value outside it is refused with 400
 * naming the field and the range, leaving the emulator as it was (docs/zoho-behaviour.md §7).
 */
import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { DEFAULT_SETTINGS } from '../settings.js'
import { BASE, control, post, selfClientTokens, tokenURL } from '../test-kit.js'

async function answer(
  emulator: Emulator,
  path: string,
  body: unknown,
): Promise<[number, Record<string, unknown>]> {
  const response = await emulator.fetch(
    new Request(`${BASE}/__emulator/${path}`, { method: 'POST', body: JSON.stringify(body) }),
  )
  return [response.status, (await response.json()) as Record<string, unknown>]
}

// [setting, min, max, unit]: the contract in src/emulator/README.md.
const NUMERIC_SETTINGS: [string, number, number, string][] = [
  ['code_ttl', 1, 3600, ' of seconds'],
  ['access_token_ttl', 1, 604800, ' of seconds'],
  ['mints_per_window', 1, 10000, ''],
  ['mint_window', 1, 86400, ' of seconds'],
  ['max_active_access_tokens', 1, 10000, ''],
  ['max_refresh_tokens', 1, 10000, ''],
  ['grant_codes_per_window', 1, 10000, ''],
  ['grant_code_window', 1, 86400, ' of seconds'],
  ['device_code_ttl', 1, 3600, ' of seconds'],
  ['device_poll_interval', 0, 3600, ' of seconds'],
  ['api_concurrency_limit', 0, 10000, ''],
  ['api_credits_per_day', 0, 10000000, ''],
]

describe('control API ranges', () => {
  it('covers every numeric setting', () => {
    const numeric = Object.entries(DEFAULT_SETTINGS)
      .filter(([, value]) => typeof value === 'number')
      .map(([name]) => name)
      .filter((name) => !name.endsWith('_status'))
    expect(NUMERIC_SETTINGS.map(([name]) => name).sort()).toEqual(numeric.sort())
  })

  it.each(NUMERIC_SETTINGS)(
    'POST settings takes %s from %d to %d and refuses anything else, naming the range',
    async (name, min, max, unit) => {
      const emulator = createEmulator({ seed: 300 })
      for (const bad of [min - 1, max + 1, 1e308, -1e308, min + 0.5, '5', null, true]) {
        const range = `setting "${name}" must be a whole number${unit} from ${min} to ${max}`
        expect(await answer(emulator, 'settings', { [name]: bad })).toEqual([
          400,
          { error: `${range} (got ${JSON.stringify(bad)})` },
        ])
      }
      expect(emulator.settings()).toEqual(DEFAULT_SETTINGS)
      for (const good of [min, max]) {
        const [status, body] = await answer(emulator, 'settings', { [name]: good })
        expect([status, body[name]]).toEqual([200, good])
      }
    },
  )

  it('POST settings takes 200 or 400-599 for the error statuses: a 204 or 304 cannot carry the error', async () => {
    const emulator = createEmulator({ seed: 301 })
    for (const name of ['oauth_error_status', 'throttle_status']) {
      for (const bad of [204, 304, 302, 199, 600, 400.5, '400']) {
        expect(await answer(emulator, 'settings', { [name]: bad })).toEqual([
          400,
          {
            error: `setting "${name}" must be 200 or an HTTP status from 400 to 599 (got ${JSON.stringify(bad)})`,
          },
        ])
      }
      for (const good of [200, 400, 429, 599]) {
        expect((await answer(emulator, 'settings', { [name]: good }))[0]).toBe(200)
      }
    }
  })

  it('createEmulator refuses an out-of-range setting as the control API does', () => {
    expect(() => createEmulator({ settings: { code_ttl: 120_000 } })).toThrow(
      'setting "code_ttl" must be a whole number of seconds from 1 to 3600 (got 120000)',
    )
  })

  it('POST clock refuses 1e308, a negative step and more than 100 years in all; the clock stays usable', async () => {
    const emulator = createEmulator({ now: () => 1_000_000 })
    const step = '"advance_seconds" must be a number of seconds from 0 to 315360000 (10 years)'
    for (const bad of [1e308, -1e308, -1, 315360001, 'soon', null]) {
      expect(await answer(emulator, 'clock', { advance_seconds: bad })).toEqual([
        400,
        { error: `${step} (got ${JSON.stringify(bad)})` },
      ])
    }
    // JSON.parse reads 1e400 as Infinity, which JSON.stringify would show as null.
    const infinite = await emulator.fetch(
      new Request(`${BASE}/__emulator/clock`, {
        method: 'POST',
        body: '{"advance_seconds": 1e400}',
      }),
    )
    expect(await infinite.json()).toEqual({ error: `${step} (got Infinity)` })
    expect(await control(emulator, 'clock')).toEqual({ now: 1_000_000 })
    for (let year = 0; year < 10; year++) {
      expect((await answer(emulator, 'clock', { advance_seconds: 315360000 }))[0]).toBe(200)
    }
    expect(await answer(emulator, 'clock', { advance_seconds: 1 })).toEqual([
      400,
      {
        error:
          '"advance_seconds" would put the clock more than 3153600000 seconds (100 years) ahead; it is 3153600000 seconds ahead now (POST /__emulator/reset starts over)',
      },
    ])
    expect(await control(emulator, 'clock')).toEqual({ now: 1_000_000 + 3153600000_000 })
  })

  it('POST clock names an unknown field instead of leaving the clock where it was', async () => {
    const emulator = createEmulator({ now: () => 0 })
    expect(await answer(emulator, 'clock', { advance: 90 })).toEqual([
      400,
      { error: 'unknown field "advance" (expected one of advance_seconds)' },
    ])
  })

  it('POST faults bounds latency_ms, count, probability and status, and a 204 carries no body', async () => {
    const emulator = createEmulator({ seed: 302 })
    for (const [body, error] of [
      [
        { path: '/x', latency_ms: 1e308 },
        '"latency_ms" must be a whole number of milliseconds from 0 to 300000 (got 1e+308)',
      ],
      [
        { path: '/x', latency_ms: -5 },
        '"latency_ms" must be a whole number of milliseconds from 0 to 300000 (got -5)',
      ],
      [{ path: '/x', count: 0 }, '"count" must be a whole number from 1 to 1000000 (got 0)'],
      [{ path: '/x', count: 1.5 }, '"count" must be a whole number from 1 to 1000000 (got 1.5)'],
      [
        { path: '/x', count: 1e9 },
        '"count" must be a whole number from 1 to 1000000 (got 1000000000)',
      ],
      [{ path: '/x', probability: 2 }, '"probability" must be a number from 0 to 1 (got 2)'],
      [{ path: '/x', probability: '1' }, '"probability" must be a number from 0 to 1 (got "1")'],
      [{ path: '/x', status: 101 }, '"status" must be an HTTP status from 200 to 599 (got 101)'],
      [{ path: '/x', status: 'x' }, '"status" must be an HTTP status from 200 to 599 (got "x")'],
      [{ path: '/x' }, 'a fault needs at least one of status, body, latency_ms, drop, roadblock'],
      [
        { path: '/x', latency_ms: 0, drop: false },
        'a fault needs at least one of status, body, latency_ms, drop, roadblock',
      ],
      [
        { path: '/x', status: 204, body: '{}' },
        '"body" cannot go with status 204: a 204, 205 or 304 answer has no body',
      ],
    ] as const) {
      expect(await answer(emulator, 'faults', body)).toEqual([400, { error }])
    }
    expect(await control(emulator, 'faults')).toEqual({ faults: [] })
  })

  it('a fault with status 204, 205 or 304 answers that status with an empty body (no 500)', async () => {
    const emulator = createEmulator({ seed: 303 })
    for (const status of [204, 205, 304]) {
      await control(emulator, 'faults', { path: '/oauth/v2/token', status, count: 1 })
      const response = await emulator.fetch(new Request(tokenURL('us'), { method: 'POST' }))
      expect([response.status, await response.text()]).toEqual([status, ''])
    }
  })

  it('POST self-client/code names a bad minutes, email or scope, and an unknown field', async () => {
    const emulator = createEmulator({ seed: 304 })
    const client = await control(emulator, 'clients', { type: 'self' })
    await control(emulator, 'users', { email: 'a@example.com' })
    const ask = (extra: Record<string, unknown>) =>
      answer(emulator, 'self-client/code', {
        client_id: client.client_id,
        scope: 'ZohoCRM.users.READ',
        ...extra,
      })
    expect(await ask({ minutes: 1e308 })).toEqual([
      400,
      { error: '"minutes" must be one of 3, 5, 7, 10 (got 1e+308)' },
    ])
    expect(await ask({ email: 7 })).toEqual([400, { error: '"email" must be a string' }])
    expect(await ask({ scope: 7 })).toEqual([
      400,
      { error: '"scope" must be a comma-separated string or an array of scopes' },
    ])
    expect(await ask({ minute: 5 })).toEqual([
      400,
      { error: 'unknown field "minute" (expected one of client_id, scope, minutes, email)' },
    ])
  })

  it('POST users, sessions/expire and device/approve refuse wrongly typed and unknown fields', async () => {
    const emulator = createEmulator({ seed: 305 })
    expect(await answer(emulator, 'users', { email: 'a@example.com', first_name: 5 })).toEqual([
      400,
      { error: '"first_name" must be a string' },
    ])
    expect(await answer(emulator, 'sessions/expire', { mail: 'a@example.com' })).toEqual([
      400,
      { error: 'unknown field "mail" (expected one of email)' },
    ])
    expect(await answer(emulator, 'device/approve', { user_code: 5 })).toEqual([
      400,
      { error: '"user_code" must be a string' },
    ])
    expect(await answer(emulator, 'device/approve', { usercode: 'X' })).toEqual([
      400,
      { error: 'unknown field "usercode" (expected one of user_code, email, decision)' },
    ])
  })

  it('POST clients refuses a redirect URI that is not an absolute URL or carries a fragment', async () => {
    const emulator = createEmulator({ seed: 306 })
    for (const uri of ['/cb', 'not a url', 'http://x/cb#frag']) {
      expect(await answer(emulator, 'clients', { redirect_uris: [uri] })).toEqual([
        400,
        {
          error: `"redirect_uris" must hold absolute URLs without a fragment (got ${JSON.stringify(uri)})`,
        },
      ])
    }
    expect(await control(emulator, 'clients')).toEqual({ clients: [] })
  })

  it('every setting and the clock at their largest still serve every flow without a 500', async () => {
    const emulator = createEmulator({ seed: 307, demo: true })
    const largest = Object.fromEntries(NUMERIC_SETTINGS.map(([name, , max]) => [name, max]))
    expect((await answer(emulator, 'settings', largest))[0]).toBe(200)
    for (let year = 0; year < 10; year++) {
      await control(emulator, 'clock', { advance_seconds: 315360000 })
    }
    const { client, tokens } = await selfClientTokens(emulator, { scope: 'ZohoCRM.modules.ALL' })
    expect(tokens.expires_in).toBe(604800)
    const refreshed = await post(emulator, tokenURL('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: String(tokens.refresh_token),
    })
    expect(refreshed.status).toBe(200)
    const lead = await emulator.fetch(
      new Request(`${BASE}/us/api/crm/v8/Leads`, {
        method: 'POST',
        headers: { authorization: `Zoho-oauthtoken ${String(tokens.access_token)}` },
        body: JSON.stringify({ data: [{ Last_Name: 'Future' }] }),
      }),
    )
    expect(lead.status).toBe(201)
    const device = await emulator.fetch(
      new Request(`${BASE}/us/accounts/oauth/v3/device/code`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: emulator.demo()?.deviceClient.clientId ?? '',
          grant_type: 'device_request',
          scope: 'ZohoCRM.users.READ',
        }),
      }),
    )
    expect(device.status).toBe(200)
  })
})
