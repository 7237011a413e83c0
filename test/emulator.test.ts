/**
 * The emulator over a real socket, driven only by raw fetch: every flow, every error class, every
 * limit (moved by the control clock), faults, stats and reset; and the `emulator` CLI command.
 */
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js'
import { emulatorCommand } from '../src/cli/commands/emulator.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const REDIRECT = 'http://localhost:3001/oauth/callback'
let running: RunningEmulator
let base: string

beforeAll(async () => {
  running = await startEmulator({ port: 0, seed: 7 })
  base = running.url
})
afterAll(() => running.close())
beforeEach(async () => {
  await ctl('reset', {})
})

async function ctl(path: string, body?: unknown, method?: string): Promise<Json> {
  const response = await fetch(`${base}/__emulator/${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return (await response.json()) as Json
}

type Encoding = 'query' | 'urlencoded' | 'multipart'

async function send(
  url: string,
  params: Record<string, string>,
  encoding: Encoding = 'urlencoded',
): Promise<{ status: number; body: Json }> {
  let response: Response
  if (encoding === 'query') {
    response = await fetch(`${url}?${new URLSearchParams(params)}`, { method: 'POST' })
  } else if (encoding === 'urlencoded') {
    response = await fetch(url, { method: 'POST', body: new URLSearchParams(params) })
  } else {
    const form = new FormData()
    for (const [k, v] of Object.entries(params)) form.append(k, v)
    response = await fetch(url, { method: 'POST', body: form })
  }
  return { status: response.status, body: (await response.json()) as Json }
}

const token = (dc: string): string => `${base}/${dc}/accounts/oauth/v2/token`

async function authorizeAs(
  clientId: string,
  email: string,
  extra: Record<string, string> = {},
): Promise<URL> {
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ,AaaServer.profile.READ',
    access_type: 'offline',
    state: 'abc',
    emulator_login: email,
    ...extra,
  })
  const response = await fetch(`${base}/us/accounts/oauth/v2/auth?${query}`, {
    redirect: 'manual',
  })
  expect(response.status).toBe(302)
  return new URL(response.headers.get('location') ?? '')
}

async function setup(dcs = ['us', 'eu']): Promise<{ client: Json; self: Json }> {
  await ctl('users', { email: 'ada@example.com', dc: 'us' })
  await ctl('users', { email: 'emil@example.eu', dc: 'eu' })
  const client = await ctl('clients', { type: 'server', redirect_uris: [REDIRECT], dcs })
  const self = await ctl('clients', { type: 'self', dcs: ['us'] })
  return { client, self }
}

async function exchange(client: Json, callback: URL, dc?: string): Promise<Json> {
  const at = dc ?? callback.searchParams.get('location') ?? ''
  const { body } = await send(token(at), {
    grant_type: 'authorization_code',
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uri: REDIRECT,
    code: callback.searchParams.get('code') ?? '',
  })
  return body
}

async function crmUser(dc: string, accessToken: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}/${dc}/api/crm/v8/users?type=CurrentUser`, {
    headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
  })
  return { status: response.status, body: (await response.json()) as Json }
}

