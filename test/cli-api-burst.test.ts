/**
 * The 401 path for real, across processes: Zoho (the emulator, its clock moved past the token's
 * life) considers the stored token expired while every client still trusts it by its own clock.
 * Eight `zoho-auth api` processes started at once on one SQLite file are refused, refresh once
 * between them (one lease), retry, and all succeed. Needs dist/ (npm test builds first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { scriptEnvironment } from './support/script-env.js'
import { runSpawned } from './support/spawn.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

describe('zoho-auth api: a burst of refused tokens (spawned)', () => {
  it('zoho-auth api: 8 processes at once with a token Zoho expired → all succeed, 1 refresh', async () => {
    const { env, client, email } = await scriptEnvironment(zoho)
    // The stored token is valid for an hour by our clock; Zoho's is now past it.
    await zoho.control('clock', { advance_seconds: 3700 })
    await zoho.control('stats/reset', {})

    const runs = await Promise.all(
      Array.from({ length: 8 }, () => runSpawned(['api', '/crm/v8/users?type=CurrentUser'], env)),
    )
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ users: [{ email }] })
    }
    const stats = await zoho.stats()
    expect(stats.by_client[client.client_id]?.token_endpoint.refresh_token).toBe(1)
    expect(stats.token_errors['Access Denied'] ?? 0).toBe(0)
    // At least one call was refused and retried: more calls than processes reached the API.
    expect(Number(stats.api)).toBeGreaterThan(8)
  }, 60_000)
})
