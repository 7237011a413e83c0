/**
 * The CLI on PostgreSQL (`ZOHO_AUTH_DB=postgres://…`): the runtime opens the right store, in its
 * own `zoho_auth` schema, and connections survive from one command to the next; a server that
 * never answers is a bounded wait with a remedy, and Ctrl-C always stops the command.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { KeyRing } from '../src/stores/crypto.js'
import { runCommand, withoutEmulatorNotice } from './support/cli.js'
import { rawQuery, requirePostgres, TEST_DATABASE_URL } from './fixtures/postgres.js'
import { startSilentPostgres, type SilentPostgres } from './fixtures/silent-postgres.js'
import { spawnBin } from './support/bin.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'
import { within } from './support/within.js'

const postgres = await requirePostgres('zoho-auth CLI on PostgreSQL')
let zoho: TestEmulator

beforeAll(async () => {
  zoho = await startTestEmulator()
})
afterAll(async () => {
  await zoho.close()
})

const cli = runCommand

describe.skipIf(!postgres)('zoho-auth on PostgreSQL', () => {
  it('exchange then token with ZOHO_AUTH_DB=postgres://… keeps the connection in the zoho_auth schema', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('pg@example.com')
    // The default schema is shared with other runs: a name of its own keeps this test apart.
    const id = `cli-${randomBytes(4).toString('hex')}`
    const env = {
      HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-cli-pg-')),
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_DB: TEST_DATABASE_URL,
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
    }
    const code = await zoho.selfClientCode({
      client_id: client.client_id,
      scope: 'ZohoCRM.users.READ',
      email: 'pg@example.com',
    })
    try {
      const exchanged = await cli(['exchange', '--code', code, '--connection', id], env)
      // The only line on stderr is emulator mode's warning.
      expect(exchanged.stderr).toMatch(/^zoho-auth: warning: emulator mode: [^\n]*\n$/)
      expect(exchanged.code).toBe(0)
      const token = await cli(['token', '--connection', id], env)
      expect(token.stdout).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}\n$/)
      const rows = await rawQuery<{ id: string; refresh_token_enc: string }>(
        'SELECT id, refresh_token_enc FROM zoho_auth.connections WHERE id = $1',
        [id],
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]!.refresh_token_enc).not.toMatch(/1000\.[0-9a-f]{32}/)
    } finally {
      await rawQuery('DELETE FROM zoho_auth.connections WHERE id = $1', [id]).catch(() => undefined)
    }
  })
})

describe.skipIf(!postgres)('zoho-auth on PostgreSQL with the wrong encryption key', () => {
  it('exchange with another key is refused before it writes; token with the right key still serves', async () => {
    const client = await zoho.client({ type: 'self', redirect_uris: [] })
    await zoho.user('pg-key@example.com')
    const id = `cli-key-${randomBytes(4).toString('hex')}`
    const key = Buffer.alloc(32, 4).toString('base64')
    const env = {
      HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-cli-pg-key-')),
      ZOHO_CLIENT_ID: client.client_id,
      ZOHO_CLIENT_SECRET: client.client_secret,
      ZOHO_EMULATOR_URL: zoho.url,
      ZOHO_AUTH_DB: TEST_DATABASE_URL,
      ZOHO_AUTH_ENCRYPTION_KEY: key,
    }
    const mint = (): Promise<string> =>
      zoho.selfClientCode({
        client_id: client.client_id,
        scope: 'ZohoCRM.users.READ',
        email: 'pg-key@example.com',
      })
    try {
      expect((await cli(['exchange', '--code', await mint(), '--connection', id], env)).code).toBe(
        0,
      )
      const wrong = { ...env, ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') }
      const refused = await cli(
        ['exchange', '--code', await mint(), '--connection', `${id}-b`],
        wrong,
      )
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(
        `zoho-auth: ZOHO_AUTH_ENCRYPTION_KEY is not the key this database is encrypted with: its data is under key id ${KeyRing.parse(key).primaryKeyId}`,
      )
      expect(refused.stderr).toContain('→ Set ZOHO_AUTH_ENCRYPTION_KEY to the key with id')
      const written = await rawQuery('SELECT id FROM zoho_auth.connections WHERE id = $1', [
        `${id}-b`,
      ])
      expect(written).toEqual([])
      const token = await cli(['token', '--connection', id], env)
      expect({ ...token, stderr: withoutEmulatorNotice(token.stderr) }).toMatchObject({
        code: 0,
        stderr: '',
      })
    } finally {
      await rawQuery('DELETE FROM zoho_auth.connections WHERE id IN ($1, $2)', [id, `${id}-b`])
    }
  })
})

describe.skipIf(!postgres)('zoho-auth on PostgreSQL as a role that does not exist', () => {
  it('token names the role and how to create it, exit 1', async () => {
    const url = new URL(TEST_DATABASE_URL)
    url.username = 'zat_cli_no_role'
    const result = await cli(['token'], {
      HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-cli-pg-role-')),
      ZOHO_AUTH_DB: url.href,
      ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 4).toString('base64'),
    })
    expect(result.code).toBe(1)
    const at = `${url.hostname}:${url.port || '5432'}`
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: PostgreSQL at ${at} refused the login of role "zat_cli_no_role": role "zat_cli_no_role" does not exist\n` +
        `  → Create the role (\`psql -c 'CREATE ROLE "zat_cli_no_role" LOGIN'\` as a superuser), or put an existing role in ZOHO_AUTH_DB (postgres://USER:PASSWORD@${at}${url.pathname}).\n`,
    )
  })
})

describe('zoho-auth on a PostgreSQL server that never answers', () => {
  let silent: SilentPostgres
  afterEach(async () => {
    await silent.close()
  })

  const environment = (url: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    HOME: mkdtempSync(join(tmpdir(), 'zoho-auth-cli-silent-')),
    ZOHO_AUTH_DB: url,
    ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  })

  it('token fails within connect_timeout, naming the server and what to check, exit 1', async () => {
    silent = await startSilentPostgres('mute')
    const env = environment(`${silent.url}?connect_timeout=1`)
    const result = await within(10_000, cli(['token'], env))
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(withoutEmulatorNotice(result.stderr)).toBe(
      `zoho-auth: PostgreSQL at 127.0.0.1:${silent.port} did not complete the connection within 1 s\n` +
        `  → Check that 127.0.0.1:${silent.port} is a PostgreSQL server that is up and reachable (not another service, not a firewall dropping packets) and that ZOHO_AUTH_DB names it; on a slow network raise connect_timeout (seconds) in the URL.\n`,
    )
  })

  it('the first Ctrl-C stops a token command that is waiting on the server: exit 130, said on stderr', async () => {
    silent = await startSilentPostgres('mute')
    const run = spawnBin(['token'], environment(silent.url))
    await within(15_000, silent.connected())
    run.child.kill('SIGINT')
    const exit = await within(15_000, run.exited)
    expect(exit).toEqual({ code: 130, signal: null })
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain('zoho-auth: interrupted (SIGINT)')
  }, 40_000)

  it('SIGTERM stops it too, exit 143', async () => {
    silent = await startSilentPostgres('mute')
    const run = spawnBin(['token'], environment(silent.url))
    await within(15_000, silent.connected())
    run.child.kill('SIGTERM')
    expect(await within(15_000, run.exited)).toEqual({ code: 143, signal: null })
    expect(run.stderr).toContain('zoho-auth: interrupted (SIGTERM)')
  }, 40_000)

  it('a second Ctrl-C quits at once, without waiting for what is in flight', async () => {
    silent = await startSilentPostgres('mute')
    const run = spawnBin(['token'], environment(silent.url))
    await within(15_000, silent.connected())
    run.child.kill('SIGINT')
    await within(15_000, run.stderrIncludes('interrupted (SIGINT)'))
    run.child.kill('SIGINT')
    expect(await within(15_000, run.exited)).toEqual({ code: 130, signal: null })
    // Not the grace period running out: that says so on stderr.
    expect(run.stderr).not.toContain('still not stopped')
  }, 40_000)
})