describe('emulator over a socket: flows', () => {
  it('code flow: consent page, callback, exchange in the user DC, CRM call, user info', async () => {
    const { client } = await setup()
    const page = await fetch(
      `${base}/us/accounts/oauth/v2/auth?${new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: REDIRECT,
        scope: 'ZohoCRM.users.READ',
      })}`,
    )
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('emil@example.eu (eu)')

    const callback = await authorizeAs(client.client_id, 'emil@example.eu')
    expect(callback.searchParams.get('location')).toBe('eu')
    expect(callback.searchParams.get('accounts-server')).toBe(`${base}/eu/accounts`)
    expect(callback.searchParams.get('state')).toBe('abc')
    expect(await exchange(client, callback, 'us')).toEqual({ error: 'invalid_code' })
    const tokens = await exchange(client, callback)
    expect(tokens.api_domain).toBe(`${base}/eu/api`)
    const user = await crmUser('eu', tokens.access_token)
    expect(user.body.users[0].email).toBe('emil@example.eu')
    expect((await crmUser('us', tokens.access_token)).body.code).toBe('INVALID_TOKEN')
    const info = await fetch(`${base}/eu/accounts/oauth/user/info`, {
      headers: { authorization: `Zoho-oauthtoken ${tokens.access_token}` },
    })
    expect(((await info.json()) as Json).Email).toBe('emil@example.eu')
  })

  it('US callbacks end with a stray &; a denial redirects with access_denied', async () => {
    const { client } = await setup()
    const callback = await authorizeAs(client.client_id, 'ada@example.com')
    expect(callback.href.endsWith('&')).toBe(true)
    const denied = await authorizeAs(client.client_id, 'ada@example.com', {
      emulator_decision: 'deny',
    })
    expect(denied.href).toBe(`${REDIRECT}?error=access_denied&state=abc`)
  })

  it.each<Encoding>(['query', 'urlencoded', 'multipart'])(
    'Self Client code, refresh and client credentials, sent as %s',
    async (encoding) => {
      const { self } = await setup()
      const { code } = await ctl('self-client/code', {
        client_id: self.client_id,
        scope: 'ZohoCRM.users.READ',
        minutes: 10,
        email: 'ada@example.com',
      })
      const auth = { client_id: self.client_id, client_secret: self.client_secret }
      const tokens = await send(
        token('us'),
        { grant_type: 'authorization_code', ...auth, code },
        encoding,
      )
      expect(tokens.body.refresh_token).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/)
      const refreshed = await send(
        token('us'),
        { grant_type: 'refresh_token', ...auth, refresh_token: tokens.body.refresh_token },
        encoding,
      )
      expect(refreshed.body).not.toHaveProperty('refresh_token')
      expect((await crmUser('us', refreshed.body.access_token)).status).toBe(200)
      const cc = await send(
        token('us'),
        {
          grant_type: 'client_credentials',
          ...auth,
          scope: 'ZohoCRM.modules.ALL',
          soid: 'ZohoCRM.1',
        },
        encoding,
      )
      expect(cc.body.access_token).toBeDefined()
    },
  )

  it('implicit flow and redirect refresh while the session lives', async () => {
    await setup()
    const js = await ctl('clients', { type: 'client', redirect_uris: [REDIRECT], dcs: ['us'] })
    const query = new URLSearchParams({
      client_id: js.client_id,
      response_type: 'token',
      redirect_uri: REDIRECT,
      scope: 'ZohoCRM.users.READ',
      state: 'q',
    })
    const first = await fetch(
      `${base}/us/accounts/oauth/v2/auth?${query}&emulator_login=ada%40example.com`,
      {
        redirect: 'manual',
      },
    )
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const fragment = new URLSearchParams(new URL(first.headers.get('location') ?? '').hash.slice(1))
    expect((await crmUser('us', fragment.get('access_token') ?? '')).status).toBe(200)
    const refresh = (): Promise<Response> =>
      fetch(`${base}/us/accounts/oauth/v2/auth/refresh?${query}`, {
        redirect: 'manual',
        headers: { cookie },
      })
    expect((await refresh()).headers.get('location')).toContain('#&access_token=1000.')
    await ctl('sessions/expire', { email: 'ada@example.com' })
    expect((await refresh()).headers.get('location')).toBe(
      `${REDIRECT}#error=client_not_granted&state=q`,
    )
  })

  it('device flow with other_dc, then success at the user DC', async () => {
    await setup()
    const device = await ctl('clients', { type: 'device', dcs: ['us', 'eu'] })
    const { body: codes } = await send(`${base}/us/accounts/oauth/v3/device/code`, {
      client_id: device.client_id,
      grant_type: 'device_request',
      scope: 'ZohoCRM.users.READ',
      access_type: 'offline',
    })
    const poll = (dc: string): Promise<{ body: Json }> =>
      send(`${base}/${dc}/accounts/oauth/v3/device/token`, {
        client_id: device.client_id,
        client_secret: device.client_secret,
        grant_type: 'device_token',
        code: codes.device_code,
      })
    expect((await poll('us')).body).toEqual({ error: 'authorization_pending' })
    expect((await poll('us')).body).toEqual({ error: 'slow_down' })
    await ctl('device/approve', {
      user_code: codes.user_code,
      email: 'emil@example.eu',
      decision: 'approve',
    })
    await ctl('clock', { advance_seconds: 30 })
    expect((await poll('us')).body).toEqual({ error: 'other_dc', user_location: 'eu' })
    const tokens = (await poll('eu')).body
    expect(tokens.refresh_token).toBeDefined()
    expect(tokens.api_domain).toBe(`${base}/eu/api`)
  })
})

