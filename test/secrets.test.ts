/**
 * Secrets never leak: every CLI path a user can take, successes and failures, is run against the
 * emulator and all it prints is scanned for the tokens, codes, secrets and keys in play.
 * (`zoho-auth token` is the one command whose job is to print an access token.)
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

interface Printed {
  code: number
  out: string
}

async function cli(argv: string[], env: Record<string, string | undefined>): Promise<Printed> {
  const { code, stdout, stderr } = await runCommand(argv, env)
  return { code, out: stdout + stderr }
}

describe('secrets in CLI output', () => {
  it('no CLI path prints a refresh token, code, client secret or encryption key', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('leak@example.com')
    const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-secrets-'))
    const key = Buffer.alloc(32, 5).toString('base64')
    const env = {
      HOME: dir,
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_DB: join(dir, 'tokens.db'),
      ZOHO_AUTH_ENCRYPTION_KEY: key,
    }
    const mint = (): Promise<string> =>
      zoho.selfClientCode({
        client_id: client.client_id,
        scope: 'ZohoCRM.users.READ',
        email: 'leak@example.com',
      })
    const secrets: string[] = [client.client_secret, key]
    const printed: Printed[] = []
    const run = async (
      argv: string[],
      overrides: Record<string, string | undefined> = {},
    ): Promise<Printed> => {
      const result = await cli(argv, { ...env, ...overrides })
      printed.push(result)
      return result
    }

    const code = await mint()
    secrets.push(code)
    expect((await run(['exchange', '--code', code])).code).toBe(0)
    await run(['exchange', '--code', code, '--connection', 'again']) // reused code
    await run(['exchange', '--code', `${code}x`, '--connection', 'typo']) // malformed code
    await run(['exchange', '--code', `"${code}"`, '--connection', 'quoted'])
    await run(['exchange', '--code', await mint(), '--connection', 'badsecret'], {
      ZOHO_CLIENT_SECRET: 'f'.repeat(42),
    })
    await run(['connections', 'list'])
    await run(['connections', 'list', '--json'])

    // The stored refresh token, read back through a raw exchange we control.
    const raw = await fetch(`${zoho.url}/us/accounts/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: client.client_id,
        client_secret: client.client_secret,
        code: await mint(),
      }),
    })
    const { refresh_token: refreshToken } = (await raw.json()) as { refresh_token: string }
    secrets.push(refreshToken)
    await run(['import', '--refresh-token', refreshToken, '--connection', 'imported'])
    await run(['import', '--refresh-token', refreshToken, '--connection', 'imported']) // exists
    await run(['import', '--refresh-token', `Bearer ${refreshToken}`, '--connection', 'prefixed'])
    await run(['import', '--connection', 'fromenv'], {
      ZOHO_REFRESH_TOKEN: refreshToken,
      ZOHO_CLIENT_SECRET: 'e'.repeat(42),
    })
    await run(['token', '--connection', 'imported'], {
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 6).toString('base64'), // the wrong key
    })
    await zoho.control('faults', { path: '/oauth/v2/token', roadblock: true, count: 1 })
    await run(['import', '--refresh-token', refreshToken, '--connection', 'roadblocked'])
    await run(['token', '--connection', 'nosuch'])

    if (process.env.SHOW_OUTPUT) console.log(printed.map((p) => `[${p.code}] ${p.out}`).join('\n'))
    const all = printed.map((p) => p.out).join('\n')
    expect(all.length).toBeGreaterThan(500)
    for (const secret of secrets) expect(all).not.toContain(secret)
    // No Zoho token-shaped value at all may appear in full.
    expect(all).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
    // Every failure said what to do.
    for (const failure of printed.filter((p) => p.code !== 0))
      expect(failure.out).toMatch(/→ |Usage:/)
  }, 30_000)
})
