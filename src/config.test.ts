import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_REDIRECT_URI, DEFAULT_SCOPES, loadConfig } from './config.js'

const ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const SECRET = '215734b0b2ca5f80f058a4be261e29cbbda609c2b6'
const EU_SECRET = 'e'.repeat(42)

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'zoho-auth-config-'))
}

describe('loadConfig', () => {
  it('loadConfig applies the documented defaults with an empty environment', () => {
    const config = loadConfig({ env: { HOME: '/home/ada' }, cwd: tempDir() })
    expect(config.dc).toBe('us')
    expect(config.redirectURI).toBe(DEFAULT_REDIRECT_URI)
    expect(config.scopes).toEqual(DEFAULT_SCOPES)
    expect(config.database).toEqual({
      kind: 'sqlite',
      path: '/home/ada/.local/share/zoho-auth/zoho-auth.db',
    })
    expect(config.keyFilePath).toBe('/home/ada/.config/zoho-auth/encryption.key')
    expect(config.emulatorURL).toBeUndefined()
  })

  it('loadConfig honours XDG_DATA_HOME for the default database', () => {
    const config = loadConfig({ env: { XDG_DATA_HOME: '/data' }, cwd: tempDir() })
    expect(config.database).toEqual({ kind: 'sqlite', path: '/data/zoho-auth/zoho-auth.db' })
  })

  it('loadConfig reads .env beneath the environment, and flags above both', () => {
    const cwd = tempDir()
    writeFileSync(
      join(cwd, '.env'),
      `ZOHO_CLIENT_ID=${ID}\nZOHO_DC=eu\nZOHO_SCOPES="ZohoCRM.users.READ, AaaServer.profile.READ"\n`,
    )
    const config = loadConfig({
      env: { ZOHO_DC: 'in' },
      cwd,
      flags: { dc: 'au' },
    })
    expect(config.clientId).toBe(ID)
    expect(config.dc).toBe('au')
    expect(config.scopes).toEqual(['ZohoCRM.users.READ', 'AaaServer.profile.READ'])
    expect(loadConfig({ env: { ZOHO_DC: 'in' }, cwd }).dc).toBe('in')
  })

  it('loadConfig collects per-DC client secrets', () => {
    const config = loadConfig({
      env: { ZOHO_CLIENT_SECRET: SECRET, ZOHO_CLIENT_SECRET_EU: EU_SECRET },
      cwd: tempDir(),
    })
    expect(config.clientSecret).toBe(SECRET)
    expect(config.dcSecrets).toEqual({ eu: EU_SECRET })
  })

  it('loadConfig recognises a PostgreSQL URL in ZOHO_AUTH_DB', () => {
    const config = loadConfig({ env: { ZOHO_AUTH_DB: 'postgres://u@db:5432/x' }, cwd: tempDir() })
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/x' })
  })

  it('loadConfig rejects an unknown data centre with the list of valid ones', () => {
    const attempt = (): unknown => loadConfig({ env: { ZOHO_DC: 'mars' }, cwd: tempDir() })
    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow('Unknown Zoho data centre "mars"')
    try {
      attempt()
    } catch (error) {
      expect((error as ConfigError).remedy).toBe(
        'Set ZOHO_DC (or --dc) to one of: us, eu, in, au, jp, ca, sa, uk, cn.',
      )
    }
  })

  it('loadConfig rejects a database URL of another kind without echoing its password', () => {
    const attempt = (): unknown =>
      loadConfig({ env: { ZOHO_AUTH_DB: 'mysql://root:hunter2@db/x' }, cwd: tempDir() })
    expect(attempt).toThrow(
      'ZOHO_AUTH_DB in the environment is "mysql://****@db/x", neither a file path nor a postgres:// URL',
    )
  })

  it('loadConfig trims a trailing slash from ZOHO_EMULATOR_URL and rejects a non-URL', () => {
    expect(
      loadConfig({ env: { ZOHO_EMULATOR_URL: 'http://127.0.0.1:3002/' }, cwd: tempDir() })
        .emulatorURL,
    ).toBe('http://127.0.0.1:3002')
    expect(() => loadConfig({ env: { ZOHO_EMULATOR_URL: 'nope' }, cwd: tempDir() })).toThrow(
      'ZOHO_EMULATOR_URL in the environment is "nope", not an http(s) URL',
    )
  })
})
