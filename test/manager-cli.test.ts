/**
 * `zoho-auth token` while another process holds the connection's refresh lease: at a terminal it
 * says, in one line on stderr, what it waits for; in a script it prints nothing but the token.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/main.js'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'

const KEY = Buffer.alloc(32, 7).toString('base64')
let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

interface Run {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `zoho-auth token` while process "stuck" holds the lease of "default" with its token
 * expired; the lease is let go as soon as the command says it waits, or once stderr is not a
 * terminal and nothing can be said (the run is then over when the lease is let go, too).
 */
async function tokenWhileLeaseHeld(env: Record<string, string>, isTTY: boolean): Promise<Run> {
  const store = await openSqliteStore({ path: env.ZOHO_AUTH_DB!, keyRing: KeyRing.parse(KEY) })
  try {
    const row = await store.get('default')
    const now = Date.now()
    await store.update('default', { accessTokenExpiresAt: now - 1 }, row!.version, now)
    expect(await store.acquireLease('default', 'stuck', 60_000, now)).toBe(true)
    let stdout = ''
    let stderr = ''
    const letGo = (): void => void store.releaseLease('default', 'stuck')
    // Without a terminal nothing is said: let go once it is surely waiting. At a terminal, this
    // only bounds a run that never says it waits (the test then fails on what it printed).
    const fallback = setTimeout(letGo, isTTY ? 5000 : 300)
    const code = await runCli(['token'], {
      env,
      cwd: env.HOME!,
      stdout: { write: (s) => void (stdout += s) },
      stderr: Object.assign(
        {
          write: (s: string) => {
            stderr += s
            if (s.includes('waiting')) letGo()
          },
        },
        { isTTY },
      ),
      signal: new AbortController().signal,
    })
    clearTimeout(fallback)
    return { code, stdout, stderr }
  } finally {
    await store.close()
  }
}

describe('zoho-auth token while another process refreshes', () => {
  it('token: at a terminal says once, on stderr, that it waits for another process; never the token', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('ada@example.com')
    const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-cli-waiting-'))
    const env = {
      HOME: dir,
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_DB: join(dir, 'tokens.db'),
      ZOHO_AUTH_ENCRYPTION_KEY: KEY,
    }
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'ada@example.com',
    })
    const quiet = { write: (): void => undefined }
    const exchanged = await runCli(['exchange', '--code', code], {
      env,
      cwd: dir,
      stdout: quiet,
      stderr: quiet,
      signal: new AbortController().signal,
    })
    expect(exchanged).toBe(0)

    const atTerminal = await tokenWhileLeaseHeld(env, true)
    expect(atTerminal.code).toBe(0)
    const token = atTerminal.stdout.trim()
    expect(token).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/)
    const waiting = atTerminal.stderr.split('\n').filter((line) => line.includes('waiting'))
    expect(waiting).toHaveLength(1)
    expect(waiting[0]).toMatch(
      /^zoho-auth: waiting for another process to refresh "default" \(at most \d+ s if it has stopped\)…$/,
    )
    expect(atTerminal.stderr).not.toContain(token)

    const inScript = await tokenWhileLeaseHeld(env, false)
    expect(inScript.code).toBe(0)
    expect(inScript.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
    expect(inScript.stderr).not.toContain('waiting')
  })
})