describe('emulator over a socket: errors (HTTP 200 with an error body)', () => {
  it('answers every flat error class with 200', async () => {
    const { client, self } = await setup(['us'])
    const auth = { client_id: client.client_id, client_secret: client.client_secret }
    const cases: [Record<string, string>, string, string][] = [
      [
        { grant_type: 'refresh_token', client_id: '1000.X', client_secret: 'x' },
        'us',
        'invalid_client',
      ],
      [{ grant_type: 'refresh_token', ...auth }, 'eu', 'invalid_client'],
      [
        { grant_type: 'refresh_token', ...auth, client_secret: 'bad' },
        'us',
        'invalid_client_secret',
      ],
      [{ grant_type: 'refresh_token', ...auth, refresh_token: '1000.a.b' }, 'us', 'invalid_code'],
      [
        { grant_type: 'authorization_code', ...auth, code: 'x', redirect_uri: REDIRECT },
        'us',
        'invalid_code',
      ],
      [
        {
          grant_type: 'client_credentials',
          client_id: self.client_id,
          client_secret: self.client_secret,
          scope: 'ZohoCRM.modules.ALL',
        },
        'us',
        'missing_org_info',
      ],
    ]
    for (const [params, dc, error] of cases) {
      expect(await send(token(dc), params)).toEqual({ status: 200, body: { error } })
    }
    const callback = await authorizeAs(client.client_id, 'ada@example.com')
    const { body } = await send(token('us'), {
      grant_type: 'authorization_code',
      ...auth,
      redirect_uri: 'http://localhost:3001/other',
      code: callback.searchParams.get('code') ?? '',
    })
    expect(body).toEqual({ error: 'invalid_redirect_uri' })
    const revoke = await fetch(`${base}/us/accounts/oauth/v2/token/revoke?token=nope`, {
      method: 'POST',
    })
    expect(revoke.status).toBe(400)
    expect((await ctl('stats')).token_errors).toMatchObject({
      invalid_client: 2,
      invalid_client_secret: 1,
      invalid_code: 2,
      missing_org_info: 1,
      invalid_redirect_uri: 1,
    })
  })
})

