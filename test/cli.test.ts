/**
 * The CLI's first slice, run in-process against the emulator on a socket and a real SQLite file.
 */
import { describe, expect, it } from 'vitest'
import { UNSTATED_LIFETIME_SECONDS } from '../src/protocol/token-response.js'
import { runCommand } from './support/cli.js'
import { SELF_CLIENT_USER, useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 7).toString('base64')
const fixture = useSelfClientCli('cli')

function environment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return { ...fixture.environment(KEY), ...overrides }
}

const cli = runCommand

function emulatorWarning(): string {
  return `zoho-auth: warning: emulator mode: the client secret and tokens go to the emulator at ${fixture.zoho.url}, not to Zoho (ZOHO_EMULATOR_URL in the environment); remove it to talk to Zoho\n`
}

async function mintCode(scope = 'ZohoCRM.users.READ,AaaServer.profile.READ'): Promise<string> {
  return fixture.zoho.selfClientCode({
    client_id: fixture.client.client_id,
    scope,
    email: SELF_CLIENT_USER,
  })
}

describe('zoho-auth exchange / token / connections list', () => {
  it('exchange stores a connection that token then serves, printing nothing but the token', async () => {
    const env = environment()
    const exchanged = await cli(['exchange', '--code', await mintCode()], env)
    // Emulator mode is loud: the one line on stderr says where secrets go (test/cli-config.test.ts).
    expect(exchanged).toMatchObject({ code: 0, stderr: emulatorWarning() })
    expect(exchanged.stdout).toContain('Connection "default" saved: ada@example.com in us')

    const token = await cli(['token'], env)
    expect(token).toMatchObject({ code: 0, stderr: emulatorWarning() })
    expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)

    const listed = await cli(['connections', 'list', '--json'], env)
    const [connection] = JSON.parse(listed.stdout) as Array<Record<string, unknown>>
    expect(connection).toMatchObject({
      id: 'default',
      dc: 'us',
      email: SELF_CLIENT_USER,
      status: 'active',
    })
    expect(listed.stdout).not.toContain(token.stdout.trim())
    expect(listed.stdout).not.toMatch(/1000\.[0-9a-f]{32}/)
  })

  it('exchange of a code used twice says so and what to do, exit 1', async () => {
    const env = environment()
    const code = await mintCode()
    await cli(['exchange', '--code', code, '--connection', 'first'], env)
    const again = await cli(['exchange', '--code', code, '--connection', 'second'], env)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('invalid_code')
    expect(again.stderr).toContain(
      '  → Mint a new code and run `zoho-auth exchange --code CODE` at once: a Self Client code lives 3–10 minutes, works once, and only in the data centre it was generated in',
    )
    expect(again.stderr).not.toContain(code)
  })

  it('exchange in another data centre than the Self Client’s is invalid_client, and names --dc', async () => {
    const run = await cli(['exchange', '--code', await mintCode(), '--dc', 'eu'], environment())
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('zoho-auth: code exchange failed: invalid_client')
    expect(run.stderr).toContain(
      '  → Check ZOHO_CLIENT_ID (`zoho-auth doctor` checks it) and that `--dc` / ZOHO_DC names the data centre the client is registered in',
    )
  })

  it('exchange checks a pasted code before sending it: quotes and a cut-off code are named', async () => {
    const env = environment()
    const code = await mintCode()
    const quoted = await cli(['exchange', '--code', `'${code}'`], env)
    expect(quoted.code).toBe(1)
    expect(quoted.stderr).toMatch(/quote/i)
    const cut = await cli(['exchange', '--code', code.slice(0, 40)], env)
    expect(cut.code).toBe(1)
    expect(cut.stderr).toMatch(/short|truncated|incomplete/i)
    expect((await fixture.zoho.stats()).token_endpoint.authorization_code ?? 0).toBe(0)
    // The untouched code still works: nothing was spent.
    expect((await cli(['exchange', '--code', code], env)).code).toBe(0)
  })

  it('exchange keeps the grant of a token answer with expires_in 1e308, for the short unstated lifetime, and warns', async () => {
    const env = environment()
    const code = await mintCode()
    const body = `{"access_token":"1000.${'a'.repeat(32)}.${'b'.repeat(32)}","refresh_token":"1000.${'c'.repeat(32)}.${'d'.repeat(32)}","api_domain":"${fixture.zoho.url}/us/api","expires_in":1e308}`
    await fixture.zoho.control('faults', { path: '/oauth/v2/token', body, count: 1 })
    const before = Date.now()
    const run = await cli(['exchange', '--code', code], env)
    expect(run.code).toBe(0)
    expect(run.stderr).toContain(
      `zoho-auth: warning: Zoho's token answer for "default" was unexpected: expires_in is 1e+308, not a token lifetime (1 second to 1 day); the access token is used for ${UNSTATED_LIFETIME_SECONDS} s, not Zoho's usual hour.`,
    )
    const [stored] = JSON.parse(
      (await cli(['connections', 'list', '--json'], env)).stdout,
    ) as Array<{
      accessTokenExpiresAt: string
    }>
    const expiresAt = Date.parse(stored!.accessTokenExpiresAt)
    expect(expiresAt).toBeGreaterThanOrEqual(before + UNSTATED_LIFETIME_SECONDS * 1000)
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + UNSTATED_LIFETIME_SECONDS * 1000)
  })

  it('token refuses a refresh answer with a token with a line break, exit 1, prints nothing', async () => {
    await fixture.zoho.control('settings', { access_token_ttl: 1 })
    const env = environment()
    await cli(['exchange', '--code', await mintCode()], env)
    const [stored] = JSON.parse(
      (await cli(['connections', 'list', '--json'], env)).stdout,
    ) as Array<{
      accessTokenExpiresAt: string
    }>
    // Wait out the stored token's own expiry (the client trusts its clock), then refresh.
    const wait = Date.parse(stored!.accessTokenExpiresAt) - Date.now() + 50
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)))
    const token = `1000.${'a'.repeat(32)}.${'b'.repeat(32)}`
    for (const fields of [
      `"access_token":"${token.slice(0, 30)}\\n${token.slice(30)}","expires_in":3600`,
    ]) {
      const body = `{${fields},"api_domain":"${fixture.zoho.url}/us/api"}`
      await fixture.zoho.control('faults', { path: '/oauth/v2/token', body, count: 10 })
      const run = await cli(['token'], env)
      await fixture.zoho.control('faults', undefined, 'DELETE')
      expect(run.code).toBe(1)
      expect(run.stdout).toBe('')
      expect(run.stderr).toContain('refresh got an answer from Zoho it cannot use')
    }
  })

  it('exchange refuses to overwrite an existing connection without --replace', async () => {
    const env = environment()
    await cli(['exchange', '--code', await mintCode()], env)
    const clash = await cli(['exchange', '--code', await mintCode()], env)
    expect(clash.code).toBe(1)
    expect(clash.stderr).toMatch(/already exists/)
    expect(clash.stderr).toContain(
      '→ Pass --replace to overwrite it, or choose another name with --connection NAME.',
    )
    const replaced = await cli(['exchange', '--code', await mintCode(), '--replace'], env)
    expect(replaced.code).toBe(0)
  })

  it('import takes ZOHO_REFRESH_TOKEN and token then works', async () => {
    const exchange = await fetch(`${fixture.zoho.url}/us/accounts/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: fixture.client.client_id,
        client_secret: fixture.client.client_secret,
        code: await mintCode('ZohoCRM.users.READ'),
      }),
    })
    const { refresh_token } = (await exchange.json()) as { refresh_token: string }
    const env = environment({ ZOHO_REFRESH_TOKEN: refresh_token })
    const imported = await cli(['import', '--connection', 'crm'], env)
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('Connection "crm" saved')
    const token = await cli(['token', '--connection', 'crm'], env)
    expect(token.stdout).toMatch(/^1000\./)
  })

  it('token for a connection whose refresh token was revoked exits 1, keeps it, and says how to re-grant', async () => {
    await fixture.zoho.control('settings', { access_token_ttl: 1 })
    const env = environment()
    await cli(['exchange', '--code', await mintCode(), '--connection', 'crm'], env)
    const [listed] = JSON.parse(
      (await cli(['connections', 'list', '--json'], env)).stdout,
    ) as Array<{ accountsServer: string }>
    // Revoke the stored refresh token at Zoho, as a user would in their Zoho account settings.
    const { KeyRing } = await import('../src/stores/crypto.js')
    const { openSqliteStore } = await import('../src/stores/sqlite.js')
    const store = await openSqliteStore({ path: env.ZOHO_AUTH_DB!, keyRing: KeyRing.parse(KEY) })
    const stored = await store.get('crm')
    await store.close()
    await fetch(`${listed!.accountsServer}/oauth/v2/token/revoke?token=${stored!.refreshToken}`, {
      method: 'POST',
    })
    await new Promise((resolve) => setTimeout(resolve, 1100))

    const run = await cli(['token', '--connection', 'crm'], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('zoho-auth: Connection "crm" needs to be authorised again')
    expect(run.stderr).toContain(
      '→ Mint a new code and run `zoho-auth exchange --code CODE --connection crm --replace`',
    )
    const [after] = JSON.parse(
      (await cli(['connections', 'list', '--json'], env)).stdout,
    ) as Array<{ status: string }>
    expect(after!.status).toBe('needs_reauth')
    const table = await cli(['connections', 'list'], env)
    expect(table.stdout).toContain('needs_reauth')
    expect(table.stdout).toContain('Problems:')
  })

  it('exchange without client credentials exits 1 naming the variables to set', async () => {
    const env = environment({ ZOHO_CLIENT_ID: undefined, ZOHO_CLIENT_SECRET: undefined })
    const run = await cli(['exchange', '--code', await mintCode()], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are not set')
    expect(run.stderr).toContain('api-console.zoho.com')
  })

  it('token for a connection that does not exist exits 1 with the remedy', async () => {
    const run = await cli(['token', '--connection', 'nope'], environment())
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('zoho-auth: No connection "nope"')
    expect(run.stderr).toContain('Run `zoho-auth connections list` to see the names')
  })

  it('misuse exits 2 with usage: unknown flag, missing --code, unknown command', async () => {
    const env = environment()
    expect((await cli(['token', '--bogus'], env)).code).toBe(2)
    const missing = await cli(['exchange'], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--code is required')
    expect((await cli(['frobnicate'], env)).code).toBe(2)
    expect((await cli(['connections'], env)).code).toBe(2)
  })

  it('--help and --version answer without touching the store', async () => {
    const help = await cli(['--help'], {})
    expect(help.code).toBe(0)
    for (const name of ['exchange', 'import', 'token', 'connections'])
      expect(help.stdout).toContain(name)
    expect((await cli(['token', '--help'], {})).stdout).toContain('Usage: zoho-auth token')
    expect((await cli(['--version'], {})).stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})
