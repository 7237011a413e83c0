/**
 * `zoho-auth login --device` in-process against the emulator on a socket, approved through the
 * emulator's control API (`POST /__emulator/device/approve`) as a person on another device would.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { startTestEmulator, type TestClient, type TestEmulator } from './support/emulator.js'
import { loginInProcess } from './support/login.js'

const KEY = Buffer.alloc(32, 6).toString('base64')
let zoho: TestEmulator
let client: TestClient

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})
beforeEach(async () => {
  await zoho.control('reset', {})
  // One second between polls instead of Zoho's 30, so a test waits one poll, not half a minute.
  await zoho.control('settings', { device_poll_interval: 1 })
  client = await zoho.client({ type: 'device', redirect_uris: [], dcs: ['us', 'eu'] })
  await zoho.user('ada@example.com', 'us')
  await zoho.user('eve@example.com', 'eu')
})

function environment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-device-'))
  return {
    HOME: dir,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_SCOPES: 'ZohoCRM.modules.ALL,ZohoCRM.users.READ',
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: KEY,
    ...overrides,
  }
}

async function decide(userCode: string, email: string, decision = 'approve'): Promise<void> {
  await zoho.control('device/approve', { user_code: userCode, email, decision })
}

describe('zoho-auth login --device', () => {
  it('login --device: prints the code and URL, polls until approved, stores the connection', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--device'], env)
    const userCode = await login.userCode()
    expect(login.stderr.text).toContain(`${zoho.url}/us/accounts/oauth/v3/device`)
    await decide(userCode, 'ada@example.com')
    const run = await login.done
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /^Logged in to Zoho as ada@example\.com \(ZUID \d+\) in data centre us\./,
    )
    expect(run.stdout + run.stderr).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
    expect(run.stdout + run.stderr).not.toContain(client.client_secret)
    const token = await runCommand(['token'], env)
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
    const stats = await zoho.stats()
    expect(stats.token_errors.slow_down ?? 0).toBe(0)
  })

  it('login --device: other_dc sends the poll to the account’s DC, where the connection lives', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--device', '--connection', 'eu'], env)
    await decide(await login.userCode(), 'eve@example.com')
    const run = await login.done
    expect(run.code).toBe(0)
    expect(run.stderr).toContain('The account lives in the eu data centre; polling there.')
    expect(run.stdout).toContain('in data centre eu')
    const [stored] = JSON.parse(
      (await runCommand(['connections', 'list', '--json'], env)).stdout,
    ) as [Record<string, unknown>]
    expect(stored).toMatchObject({ id: 'eu', dc: 'eu', email: 'eve@example.com' })
    const stats = await zoho.stats()
    expect(stats.token_errors.other_dc).toBe(1)
    expect(stats.by_dc.eu?.token_endpoint.device_token).toBe(1)
  })

  it('login --device: a denied code fails with what to do, nothing stored', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--device'], env)
    await decide(await login.userCode(), 'ada@example.com', 'deny')
    const run = await login.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'zoho-auth: The device code was denied at Zoho; nothing was stored',
    )
    expect(run.stderr).toContain('→ Run `zoho-auth login --device` again and choose Approve')
    expect((await runCommand(['connections', 'list', '--json'], env)).stdout.trim()).toBe('[]')
  })

  it('login --device: a code that expires before approval says so', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--device'], env)
    await login.userCode()
    await zoho.control('clock', { advance_seconds: 600 })
    const run = await login.done
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('zoho-auth: The device code expired before it was approved')
  })

  it('login --device with a client that is not a device client names the client type needed', async () => {
    const server = await zoho.client({ type: 'server', dcs: ['us'] })
    const env = environment({
      ZOHO_CLIENT_ID: server.client_id,
      ZOHO_CLIENT_SECRET: server.client_secret,
    })
    const run = await runCommand(['login', '--device'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('Zoho refused to start the device flow for this client')
    expect(run.stderr).toContain('"Non-browser Application" client (its id starts with 1004.)')
  })

  it('login --device: Ctrl-C while polling cancels cleanly', async () => {
    const env = environment()
    const login = loginInProcess(['login', '--device'], env)
    await login.userCode()
    login.interrupt()
    const run = await login.done
    expect(run.code).toBe(130)
    expect(run.stderr).toContain('zoho-auth: Login cancelled; nothing was stored')
  })
})
