/**
 * Configuration as the CLI meets it, against the emulator on a socket: emulator mode is loud and
 * stays on this machine, and malformed credentials or URLs are refused before anything is sent.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCommand as cli } from './support/cli.js'
import { SELF_CLIENT_USER, useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 8).toString('base64')
const fixture = useSelfClientCli('cli-config')

/** A home (and working directory, so its `.env` is read) with a store and key of its own. */
function home(dotenv?: string): { dir: string; env: Record<string, string | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-cli-config-'))
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv)
  return {
    dir,
    env: { HOME: dir, ZOHO_AUTH_DB: join(dir, 'tokens.db'), ZOHO_AUTH_ENCRYPTION_KEY: KEY },
  }
}

function mintCode(): Promise<string> {
  return fixture.zoho.selfClientCode({
    client_id: fixture.client.client_id,
    scope: 'ZohoCRM.users.READ',
    email: SELF_CLIENT_USER,
  })
}

async function tokenRequests(): Promise<number> {
  const { token_endpoint } = await fixture.zoho.stats()
  return Object.values(token_endpoint).reduce((sum, n) => sum + n, 0)
}

describe('zoho-auth in emulator mode', () => {
  it('every command that uses the emulator says so on stderr, naming the .env it came from', async () => {
    const { dir, env } = home(
      `ZOHO_EMULATOR_URL=${fixture.zoho.url}\nZOHO_CLIENT_ID=${fixture.client.client_id}\nZOHO_CLIENT_SECRET=${fixture.client.client_secret}\n`,
    )
    const warning = `zoho-auth: warning: emulator mode: the client secret and tokens go to the emulator at ${fixture.zoho.url}, not to Zoho (ZOHO_EMULATOR_URL in ${join(dir, '.env')}); remove it to talk to Zoho\n`
    const exchanged = await cli(['exchange', '--code', await mintCode()], env)
    expect(exchanged.code).toBe(0)
    expect(exchanged.stderr).toBe(warning)
    const token = await cli(['token'], env)
    expect(token.code).toBe(0)
    expect(token.stderr).toBe(warning)
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
    expect((await cli(['connections', 'list'], env)).stderr).toBe(warning)
  })

  it('the warning names the flag or the environment when the URL came from there', async () => {
    const { env } = home()
    const fromFlag = await cli(['connections', 'list', '--emulator-url', fixture.zoho.url], env)
    expect(fromFlag.stderr).toContain('(--emulator-url); remove it to talk to Zoho')
    const fromEnv = await cli(['connections', 'list'], {
      ...env,
      ZOHO_EMULATOR_URL: fixture.zoho.url,
    })
    expect(fromEnv.stderr).toContain('(ZOHO_EMULATOR_URL in the environment)')
  })

  it('a stray .env pointing the emulator at another machine is refused before any request, exit 1', async () => {
    const { dir, env } = home('ZOHO_EMULATOR_URL=https://zoho-emulator.evil.example\n')
    const run = await cli(['exchange', '--code', await mintCode()], {
      ...env,
      ZOHO_CLIENT_ID: fixture.client.client_id,
      ZOHO_CLIENT_SECRET: fixture.client.client_secret,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `zoho-auth: ZOHO_EMULATOR_URL in ${join(dir, '.env')} points at zoho-emulator.evil.example, which is not this machine\n  → Emulator mode sends the client secret and refresh tokens to that host. Remove ZOHO_EMULATOR_URL to talk to Zoho; if your emulator really runs there, set ZOHO_EMULATOR_ALLOW_REMOTE=1 (or pass --emulator-allow-remote).\n`,
    )
    expect(run.stderr).not.toContain(fixture.client.client_secret)
  })

  it('--emulator-allow-remote is a known flag (and http:// off this machine stays refused)', async () => {
    const { env } = home()
    const run = await cli(
      ['connections', 'list', '--emulator-url', 'http://10.0.0.5:3002', '--emulator-allow-remote'],
      env,
    )
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'zoho-auth: --emulator-url is plain http:// to 10.0.0.5, which is not this machine',
    )
  })
})

describe('zoho-auth with malformed configuration', () => {
  it('exchange with a quoted secret from .env names the variable, never the secret, and sends nothing', async () => {
    const { dir, env } = home(
      `ZOHO_CLIENT_ID=${fixture.client.client_id}\nZOHO_CLIENT_SECRET=“${fixture.client.client_secret}”\n`,
    )
    const code = await mintCode()
    const run = await cli(['exchange', '--code', code], {
      ...env,
      ZOHO_EMULATOR_URL: fixture.zoho.url,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      `zoho-auth: ZOHO_CLIENT_SECRET in ${join(dir, '.env')}: the client secret is wrapped in quotes\n  → Remove the quotes and paste the bare value.\n`,
    )
    expect(run.stderr).not.toContain(fixture.client.client_secret)
    expect(await tokenRequests()).toBe(0)
  })

  it('exchange with a client id cut short warns, and Zoho gets to say no', async () => {
    const { env } = home()
    const run = await cli(['exchange', '--code', await mintCode()], {
      ...env,
      ZOHO_EMULATOR_URL: fixture.zoho.url,
      ZOHO_CLIENT_ID: fixture.client.client_id.slice(0, -3),
      ZOHO_CLIENT_SECRET: fixture.client.client_secret,
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(
      'zoho-auth: warning: ZOHO_CLIENT_ID in the environment: the client id is too short: 27 of 30 characters after "1000.", so it looks cut off; sent as is',
    )
    expect(run.stderr).toContain('invalid_client')
  })

  it('a malformed ZOHO_REDIRECT_URI or ZOHO_EMULATOR_URL is named, never a raw "Invalid URL"', async () => {
    const { env } = home()
    for (const [name, value] of [
      ['ZOHO_REDIRECT_URI', 'http://localhost:99999/cb'],
      ['ZOHO_EMULATOR_URL', 'http://127.0.0.1:99999'],
      ['ZOHO_AUTH_DB', 'postgres://app:p#ss@db/x'],
    ] as const) {
      const run = await cli(['connections', 'list'], { ...env, [name]: value })
      expect(run.code, name).toBe(1)
      expect(run.stderr, name).toMatch(new RegExp(`^zoho-auth: ${name} in the environment is `))
      expect(run.stderr, name).toContain('  → ')
      expect(run.stderr, name).not.toContain('Invalid URL')
    }
  })
})
