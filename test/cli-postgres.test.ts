/**
 * The CLI on PostgreSQL (`ZOHO_AUTH_DB=postgres://…`): the runtime opens the right store, in its
 * own `zoho_auth` schema, and connections survive from one command to the next.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from './support/cli.js'
import { rawQuery, requirePostgres, TEST_DATABASE_URL } from './fixtures/postgres.js'
import { startTestEmulator, type TestEmulator } from './support/emulator.js'

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
