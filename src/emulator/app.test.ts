import { describe, it, expect } from 'vitest'
import { createEmulator } from './app.js'
import { BASE, selfClientTokens } from './test-kit.js'

describe('createEmulator', () => {
  it('hands out the same clients and tokens for the same seed', async () => {
    const run = async (): Promise<unknown> => {
      const emulator = createEmulator({ seed: 1234, now: () => 0 })
      const { client, tokens } = await selfClientTokens(emulator, { email: 'same@example.com' })
      return [client.client_id, client.client_secret, tokens.access_token, tokens.refresh_token]
    }
    expect(await run()).toEqual(await run())
  })

  it('answers 404 for a path outside the nine DCs', async () => {
    const emulator = createEmulator()
    const response = await emulator.fetch(
      new Request(`${BASE}/xx/accounts/oauth/v2/token`, { method: 'POST' }),
    )
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'unknown data centre' })
  })

  it('seeds demo clients and users with demo: true, and again after reset', () => {
    const emulator = createEmulator({ seed: 5, demo: true })
    const demo = emulator.demo()
    expect(demo?.users.map((u) => `${u.email}@${u.dc}`)).toEqual([
      'ada@example.com@us',
      'emil@example.eu@eu',
    ])
    expect(demo?.serverClient.redirectURIs).toEqual(['http://localhost:3001/oauth/callback'])
    expect(demo?.selfClient.type).toBe('self')
    emulator.reset()
    expect(emulator.demo()?.serverClient.clientId).toBe(demo?.serverClient.clientId)
  })
})