describe('emulator over a socket: limits on the control clock', () => {
  async function selfTokens(): Promise<{ auth: Json; tokens: Json }> {
    const { self } = await setup()
    const { code } = await ctl('self-client/code', {
      client_id: self.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'ada@example.com',
    })
    const auth = { client_id: self.client_id, client_secret: self.client_secret }
    const { body } = await send(token('us'), { grant_type: 'authorization_code', ...auth, code })
    return { auth, tokens: body }
  }

  it('code lifetime and single use', async () => {
    const { client } = await setup()
    const callback = await authorizeAs(client.client_id, 'ada@example.com')
    await ctl('clock', { advance_seconds: 121 })
    expect(await exchange(client, callback)).toEqual({ error: 'invalid_code' })
    const fresh = await authorizeAs(client.client_id, 'ada@example.com', { prompt: 'consent' })
    expect((await exchange(client, fresh)).access_token).toBeDefined()
    expect(await exchange(client, fresh)).toEqual({ error: 'invalid_code' })
  })

  it('10 mints per 10 minutes, then Access Denied with 400 until the window passes', async () => {
    const { auth, tokens } = await selfTokens()
    const refresh = (): Promise<{ status: number; body: Json }> =>
      send(token('us'), {
        grant_type: 'refresh_token',
        ...auth,
        refresh_token: tokens.refresh_token,
      })
    for (let i = 0; i < 9; i++) expect((await refresh()).status).toBe(200)
    const blocked = await refresh()
    expect(blocked.status).toBe(400)
    expect(blocked.body.error).toBe('Access Denied')
    await ctl('clock', { advance_seconds: 599 })
    expect((await refresh()).body.error).toBe('Access Denied')
    await ctl('clock', { advance_seconds: 1 })
    expect((await refresh()).body.access_token).toBeDefined()
  })

  it('15 active access tokens: the 16th evicts the oldest (INVALID_TOKEN on the API)', async () => {
    await ctl('settings', { mints_per_window: 50 })
    const { auth, tokens } = await selfTokens()
    for (let i = 0; i < 15; i++) {
      await send(token('us'), {
        grant_type: 'refresh_token',
        ...auth,
        refresh_token: tokens.refresh_token,
      })
    }
    expect(await crmUser('us', tokens.access_token)).toEqual({
      status: 401,
      body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' },
    })
  })

  it('20 refresh tokens per user per client: the 21st deletes the oldest', async () => {
    const { client } = await setup()
    await ctl('settings', { grant_codes_per_window: 100 })
    const refreshTokens: string[] = []
    for (let i = 0; i < 21; i++) {
      const callback = await authorizeAs(client.client_id, 'ada@example.com', { prompt: 'consent' })
      refreshTokens.push((await exchange(client, callback)).refresh_token)
    }
    const census = await ctl(`tokens?client_id=${client.client_id}`)
    expect(census.refresh_token_count).toBe(20)
    const { body } = await send(token('us'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: refreshTokens[0] ?? '',
    })
    expect(body).toEqual({ error: 'invalid_code' })
  })

  it('grant codes per client per window, then access_denied', async () => {
    const { client } = await setup()
    for (let i = 0; i < 10; i++) {
      expect(
        (await authorizeAs(client.client_id, 'ada@example.com')).searchParams.has('code'),
      ).toBe(true)
    }
    expect((await authorizeAs(client.client_id, 'ada@example.com')).searchParams.get('error')).toBe(
      'access_denied',
    )
    await ctl('clock', { advance_seconds: 600 })
    expect((await authorizeAs(client.client_id, 'ada@example.com')).searchParams.has('code')).toBe(
      true,
    )
  })

  it('PKCE S256 is checked at the token step', async () => {
    const { client } = await setup()
    const verifier = 'x'.repeat(64)
    const callback = await authorizeAs(client.client_id, 'ada@example.com', {
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })
    const params = {
      grant_type: 'authorization_code',
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uri: REDIRECT,
      code: callback.searchParams.get('code') ?? '',
    }
    expect((await send(token('us'), params)).body).toEqual({ error: 'invalid_code' })
    expect(
      (await send(token('us'), { ...params, code_verifier: verifier })).body.access_token,
    ).toBeDefined()
  })
})

describe('emulator over a socket: faults, stats, reset', () => {
  const refreshParams = { grant_type: 'refresh_token', client_id: 'x', client_secret: 'y' }

  it('status + count, latency, roadblock and drop', async () => {
    await ctl('faults', { path: '/oauth/v2/token', status: 502, body: 'bad gateway', count: 1 })
    const faulted = await fetch(token('us'), {
      method: 'POST',
      body: new URLSearchParams(refreshParams),
    })
    expect(faulted.status).toBe(502)
    expect(await faulted.text()).toBe('bad gateway')
    expect((await send(token('us'), refreshParams)).body).toEqual({ error: 'invalid_client' })

    await ctl('faults', { path: '/oauth/v2/token', latency_ms: 100, count: 1 })
    const started = performance.now()
    await send(token('us'), refreshParams)
    expect(performance.now() - started).toBeGreaterThanOrEqual(90)

    await ctl('faults', { path: '/oauth/v2/token', roadblock: true, count: 1 })
    const roadblock = await fetch(token('us'), {
      method: 'POST',
      body: new URLSearchParams(refreshParams),
    })
    expect(roadblock.status).toBe(200)
    expect(roadblock.headers.get('content-type')).toContain('text/html')
    await roadblock.text()

    await ctl('faults', { path: '/oauth/v2/token', drop: true, dc: 'eu' })
    await expect(
      fetch(token('eu'), { method: 'POST', body: new URLSearchParams(refreshParams) }),
    ).rejects.toThrow()
    expect((await send(token('us'), refreshParams)).status).toBe(200)
    expect((await ctl('faults')).faults).toHaveLength(1)
    await ctl('faults', undefined, 'DELETE')
    expect((await ctl('faults')).faults).toEqual([])
  })

  it('stats per grant, DC and client; stats/reset; reset wipes everything', async () => {
    const { client } = await setup()
    const callback = await authorizeAs(client.client_id, 'emil@example.eu')
    const tokens = await exchange(client, callback)
    await send(token('eu'), {
      grant_type: 'refresh_token',
      client_id: client.client_id,
      client_secret: client.client_secret,
      refresh_token: tokens.refresh_token,
    })
    await crmUser('eu', tokens.access_token)
    const stats = await ctl('stats')
    expect(stats.authorize).toBe(1)
    expect(stats.api).toBe(1)
    expect(stats.by_dc.eu.token_endpoint).toEqual({
      authorization_code: 1,
      refresh_token: 1,
      client_credentials: 0,
      device_token: 0,
    })
    expect(stats.by_dc.us.authorize).toBe(1)
    expect(stats.by_client[client.client_id].token_endpoint.refresh_token).toBe(1)
    expect((await ctl('stats/reset', {})).token_endpoint.refresh_token).toBe(0)
    await ctl('settings', { code_ttl: 1 })
    await ctl('reset', {})
    expect((await ctl('clients')).clients).toEqual([])
    expect((await ctl('users')).users).toEqual([])
    expect((await ctl('settings')).code_ttl).toBe(120)
  })
})

