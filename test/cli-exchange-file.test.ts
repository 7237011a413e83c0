/**
 * `zoho-auth exchange --file self_client.json` in-process against the emulator on a socket and a
 * real SQLite file: the file's client wins over the environment, its secret is kept encrypted
 * for later refreshes, and nothing from the file is ever printed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { openSqliteStore } from '../src/stores/sqlite.js'
import { runCommand } from './support/cli.js'
import { SELF_CLIENT_USER, useSelfClientCli } from './support/self-client-cli.js'

const KEY = Buffer.alloc(32, 8).toString('base64')
const SCOPE = ['ZohoCRM.users.READ', 'ZohoCRM.modules.ALL']
const fixture = useSelfClientCli('file')

function environment(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-file-'))
  return {
    HOME: dir,
    ZOHO_EMULATOR_URL: fixture.zoho.url,
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: KEY,
    ...overrides,
  }
}

/** The file as the API console downloads it. */
async function selfClientFile(
  env: Record<string, string | undefined>,
  fields: Record<string, unknown> = {},
): Promise<string> {
  const code = await fixture.zoho.selfClientCode({
    client_id: fixture.client.client_id,
    scope: SCOPE.join(','),
    email: SELF_CLIENT_USER,
  })
  const path = join(env.HOME ?? '', 'self_client.json')
  writeFileSync(
    path,
    JSON.stringify({
      client_id: fixture.client.client_id,
      client_secret: fixture.client.client_secret,
      code,
      grant_type: 'authorization_code',
      scope: SCOPE,
      expiry_time: Date.now() + 180_000,
      ...fields,
    }),
  )
  return path
}

async function openStore(env: Record<string, string | undefined>) {
  return openSqliteStore({ path: env.ZOHO_AUTH_DB ?? '', keyRing: KeyRing.parse(KEY) })
}

describe('zoho-auth exchange --file', () => {
  it('exchange --file needs no client in the environment and keeps the secret for later refreshes', async () => {
    const env = environment()
    const path = await selfClientFile(env)
    const run = await runCommand(['exchange', '--file', path, '--connection', 'crm'], env)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Connection "crm" saved: ada@example.com in us')
    expect(run.stderr).toContain('holds your client secret; the store keeps it encrypted now')
    expect(run.stdout + run.stderr).not.toContain(fixture.client.client_secret)
    expect(run.stdout + run.stderr).not.toMatch(/1000\.[0-9a-f]{32}\.[0-9a-f]{32}/)
    // The secret is in the store, and only encrypted.
    expect(readFileSync(env.ZOHO_AUTH_DB ?? '').includes(fixture.client.client_secret)).toBe(false)

    // Make the stored access token stale so the next `token` must refresh with the kept secret.
    const store = await openStore(env)
    const stored = await store.get('crm')
    await store.update(
      'crm',
      { accessTokenExpiresAt: Date.now() - 1 },
      stored?.version ?? 0,
      Date.now(),
    )
    expect((await store.getClient(fixture.client.client_id))?.clientSecret).toBe(
      fixture.client.client_secret,
    )
    await store.close()
    await fixture.zoho.control('stats/reset', {})
    const token = await runCommand(['token', '--connection', 'crm'], env)
    expect(token.code).toBe(0)
    // The only line on stderr is emulator mode's warning.
    expect(token.stderr).toMatch(/^zoho-auth: warning: emulator mode: [^\n]*\n$/)
    const stats = await fixture.zoho.stats()
    expect(stats.by_client[fixture.client.client_id]?.token_endpoint.refresh_token).toBe(1)
  })

  it('exchange --file: the file’s client wins over the environment’s, per-DC secrets included', async () => {
    const other = await fixture.zoho.client({ type: 'self', redirect_uris: [] })
    const env = environment({
      ZOHO_CLIENT_ID: other.client_id,
      ZOHO_CLIENT_SECRET: other.client_secret,
      ZOHO_CLIENT_SECRET_US: other.client_secret,
    })
    const run = await runCommand(['exchange', '--file', await selfClientFile(env)], env)
    expect(run.code).toBe(0)
    const [connection] = JSON.parse(
      (await runCommand(['connections', 'list', '--json'], env)).stdout,
    ) as [Record<string, unknown>]
    expect(connection).toMatchObject({ clientId: fixture.client.client_id, scopes: SCOPE })
    const stats = await fixture.zoho.stats()
    expect(stats.by_client[fixture.client.client_id]?.token_endpoint.authorization_code).toBe(1)
    expect(stats.by_client[other.client_id]?.token_endpoint.authorization_code ?? 0).toBe(0)
  })

  it('exchange --file takes the scopes from the file when Zoho’s answer names none', async () => {
    await fixture.zoho.control('settings', { include_scope: false })
    const env = environment()
    expect((await runCommand(['exchange', '--file', await selfClientFile(env)], env)).code).toBe(0)
    const store = await openStore(env)
    expect((await store.get('default'))?.scopes).toEqual(SCOPE)
    await store.close()
  })

  it('exchange --file with a wrong secret fails at Zoho and keeps no client', async () => {
    const env = environment()
    const path = await selfClientFile(env, { client_secret: 'f'.repeat(42) })
    const run = await runCommand(['exchange', '--file', path], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('invalid_client_secret')
    expect(run.stderr).not.toContain('f'.repeat(42))
    const store = await openStore(env)
    expect(await store.getClient(fixture.client.client_id)).toBeNull()
    expect(await store.list()).toEqual([])
    await store.close()
  })

  it('exchange --file refuses a broken file without echoing it, and an expired code without sending it', async () => {
    const env = environment()
    const broken = join(env.HOME ?? '', 'broken.json')
    writeFileSync(
      broken,
      `{"client_id":"${fixture.client.client_id}","client_secret":"${fixture.client.client_secret}",`,
    )
    const run = await runCommand(['exchange', '--file', broken], env)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`zoho-auth: ${broken} is not valid JSON`)
    expect(run.stderr).not.toContain(fixture.client.client_secret.slice(0, 12))

    const expired = await selfClientFile(env, { expiry_time: Date.now() - 5 * 60_000 })
    const late = await runCommand(['exchange', '--file', expired], env)
    expect(late.code).toBe(1)
    expect(late.stderr).toMatch(/holds a code that expired at .* nothing was sent to Zoho/)
    expect(late.stderr).toContain('Self Client → Generate Code')
    expect((await fixture.zoho.stats()).token_endpoint.authorization_code ?? 0).toBe(0)

    const missing = await runCommand(['exchange', '--file', join(env.HOME ?? '', 'nope.json')], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('nope.json does not exist')
  })

  it('exchange takes --code or --file, not both', async () => {
    const env = environment()
    const run = await runCommand(['exchange', '--code', 'x', '--file', 'y'], env)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('pass --code or --file, not both')
    expect((await runCommand(['exchange', '--help'], {})).stdout).toContain(
      'exchange (--code CODE | --file self_client.json)',
    )
  })
})
