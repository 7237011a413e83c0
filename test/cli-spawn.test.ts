/**
 * The binary itself, spawned as users run it: eight `zoho-auth token` processes started together
 * at expiry against one SQLite file must cause one token request and print the same token.
 * Needs dist/ (npm test builds first).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/main.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'

const BIN = fileURLToPath(new URL('../bin/zoho-auth.js', import.meta.url))
// Short enough to wait out, long enough that eight cold Node starts finish inside one lifetime.
const TOKEN_TTL_SECONDS = 6

let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator({ access_token_ttl: TOKEN_TTL_SECONDS })
})
afterAll(async () => {
  await zoho.close()
})

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('zoho-auth token (spawned)', () => {
  it('zoho-auth token: eight processes at expiry share one refresh and print the same token', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('spawn@example.com')
    const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-spawn-'))
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_DB: join(dir, 'tokens.db'),
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    }
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'spawn@example.com',
    })
    const sink = { write: () => undefined }
    const created = await runCli(['exchange', '--code', code], {
      env,
      cwd: dir,
      stdout: sink,
      stderr: sink,
      signal: new AbortController().signal,
    })
    expect(created).toBe(0)

    // Let the stored token expire by our own clock (the client trusts its clock, not Zoho's).
    await new Promise((resolve) => setTimeout(resolve, TOKEN_TTL_SECONDS * 1000 + 300))
    await zoho.control('stats/reset', {})

    const results = await Promise.all(Array.from({ length: 8 }, () => run(['token'], env)))
    // Nothing on stderr but the line every emulator-mode command prints.
    const warning = `zoho-auth: warning: emulator mode: the client secret and tokens go to the emulator at ${zoho.url}, not to Zoho (ZOHO_EMULATOR_URL in the environment); remove it to talk to Zoho\n`
    for (const result of results) {
      expect(result.stderr).toBe(warning)
      expect(result.code).toBe(0)
    }
    const tokens = new Set(results.map((r) => r.stdout))
    expect(tokens.size).toBe(1)
    expect([...tokens][0]).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)

    const stats = await zoho.stats()
    expect(stats.token_endpoint.refresh_token).toBe(1)
    expect(stats.token_errors['Access Denied'] ?? 0).toBe(0)
  }, 60_000)
})