describe('emulator over a socket: the control contract', () => {
  it('POST reset restores the start state: clock offset, faults, settings, tokens, stats', async () => {
    const { self } = await setup()
    await ctl('settings', { throttle_message: 'new', api_credits_per_day: 5, code_ttl: 30 })
    await ctl('faults', { path: '/nowhere', status: 500, count: 2, probability: 0.5 })
    const moved = await ctl('clock', { advance_seconds: 3600 })
    expect(moved.now).toBeGreaterThanOrEqual(Date.now() + 3_590_000)
    const { code } = await ctl('self-client/code', {
      client_id: self.client_id,
      scope: 'ZohoCRM.users.READ',
    })
    await send(token('us'), {
      grant_type: 'authorization_code',
      client_id: self.client_id,
      client_secret: self.client_secret,
      code,
    })
    expect(await ctl('reset', {})).toEqual({ status: 'success' })
    const { now } = await ctl('clock')
    expect(Math.abs(now - Date.now())).toBeLessThan(5_000)
    expect(await ctl('faults')).toEqual({ faults: [] })
    expect(await ctl('faults', { path: '/x', status: 500 })).toEqual({ id: '1' })
    expect(await ctl('settings')).toMatchObject({
      throttle_message: 'legacy',
      expired_token_code: 'INVALID_TOKEN',
      api_credits_per_day: 0,
      api_concurrency_limit: 0,
      code_ttl: 120,
    })
    expect(await ctl('tokens')).toEqual({
      refresh_tokens: [],
      refresh_token_count: 0,
      access_token_count: 0,
    })
    const stats = await ctl('stats')
    expect(stats.token_endpoint.authorization_code).toBe(0)
    expect(stats.by_client).toEqual({})
  })

  it('control mistakes answer 4xx with {"error"}: unknown setting, wrong type, bad client, unknown route', async () => {
    const answer = async (
      path: string,
      body?: unknown,
      method?: string,
    ): Promise<[number, Json]> => {
      const response = await fetch(`${base}/__emulator/${path}`, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return [response.status, (await response.json()) as Json]
    }
    expect(await answer('settings', { mint_windw: 5 })).toEqual([
      400,
      { error: 'unknown setting "mint_windw"' },
    ])
    expect(await answer('settings', { mint_window: '5' })).toEqual([
      400,
      {
        error: 'setting "mint_window" must be a whole number of seconds from 1 to 86400 (got "5")',
      },
    ])
    expect(await answer('clients', { type: 'web' })).toEqual([
      400,
      { error: '"type" must be one of server, self, client, device (got "web")' },
    ])
    expect(await answer('clients', { dcs: ['xx'] })).toEqual([
      400,
      { error: 'unknown dc "xx" in "dcs"' },
    ])
    expect(await answer('faults', { path: '/x', count: 0 })).toEqual([
      400,
      { error: '"count" must be a whole number from 1 to 1000000 (got 0)' },
    ])
    expect(await answer('clock', { advance_seconds: 'soon' })).toEqual([
      400,
      {
        error:
          '"advance_seconds" must be a number of seconds from 0 to 315360000 (10 years) (got "soon")',
      },
    ])
    expect(await answer('nope')).toEqual([404, { error: 'no control route GET /__emulator/nope' }])
  })
})

describe('emulator over a socket: input Zoho would never accept', () => {
  const errorLog = vi.spyOn(console, 'error')
  afterEach(() => errorLog.mockClear())

  /** Sends bytes on a raw socket and resolves with what the server answered before closing. */
  function rawRequest(bytes: string, hangUp = false): Promise<string> {
    const { hostname, port } = new URL(base)
    return new Promise((resolve, reject) => {
      let answer = ''
      const socket = connect(Number(port), hostname, () => {
        socket.write(bytes)
        if (hangUp) socket.destroy()
      })
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => (answer += chunk))
      socket.on('close', () => resolve(answer))
      socket.on('error', reject)
    })
  }

  async function invalidRequests(): Promise<number> {
    return ((await ctl('stats')) as Json).token_errors.invalid_request as number
  }

  it('a malformed multipart token request gets a flat invalid_request, not a 500 and a stack trace', async () => {
    const answer = await rawRequest(
      [
        'POST /us/accounts/oauth/v2/token HTTP/1.1',
        'Host: emulator',
        'Content-Type: multipart/form-data; boundary=zz',
        'Content-Length: 7',
        'Connection: close',
        '',
        'garbage',
      ].join('\r\n'),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(answer.endsWith('\r\n\r\n{"error":"invalid_request"}')).toBe(true)
    expect(errorLog).not.toHaveBeenCalled()
  })

  it('a caller that hangs up halfway through its body is not logged as an emulator failure', async () => {
    await rawRequest(
      [
        'POST /us/accounts/oauth/v2/token HTTP/1.1',
        'Host: emulator',
        'Content-Type: application/x-www-form-urlencoded',
        'Content-Length: 500',
        '',
        'grant_type=refresh_token&client_id=',
      ].join('\r\n'),
      true,
    )
    // The server counts the unreadable request once it has given up on the body: wait for that
    // (each look is a round trip to the server, bounded by a deadline).
    const deadline = Date.now() + 10_000
    while ((await invalidRequests()) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await invalidRequests()).toBe(1)
    expect(errorLog).not.toHaveBeenCalled()
  })

  it('advance_seconds 1e308 is refused and the clock keeps telling the time', async () => {
    const before = (await ctl('clock')).now as number
    expect(await ctl('clock', { advance_seconds: 1e308 })).toEqual({
      error:
        '"advance_seconds" must be a number of seconds from 0 to 315360000 (10 years) (got 1e+308)',
    })
    const after = (await ctl('clock')).now as number
    expect(Number.isFinite(after) && after >= before).toBe(true)
  })
})

describe('emulator command', () => {
  it('starts, prints its URL, demo clients and a curl line, and stops on abort', async () => {
    let out = ''
    let bannerShown: () => void = () => undefined
    const banner = new Promise<void>((resolve) => (bannerShown = resolve))
    const controller = new AbortController()
    const exit = emulatorCommand.run({
      argv: ['--port', '0'],
      env: {},
      cwd: process.cwd(),
      stdout: {
        write: (t: string) => {
          out += t
          if (out.includes('curl')) bannerShown()
        },
      },
      stderr: { write: () => undefined },
      signal: controller.signal,
    })
    // The banner is written once the socket listens; the test timeout bounds the wait.
    await Promise.race([banner, exit])
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? ''
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(out).toContain('ada@example.com (us)')
    expect(out).toContain('emil@example.eu (eu)')
    expect(out).toContain(`curl -s -X POST ${url}/__emulator/self-client/code`)
    const clientId = /ZOHO_CLIENT_ID=(\S+)/.exec(out)?.[1]
    const clients = (await (await fetch(`${url}/__emulator/clients`)).json()) as Json
    expect(clients.clients.map((c: Json) => c.client_id)).toContain(clientId)
    controller.abort()
    expect(await exit).toBe(0)
  })

  it('rejects an unknown flag with a UsageError', async () => {
    await expect(
      emulatorCommand.run({
        argv: ['--bogus'],
        env: {},
        cwd: process.cwd(),
        stdout: { write: () => undefined },
        stderr: { write: () => undefined },
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ name: 'UsageError', message: "Unknown option '--bogus'" })
  })
})
