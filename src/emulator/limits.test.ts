import { describe, it, expect } from 'vitest'
import { createEmulator } from './app.js'
import { control, post, selfClientTokens, tokenURL, type Json } from './test-kit.js'
import type { Emulator } from './app.js'

async function refresh(
  emulator: Emulator,
  client: { client_id: string; client_secret: string },
  refreshToken: unknown,
): Promise<{ status: number; body: Json }> {
  return post(emulator, tokenURL('us'), {
    grant_type: 'refresh_token',
    client_id: client.client_id,
    client_secret: client.client_secret,
    refresh_token: String(refreshToken),
  })
}

describe('token endpoint limits', () => {
  it('throttles the 11th mint in 10 minutes (the code exchange counts) with Access Denied', async () => {
    const emulator = createEmulator({ seed: 20 })
    const { client, tokens } = await selfClientTokens(emulator)
    for (let i = 0; i < 9; i++) {
      expect(
        (await refresh(emulator, client, tokens.refresh_token)).body.access_token,
      ).toBeDefined()
    }
    const throttled = await refresh(emulator, client, tokens.refresh_token)
    expect(throttled).toEqual({
      status: 400,
      body: {
        error: 'Access Denied',
        error_description:
          'You have made too many requests continuously. Please try again after some time.',
      },
    })
  })

  it('does not extend the block for throttled requests: the window ends 600 s after the mints', async () => {
    const emulator = createEmulator({ seed: 21, settings: { throttle_status: 429 } })
    const { client, tokens } = await selfClientTokens(emulator)
    for (let i = 0; i < 9; i++) await refresh(emulator, client, tokens.refresh_token)
    await control(emulator, 'clock', { advance_seconds: 300 })
    expect((await refresh(emulator, client, tokens.refresh_token)).status).toBe(429)
    await control(emulator, 'clock', { advance_seconds: 299 })
    expect((await refresh(emulator, client, tokens.refresh_token)).body.error).toBe('Access Denied')
    await control(emulator, 'clock', { advance_seconds: 1 })
    expect((await refresh(emulator, client, tokens.refresh_token)).body.access_token).toBeDefined()
  })

  it('keeps 15 active access tokens per refresh token: the 16th evicts the oldest', async () => {
    const emulator = createEmulator({ seed: 22, settings: { mints_per_window: 100 } })
    const { client, tokens } = await selfClientTokens(emulator)
    for (let i = 0; i < 15; i++) await refresh(emulator, client, tokens.refresh_token)
    const census = await control(emulator, `tokens?client_id=${client.client_id}`)
    expect(census.access_token_count).toBe(15)
    expect((census.refresh_tokens as Json[])[0]?.active_access_tokens).toBe(15)
  })

  it('keeps 20 refresh tokens per user per client: the 21st silently deletes the oldest', async () => {
    const emulator = createEmulator({ seed: 23 })
    await control(emulator, 'users', { email: 'dev@example.com', dc: 'us' })
    const client = (await control(emulator, 'clients', { type: 'self', dcs: ['us'] })) as {
      client_id: string
      client_secret: string
    }
    const refreshTokens: unknown[] = []
    for (let i = 0; i < 21; i++) {
      const { code } = await control(emulator, 'self-client/code', {
        client_id: client.client_id,
        scope: 'ZohoCRM.users.READ',
        email: 'dev@example.com',
      })
      const { body } = await post(emulator, tokenURL('us'), {
        grant_type: 'authorization_code',
        ...client,
        code: String(code),
      })
      refreshTokens.push(body.refresh_token)
    }
    const census = await control(emulator, `tokens?client_id=${client.client_id}`)
    expect(census.refresh_token_count).toBe(20)
    expect(census.access_token_count).toBe(20)
    expect((await refresh(emulator, client, refreshTokens[0])).body).toEqual({
      error: 'invalid_code',
    })
    expect((await refresh(emulator, client, refreshTokens[1])).body.access_token).toBeDefined()
  })

  it('expires access tokens after access_token_ttl so they stop counting as active', async () => {
    const emulator = createEmulator({ seed: 24, settings: { access_token_ttl: 60 } })
    const { client, tokens } = await selfClientTokens(emulator)
    expect(tokens.expires_in).toBe(60)
    await control(emulator, 'clock', { advance_seconds: 60 })
    const census = await control(emulator, `tokens?client_id=${client.client_id}`)
    expect(census.access_token_count).toBe(0)
  })

  it('sends the newer throttle text with throttle_message "new"', async () => {
    const emulator = createEmulator({ seed: 25, settings: { mints_per_window: 1 } })
    const { client, tokens } = await selfClientTokens(emulator)
    expect(await control(emulator, 'settings', { throttle_message: 'new' })).toMatchObject({
      throttle_message: 'new',
    })
    expect(await refresh(emulator, client, tokens.refresh_token)).toEqual({
      status: 400,
      body: {
        error: 'Access Denied',
        error_description:
          'Token creation throttle limit reached. Please reuse the valid tokens you currently have.',
      },
    })
  })
})
