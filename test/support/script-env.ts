/**
 * What a script user has after `zoho-auth exchange`: an environment (client, emulator URL, SQLite
 * file, key) and a stored "default" connection, made through the real CLI in-process against an
 * emulator on a socket.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCommand } from './cli.js'
import type { TestClient, TestEmulator } from './emulator.js'

export const SCRIPT_SCOPES =
  'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ,ZohoInvoice.fullaccess.all'

let users = 0

export interface ScriptEnvironment {
  dir: string
  env: Record<string, string>
  client: TestClient
  email: string
}

export async function scriptEnvironment(
  zoho: TestEmulator,
  options: { scope?: string; connection?: string } = {},
): Promise<ScriptEnvironment> {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-script-'))
  const client = await zoho.client({ type: 'self', redirect_uris: [] })
  users += 1
  const email = `script${users}@example.com`
  await zoho.user(email)
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    ZOHO_CLIENT_ID: client.client_id,
    ZOHO_CLIENT_SECRET: client.client_secret,
    ZOHO_EMULATOR_URL: zoho.url,
    ZOHO_AUTH_DB: join(dir, 'tokens.db'),
    ZOHO_AUTH_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
  }
  const code = await zoho.selfClientCode({
    client_id: client.client_id,
    scope: options.scope ?? SCRIPT_SCOPES,
    email,
  })
  const argv = [
    'exchange',
    '--code',
    code,
    ...(options.connection ? ['--connection', options.connection] : []),
  ]
  const exchanged = await runCommand(argv, env)
  if (exchanged.code !== 0) throw new Error(`exchange failed: ${exchanged.stderr}`)
  return { dir, env, client, email }
}
