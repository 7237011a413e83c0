/**
 * Token answers that make no sense, served by the emulator's fault injection over a real socket:
 * the protocol refuses them with an UnexpectedResponseError that says what the request may have
 * spent, and hands nothing on to be stored or printed. A lifetime that makes no sense is the
 * exception: the token is good, so it is kept for a short while rather than lose the grant.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  exchangeAuthorizationCode,
  refreshAccessToken,
  type ExpectedDataCenter,
} from '../src/protocol/index.js'
import { ERR_UNEXPECTED_RESPONSE, UnexpectedResponseError } from '../src/protocol/errors.js'
import { UNSTATED_LIFETIME_SECONDS } from '../src/protocol/token-response.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'

const insecure = { allowInsecureHTTP: true }
const ACCESS = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`
let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
})

async function selfClientCode(): Promise<{
  params: Parameters<typeof exchangeAuthorizationCode>[0]
  us: ExpectedDataCenter
}> {
  const client = await zoho.client({ type: 'self', redirect_uris: [] })
  await zoho.user('odd@example.com')
  const code = await zoho.selfClientCode({
    client_id: client.client_id,
    scope: 'ZohoCRM.users.READ',
    email: 'odd@example.com',
  })
  const us = { table: zoho.dataCenters, location: 'us' }
  return {
    params: {
      accountsServer: zoho.dataCenters.byLocation('us')!.accountsServer,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      code,
      expectedDataCenter: us,
    },
    us,
  }
}

/** The next token answer is `body` (raw JSON text, so it can hold what JSON.stringify cannot). */
async function nextTokenAnswer(body: string): Promise<void> {
  await zoho.control('faults', { path: '/oauth/v2/token', body, count: 1 })
}

async function refusal(promise: Promise<unknown>): Promise<UnexpectedResponseError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(UnexpectedResponseError)
    expect((error as UnexpectedResponseError).code).toBe(ERR_UNEXPECTED_RESPONSE)
    expect((error as Error).message).not.toContain(ACCESS)
    return error as UnexpectedResponseError
  }
  throw new Error('expected an UnexpectedResponseError')
}

/** A token answer of `fields` over sane defaults; an `expires_in` of null leaves it out. */
function answer(fields: Record<string, string | null>): string {
  const usAPI = `"${zoho.url}/us/api"`
  const given = { access_token: `"${ACCESS}"`, api_domain: usAPI, expires_in: '3600', ...fields }
  const all = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== null))
  return `{${Object.entries(all)
    .map(([key, value]) => `"${key}":${value}`)
    .join(',')}}`
}

describe('token answers that make no sense, against the emulator', () => {
  it('exchangeAuthorizationCode keeps the grant of an answer whose expires_in is 1e308, 1e999 (Infinity), 0, -60 or absent, for the short unstated lifetime', async () => {
    for (const expires_in of ['1e308', '1e999', '0', '-60', null]) {
      await zoho.control('reset', {})
      const { params } = await selfClientCode()
      await nextTokenAnswer(answer({ expires_in }))
      const tokens = await exchangeAuthorizationCode(params, insecure)
      expect(tokens.accessToken).toBe(ACCESS)
      expect(tokens.expiresInSeconds).toBe(UNSTATED_LIFETIME_SECONDS)
      expect(tokens.lifetimeWarning).toContain('expires_in')
    }
  })

  it('exchangeAuthorizationCode refuses an access token that would print across lines', async () => {
    const { params } = await selfClientCode()
    await nextTokenAnswer(
      answer({ access_token: `"${ACCESS.slice(0, 40)}\\n${ACCESS.slice(40)}"` }),
    )
    const error = await refusal(exchangeAuthorizationCode(params, insecure))
    expect(error.message).toContain('access_token is not a single printable token')
  })

  it('exchangeAuthorizationCode never uses an api_domain that is not a URL, another host, or another DC', async () => {
    // The answers are injected faults, so the one code is never really spent.
    const { params, us } = await selfClientCode()
    for (const api_domain of ['not a url', 'https://evil.example', `${zoho.url}/eu/api`]) {
      await nextTokenAnswer(answer({ api_domain: JSON.stringify(api_domain) }))
      const tokens = await exchangeAuthorizationCode(
        { ...params, expectedDataCenter: us },
        insecure,
      )
      // The grant is kept (Zoho spent the code), with the table's API host of its DC.
      expect(tokens).toMatchObject({
        apiDomain: `${zoho.url}/us/api`,
        untrustedApiDomain: api_domain,
      })
    }
  })

  it("refreshAccessToken keeps only the table's API host of the connection's DC", async () => {
    const { params, us } = await selfClientCode()
    const granted = await exchangeAuthorizationCode(params, insecure)
    expect(granted.apiDomain).toBe(`${zoho.url}/us/api`)
    const refresh = {
      accountsServer: params.accountsServer,
      clientId: params.clientId,
      clientSecret: params.clientSecret,
      refreshToken: granted.refreshToken!,
      expectedDataCenter: us,
    }
    await nextTokenAnswer(answer({ api_domain: '"https://evil.example"' }))
    expect(await refreshAccessToken(refresh, insecure)).toMatchObject({
      apiDomain: `${zoho.url}/us/api`,
      untrustedApiDomain: 'https://evil.example',
    })
    // The real answer passes, and the refresh token still works.
    expect((await refreshAccessToken(refresh, insecure)).apiDomain).toBe(`${zoho.url}/us/api`)
  })
})
