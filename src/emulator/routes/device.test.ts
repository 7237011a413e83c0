import { describe, it, expect } from 'vitest'
import { createEmulator, type Emulator } from '../app.js'
import { BASE, control, post, type Json } from '../test-kit.js'

async function setup(
  emulator: Emulator,
  dcs = ['us', 'eu'],
): Promise<{ client: { client_id: string; client_secret: string }; device: Json }> {
  const client = (await control(emulator, 'clients', { type: 'device', dcs })) as {
    client_id: string
    client_secret: string
  }
  const { body: device } = await post(emulator, `${BASE}/us/accounts/oauth/v3/device/code`, {
    client_id: client.client_id,
    grant_type: 'device_request',
    scope: 'ZohoCRM.users.READ',
    access_type: 'offline',
  })
  return { client, device }
}

function pollAt(
  emulator: Emulator,
  dc: string,
  client: { client_id: string; client_secret: string },
  device: Json,
): Promise<{ status: number; body: Json }> {
  return post(emulator, `${BASE}/${dc}/accounts/oauth/v3/device/token`, {
    client_id: client.client_id,
    client_secret: client.client_secret,
    grant_type: 'device_token',
    code: String(device.device_code),
  })
}

describe('POST /oauth/v3/device/code', () => {
  it('returns user_code, device_code, verification_url, expires_in and interval', async () => {
    const emulator = createEmulator({ seed: 70 })
    const { client, device } = await setup(emulator)
    expect(client.client_id).toMatch(/^1004\./)
    expect(device).toMatchObject({
      verification_url: `${BASE}/us/accounts/oauth/v3/device`,
      expires_in: 300,
      interval: 30,
    })
    expect(device.user_code).toMatch(/^[A-Z0-9]{8}$/)
  })

  it('refuses a server client (invalid_client)', async () => {
    const emulator = createEmulator({ seed: 71 })
    const server = await control(emulator, 'clients', { type: 'server' })
    const { body } = await post(emulator, `${BASE}/us/accounts/oauth/v3/device/code`, {
      client_id: String(server.client_id),
      grant_type: 'device_request',
      scope: 'ZohoCRM.users.READ',
    })
    expect(body).toEqual({ error: 'invalid_client' })
  })
})

describe('POST /oauth/v3/device/token', () => {
  it('answers authorization_pending, slow_down, then tokens after approval', async () => {
    const emulator = createEmulator({ seed: 72 })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { client, device } = await setup(emulator)
    expect((await pollAt(emulator, 'us', client, device)).body).toEqual({
      error: 'authorization_pending',
    })
    expect((await pollAt(emulator, 'us', client, device)).body).toEqual({ error: 'slow_down' })
    expect(
      await control(emulator, 'device/approve', {
        user_code: device.user_code,
        email: 'ada@example.com',
        decision: 'approve',
      }),
    ).toEqual({ status: 'success', decision: 'approved' })
    await control(emulator, 'clock', { advance_seconds: 30 })
    const { body } = await pollAt(emulator, 'us', client, device)
    expect(body.refresh_token).toMatch(/^1000\./)
    expect(body.api_domain).toBe(`${BASE}/us/api`)
    await control(emulator, 'clock', { advance_seconds: 30 })
    expect((await pollAt(emulator, 'us', client, device)).body).toEqual({ error: 'invalid_code' })
  })

  it('answers other_dc with user_location for an EU approver; polling eu succeeds', async () => {
    const emulator = createEmulator({ seed: 73 })
    await control(emulator, 'users', { email: 'emil@example.eu', dc: 'eu' })
    const { client, device } = await setup(emulator)
    await control(emulator, 'device/approve', {
      user_code: device.user_code,
      email: 'emil@example.eu',
      decision: 'approve',
    })
    expect((await pollAt(emulator, 'us', client, device)).body).toEqual({
      error: 'other_dc',
      user_location: 'eu',
    })
    const { body } = await pollAt(emulator, 'eu', client, device)
    expect(body.api_domain).toBe(`${BASE}/eu/api`)
  })

  it('answers access_denied after a denial and expired after device_code_ttl', async () => {
    const emulator = createEmulator({ seed: 74 })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const denied = await setup(emulator)
    await control(emulator, 'device/approve', {
      user_code: denied.device.user_code,
      email: 'ada@example.com',
      decision: 'deny',
    })
    expect((await pollAt(emulator, 'us', denied.client, denied.device)).body).toEqual({
      error: 'access_denied',
    })
    const late = await setup(emulator)
    await control(emulator, 'clock', { advance_seconds: 300 })
    expect((await pollAt(emulator, 'us', late.client, late.device)).body).toEqual({
      error: 'expired',
    })
  })

  it('approves through the verification page form', async () => {
    const emulator = createEmulator({ seed: 75 })
    await control(emulator, 'users', { email: 'ada@example.com', dc: 'us' })
    const { client, device } = await setup(emulator)
    const page = await emulator.fetch(new Request(String(device.verification_url)))
    expect(await page.text()).toContain('name="user_code"')
    const approved = await emulator.fetch(
      new Request(String(device.verification_url), {
        method: 'POST',
        body: new URLSearchParams({
          user_code: String(device.user_code),
          email: 'ada@example.com',
          decision: 'approve',
        }),
      }),
    )
    expect(await approved.text()).toContain('Device approved.')
    expect((await pollAt(emulator, 'us', client, device)).body.access_token).toMatch(/^1000\./)
    expect(emulator.stats().token_endpoint.device_token).toBe(1)
    expect(emulator.stats().device_code).toBe(1)
  })
})
