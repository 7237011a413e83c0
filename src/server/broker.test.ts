import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.js'
import { createEmulator } from '../emulator/index.js'
import { brokerSettings, DEFAULT_MAX_BODY_BYTES, openBroker } from './broker.js'

const BASE = 'http://127.0.0.1:9'
const ADMIN = 'broker-test-admin-token-0123456789abcdef'

type Json = Record<string, unknown>

function config(env: Record<string, string> = {}) {
  return loadConfig({
    env: { HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-broker-')), ...env },
    cwd: tmpdir(),
  })
}

describe('brokerSettings', () => {
  it('brokerSettings takes the public URL from ZOHO_REDIRECT_URI and keeps the redirect URI exactly', () => {
    const settings = brokerSettings({
      config: config({
        ZOHO_REDIRECT_URI: 'https://broker.example.com/zoho/callback',
        ZOHO_DC: 'eu',
        ZOHO_SCOPES: 'ZohoCRM.users.READ',
        ZOHO_AUTH_ALLOWED_ORIGINS: 'https://app.example.com',
      }),
      adminToken: ADMIN,
    })
    expect(settings).toEqual({
      publicUrl: 'https://broker.example.com',
      redirectUri: 'https://broker.example.com/zoho/callback',
      adminToken: ADMIN,
      defaultDc: 'eu',
      defaultScopes: ['ZohoCRM.users.READ'],
      returnToOrigins: ['https://app.example.com'],
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    })
  })

  it('brokerSettings in sandbox mode puts the callback under the URL it was given', () => {
    const settings = brokerSettings({
      config: config(),
      adminToken: ADMIN,
      publicUrl: 'http://localhost:4123',
      sandboxEmulatorUrl: 'http://127.0.0.1:4999',
    })
    expect(settings.publicUrl).toBe('http://localhost:4123')
    expect(settings.redirectUri).toBe('http://localhost:4123/oauth/callback')
    expect(settings.sandboxEmulatorUrl).toBe('http://127.0.0.1:4999')
  })
})

describe('openBroker webhooks', () => {
  const sqliteEnv = () => ({
    ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  })

  it('openBroker refuses ZOHO_AUTH_WEBHOOK_URL without ZOHO_AUTH_WEBHOOK_SECRET, naming both', async () => {
    await expect(
      openBroker({
        config: config({ ...sqliteEnv(), ZOHO_AUTH_WEBHOOK_URL: 'https://hooks.example.com/z' }),
        adminToken: ADMIN,
      }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: 'ZOHO_AUTH_WEBHOOK_URL is set but ZOHO_AUTH_WEBHOOK_SECRET is not',
    })
  })

  it('openBroker refuses a webhook secret that is not whsec_<base64>', async () => {
    await expect(
      openBroker({
        config: config({
          ...sqliteEnv(),
          ZOHO_AUTH_WEBHOOK_URL: 'https://hooks.example.com/z',
          ZOHO_AUTH_WEBHOOK_SECRET: 'not-a-secret',
        }),
        adminToken: ADMIN,
      }),
    ).rejects.toMatchObject({ code: 'ERR_CONFIG' })
  })

  it('openBroker builds a webhook sender when both are set, and none otherwise', async () => {
    const secret = `whsec_${Buffer.alloc(24, 9).toString('base64')}`
    const withHooks = await openBroker({
      config: config({
        ...sqliteEnv(),
        ZOHO_AUTH_WEBHOOK_URL: 'https://hooks.example.com/z',
        ZOHO_AUTH_WEBHOOK_SECRET: secret,
      }),
      adminToken: ADMIN,
    })
    const without = await openBroker({ config: config(sqliteEnv()), adminToken: ADMIN })
    try {
      expect(withHooks.deps.webhooks).not.toBeNull()
      expect(without.deps.webhooks).toBeNull()
    } finally {
      await withHooks.close()
      await without.close()
    }
  })
})

describe('openBroker', () => {
  it('openBroker refreshes a connection brought by another client with that client’s id and secret from the store', async () => {
    const emulator = createEmulator({ seed: 11 })
    const control = async (path: string, body: Json): Promise<Json> =>
      (await (
        await emulator.fetch(
          new Request(`${BASE}/__emulator/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
        )
      ).json()) as Json
    await control('users', { email: 'ada@example.com', dc: 'us' })
    const server = await control('clients', { type: 'server', dcs: ['us'] })
    const self = await control('clients', { type: 'self', dcs: ['us'] })
    const broker = await openBroker({
      config: config({
        ZOHO_CLIENT_ID: String(server.client_id),
        ZOHO_CLIENT_SECRET: String(server.client_secret),
        ZOHO_EMULATOR_URL: BASE,
        ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      }),
      adminToken: ADMIN,
      fetch: async (input, init) => emulator.fetch(new Request(input, init)),
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    })
    try {
      const { deps } = broker
      expect(deps.client?.clientId).toBe(server.client_id)
      expect(deps.allowInsecureHTTP).toBe(true)
      // One key ring, a different secret per purpose.
      const [state, session, link] = [
        deps.secrets.state,
        deps.secrets.session,
        deps.secrets.connectLink,
      ]
      expect(
        new Set([state[0]?.toString('hex'), session[0]?.toString('hex'), link[0]?.toString('hex')])
          .size,
      ).toBe(3)
      await deps.store.saveClient(
        {
          clientId: String(self.client_id),
          clientSecret: String(self.client_secret),
          dcSecrets: {},
        },
        Date.now(),
      )
      const { code } = await control('self-client/code', {
        client_id: self.client_id,
        scope: 'ZohoCRM.users.READ',
        email: 'ada@example.com',
      })
      await deps.manager.createFromCode({
        id: 'brought',
        code: String(code),
        clientId: String(self.client_id),
      })
      const first = await deps.manager.getToken('brought')
      const second = await deps.manager.invalidate('brought', first.accessToken)
      expect(second.accessToken).not.toBe(first.accessToken)
      const byClient = emulator.stats().by_client
      expect(byClient[String(self.client_id)]?.token_endpoint.refresh_token).toBe(1)
      expect(byClient[String(server.client_id)]?.token_endpoint.refresh_token ?? 0).toBe(0)
      const health = await broker.app.request('/readyz')
      expect(await health.json()).toEqual({ status: 'ready' })
    } finally {
      await broker.close()
    }
    await expect(broker.deps.store.listIds()).rejects.toThrow()
  })
})
