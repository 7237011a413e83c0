/**
 * @internal Helpers for the API's route tests, on top of `brokerHarness()`: JSON requests,
 * error assertions, and grants of other OAuth clients minted in the emulator.
 */
import { expect } from 'vitest'
import { BASE, USER, type BrokerHarness, type Json } from '../test-support.js'

/** `harness.request` with a JSON body. */
export function send(
  harness: BrokerHarness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return harness.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
}

/** Asserts an error answer of the broker's shape; returns its `error`. */
export async function expectError(
  response: Response,
  status: number,
  code: string,
): Promise<{ code: string; message: string; remedy: string; details?: Json }> {
  const body = (await response.json()) as {
    error: { code: string; message: string; remedy: string; details?: Json }
  }
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code })
  expect(body.error.remedy.length).toBeGreaterThan(10)
  return body.error
}

/** A Self Client registered in the emulator (the kind whose code a backend pastes). */
export interface OtherClient {
  clientId: string
  clientSecret: string
  /** A fresh grant code of USER for this client. */
  code(scope?: string): Promise<string>
}

export async function selfClient(harness: BrokerHarness): Promise<OtherClient> {
  const made = await harness.control('clients', { type: 'self', dcs: ['us'] })
  const clientId = String(made.client_id)
  return {
    clientId,
    clientSecret: String(made.client_secret),
    code: async (scope = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ') =>
      String(
        (await harness.control('self-client/code', { client_id: clientId, scope, email: USER }))
          .code,
      ),
  }
}

/** Revokes `refreshToken` at the emulator behind the broker's back (as a user would at Zoho). */
export async function revokeAtZoho(harness: BrokerHarness, refreshToken: string): Promise<void> {
  const response = await harness.emulator.fetch(
    new Request(`${BASE}/us/accounts/oauth/v2/token/revoke?token=${refreshToken}`, {
      method: 'POST',
    }),
  )
  expect(response.status).toBe(200)
}

/** The emulator's revoke calls so far. */
export async function revokeCalls(harness: BrokerHarness): Promise<number> {
  return Number((await harness.control('stats')).revoke)
}
