import { afterEach, describe, expect, it } from 'vitest'
import { CONNECT_LINK_TTL_MS, redeemConnectLink } from '../connect-link.js'
import { brokerHarness, PUBLIC_URL, type BrokerHarness, type Json } from '../test-support.js'
import { expectError, send } from './test-kit.js'

let harness: BrokerHarness
afterEach(() => harness?.close())

async function mint(body: unknown): Promise<Response> {
  return send(harness, 'POST', '/api/v1/connect-links', body)
}

function linkOf(url: string): string {
  return new URL(url).searchParams.get('link') ?? ''
}

describe('POST /api/v1/connect-links', () => {
  it('mints a signed link to /connect that expires in 30 minutes and carries the grant', async () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5)
    harness = await brokerHarness({ deps: { now: () => now } })
    const response = await mint({
      connection: 'tenant-42',
      scopes: 'ZohoCRM.modules.ALL, ZohoCRM.users.READ',
      dc: 'EU',
      return_to: 'https://app.example.com/settings/zoho?tab=1',
    })
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as { url: string; expires_at: string }
    expect(body.url.startsWith(`${PUBLIC_URL}/connect?link=`)).toBe(true)
    expect(body.expires_at).toBe(new Date(now + CONNECT_LINK_TTL_MS).toISOString())
    const verdict = await redeemConnectLink(harness.deps, linkOf(body.url))
    expect(verdict).toMatchObject({
      ok: true,
      grant: {
        connection: 'tenant-42',
        dc: 'eu',
        scopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ'],
        returnTo: 'https://app.example.com/settings/zoho?tab=1',
      },
    })
    // Single use.
    expect(await redeemConnectLink(harness.deps, linkOf(body.url))).toEqual({
      ok: false,
      reason: 'used',
    })
  })

  it('takes scopes as an array, and leaves out what was not asked for', async () => {
    harness = await brokerHarness()
    const response = await mint({ connection: 'a', scopes: ['ZohoCRM.org.READ'] })
    const { url } = (await response.json()) as { url: string }
    const verdict = await redeemConnectLink(harness.deps, linkOf(url))
    expect(verdict.ok && verdict.grant).toEqual({ connection: 'a', scopes: ['ZohoCRM.org.READ'] })
  })

  it("accepts a return_to on the broker's own origin", async () => {
    harness = await brokerHarness()
    const response = await mint({ connection: 'a', return_to: `${PUBLIC_URL}/?connected=1` })
    expect(response.status).toBe(201)
  })

  it('refuses a return_to off the allowlist with 400, so there is no open redirect', async () => {
    harness = await brokerHarness()
    for (const returnTo of [
      'https://evil.example.com/',
      'https://app.example.com.evil.example.com/',
      'https://app.example.com@evil.example.com/',
      'http://app.example.com/',
      '//evil.example.com/',
      '/relative/path',
      'javascript:alert(1)',
      'https://app.example.com:8443/',
    ]) {
      const error = await expectError(
        await mint({ connection: 'a', return_to: returnTo }),
        400,
        'ERR_BAD_REQUEST',
      )
      expect(error.message).toBe('Field "return_to" is not on an allowed origin')
      expect(error.remedy).toContain('ZOHO_AUTH_ALLOWED_ORIGINS')
    }
  })

  it('refuses a bad connection id, DC or scopes with 400 naming the field', async () => {
    harness = await brokerHarness()
    const cases: Array<[Json, string]> = [
      [{}, 'Field "connection" is missing or empty'],
      [{ connection: '..' }, '".." is not a valid connection id: it is a path segment'],
      [{ connection: 'a', dc: 'moon' }, 'Unknown Zoho data centre "moon"'],
      [
        { connection: 'a', scopes: 7 },
        'Field "scopes" must be a comma-separated string or an array of strings',
      ],
      [{ connection: 'a', scopes: [' , '] }, 'Field "scopes" names no scope'],
      [
        { connection: 'a', scopes: 'ZohoCRM.modules.ALL&x=1' },
        '"ZohoCRM.modules.ALL&x=1" is not a Zoho scope name',
      ],
      [{ connection: 'a', returnTo: 'x' }, 'Unknown field "returnTo"'],
    ]
    for (const [body, message] of cases) {
      const error = await expectError(await mint(body), 400, 'ERR_BAD_REQUEST')
      expect(error.message).toBe(message)
    }
  })

  it('answers 503 ERR_CLIENT_NOT_CONFIGURED when the broker has no OAuth client', async () => {
    harness = await brokerHarness({ deps: { client: undefined } })
    await expectError(await mint({ connection: 'a' }), 503, 'ERR_CLIENT_NOT_CONFIGURED')
  })
})
