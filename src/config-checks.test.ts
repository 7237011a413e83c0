/**
 * What loadConfig refuses or warns about before anything is sent: the emulator off this machine,
 * malformed credentials and URLs, and the `.env` quirks (BOM, CRLF, `export`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, ERR_CONFIG, loadConfig, type LoadConfigOptions } from './config.js'
import { createRandom, newClientId, newClientSecret } from './emulator/random.js'

const ID = '1000.ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'
const SECRET = '215734b0b2ca5f80f058a4be261e29cbbda609c2b6'
const TOKEN = `1000.${'0123456789abcdef'.repeat(2)}.${'fedcba9876543210'.repeat(2)}`

function dirWithEnvFile(content?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zoho-auth-config-'))
  if (content !== undefined) writeFileSync(join(dir, '.env'), content)
  return dir
}

function refusal(options: LoadConfigOptions): ConfigError {
  try {
    loadConfig(options)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).code).toBe(ERR_CONFIG)
    return error as ConfigError
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig: .env', () => {
  it('loadConfig keeps the first variable of a .env that starts with a UTF-8 BOM', () => {
    const cwd = dirWithEnvFile(`\ufeffZOHO_CLIENT_ID=${ID}\nZOHO_DC=eu\n`)
    const config = loadConfig({ env: {}, cwd })
    expect(config.clientId).toBe(ID)
    expect(config.dc).toBe('eu')
  })

  it('loadConfig reads a .env with CRLF line endings and export lines', () => {
    const cwd = dirWithEnvFile(
      `export ZOHO_CLIENT_ID=${ID}\r\nexport ZOHO_CLIENT_SECRET="${SECRET}"\r\nZOHO_DC=in\r\n`,
    )
    const config = loadConfig({ env: {}, cwd })
    expect(config).toMatchObject({ clientId: ID, clientSecret: SECRET, dc: 'in' })
  })
})

describe('loadConfig: emulator mode', () => {
  it('loadConfig says where ZOHO_EMULATOR_URL came from, in a warning every command prints', () => {
    const cwd = dirWithEnvFile('ZOHO_EMULATOR_URL=http://127.0.0.1:3002\n')
    const fromFile = loadConfig({ env: {}, cwd })
    expect(fromFile.emulatorURL).toBe('http://127.0.0.1:3002')
    expect(fromFile.emulatorSource).toBe('.env')
    expect(fromFile.warnings).toEqual([
      `emulator mode: the client secret and tokens go to the emulator at http://127.0.0.1:3002, not to Zoho (ZOHO_EMULATOR_URL in ${join(cwd, '.env')}); remove it to talk to Zoho`,
    ])
    const fromEnv = loadConfig({ env: { ZOHO_EMULATOR_URL: 'http://localhost:9/' }, cwd })
    expect(fromEnv.emulatorSource).toBe('environment')
    expect(fromEnv.warnings[0]).toContain('(ZOHO_EMULATOR_URL in the environment)')
    const fromFlag = loadConfig({ env: {}, cwd, flags: { emulatorURL: 'http://[::1]:9' } })
    expect(fromFlag.emulatorSource).toBe('flag')
    expect(fromFlag.warnings[0]).toContain('(--emulator-url)')
    expect(loadConfig({ env: {}, cwd: dirWithEnvFile() }).warnings).toEqual([])
  })

  it('loadConfig takes 127.0.0.0/8, ::1 and localhost as this machine', () => {
    for (const url of [
      'http://127.0.0.1:3002',
      'http://127.9.8.7:3002',
      'http://[::1]:3002',
      'http://localhost:3002',
      'http://LOCALHOST:3002',
    ]) {
      expect(
        loadConfig({ env: { ZOHO_EMULATOR_URL: url }, cwd: dirWithEnvFile() }).emulatorURL,
      ).toBe(url.replace(/\/+$/, ''))
    }
  })

  it('loadConfig refuses an emulator off this machine unless explicitly allowed', () => {
    const cwd = dirWithEnvFile('ZOHO_EMULATOR_URL=https://zoho.evil.example\n')
    const error = refusal({ env: {}, cwd })
    expect(error.message).toBe(
      `ZOHO_EMULATOR_URL in ${join(cwd, '.env')} points at zoho.evil.example, which is not this machine`,
    )
    expect(error.remedy).toBe(
      'Emulator mode sends the client secret and refresh tokens to that host. Remove ZOHO_EMULATOR_URL to talk to Zoho; if your emulator really runs there, set ZOHO_EMULATOR_ALLOW_REMOTE=1 (or pass --emulator-allow-remote).',
    )
    for (const allow of [
      { env: { ZOHO_EMULATOR_ALLOW_REMOTE: '1' }, cwd },
      { env: {}, cwd, flags: { emulatorAllowRemote: true } },
    ]) {
      expect(loadConfig(allow).emulatorURL).toBe('https://zoho.evil.example')
    }
    // A .env that allows itself is a stray .env all the same.
    const selfAllowing = dirWithEnvFile(
      'ZOHO_EMULATOR_URL=https://zoho.evil.example\nZOHO_EMULATOR_ALLOW_REMOTE=1\n',
    )
    expect(refusal({ env: {}, cwd: selfAllowing }).message).toBe(
      `ZOHO_EMULATOR_URL in ${join(selfAllowing, '.env')} points at zoho.evil.example, which is not this machine`,
    )
    for (const host of ['10.0.0.5', '128.0.0.1', '127.0.0.1.nip.io', 'localhost.evil.example']) {
      const message = refusal({ env: { ZOHO_EMULATOR_URL: `https://${host}:3002` }, cwd }).message
      expect(message).toBe(
        `ZOHO_EMULATOR_URL in the environment points at ${host}, which is not this machine`,
      )
    }
  })

  it('loadConfig refuses plain http:// to a remote emulator even when remote is allowed', () => {
    const error = refusal({
      env: { ZOHO_EMULATOR_URL: 'http://10.0.0.5:3002', ZOHO_EMULATOR_ALLOW_REMOTE: '1' },
      cwd: dirWithEnvFile(),
    })
    expect(error.message).toBe(
      'ZOHO_EMULATOR_URL in the environment is plain http:// to 10.0.0.5, which is not this machine',
    )
    expect(error.remedy).toBe(
      'Use https:// for an emulator on another machine; plain http:// is allowed only to 127.0.0.1, ::1 or localhost.',
    )
  })

  it('loadConfig refuses a ZOHO_EMULATOR_ALLOW_REMOTE that is neither yes nor no', () => {
    const error = refusal({
      env: { ZOHO_EMULATOR_ALLOW_REMOTE: 'maybe' },
      cwd: dirWithEnvFile(),
    })
    expect(error.message).toBe('ZOHO_EMULATOR_ALLOW_REMOTE in the environment is "maybe"')
    expect(error.remedy).toBe('Set it to 1 (allow) or 0 (refuse), or remove it.')
  })
})

describe('loadConfig: URLs', () => {
  it('loadConfig names the variable or flag of a malformed emulator URL', () => {
    const cwd = dirWithEnvFile()
    expect(refusal({ env: { ZOHO_EMULATOR_URL: 'nope' }, cwd }).message).toBe(
      'ZOHO_EMULATOR_URL in the environment is "nope", not an http(s) URL',
    )
    expect(refusal({ env: {}, cwd, flags: { emulatorURL: 'http://' } }).message).toBe(
      '--emulator-url is "http://", not an http(s) URL',
    )
    const query = refusal({ env: { ZOHO_EMULATOR_URL: 'http://127.0.0.1:3002/?x=1' }, cwd })
    expect(query.message).toBe(
      'ZOHO_EMULATOR_URL in the environment is "http://127.0.0.1:3002/?x=1", a URL with credentials, a query or a fragment',
    )
    expect(query.remedy).toBe(
      'Set it to the base URL the emulator printed at start, e.g. http://127.0.0.1:3002.',
    )
  })

  it('loadConfig refuses a redirect URI that is not an absolute URL, or has a fragment', () => {
    const cwd = dirWithEnvFile('ZOHO_REDIRECT_URI=localhost:3001/oauth callback\n')
    const error = refusal({ env: {}, cwd })
    expect(error.message).toBe(
      `ZOHO_REDIRECT_URI in ${join(cwd, '.env')} is "localhost:3001/oauth callback", not an absolute http(s) URL`,
    )
    expect(error.remedy).toBe(
      'Set it to the redirect URI registered for the client in the Zoho API console, character for character, e.g. http://localhost:3001/oauth/callback.',
    )
    expect(
      refusal({ env: { ZOHO_REDIRECT_URI: 'https://app.example/cb#x' }, cwd: dirWithEnvFile() })
        .message,
    ).toBe(
      'ZOHO_REDIRECT_URI in the environment is "https://app.example/cb#x", a URL with a fragment (OAuth forbids one)',
    )
    expect(
      loadConfig({ env: { ZOHO_REDIRECT_URI: 'https://app.example/cb' }, cwd: dirWithEnvFile() })
        .redirectURI,
    ).toBe('https://app.example/cb')
  })

  it('loadConfig refuses a postgres:// URL whose user, password or database is not valid percent-encoding', () => {
    for (const url of ['postgres://%zz@127.0.0.1/test', 'postgres://127.0.0.1:5432/te%zzst']) {
      expect(() => loadConfig({ env: { ZOHO_AUTH_DB: url }, cwd: dirWithEnvFile() })).toThrow(
        'not a valid postgres:// URL',
      )
    }
  })

  it('loadConfig refuses a postgres:// URL that does not parse, without echoing its password', () => {
    const error = refusal({
      env: { ZOHO_AUTH_DB: 'postgres://app:p#ss@db:5432/x' },
      cwd: dirWithEnvFile(),
    })
    expect(error.message).toBe(
      'ZOHO_AUTH_DB in the environment is "postgres://****@db:5432/x", not a valid postgres:// URL',
    )
    expect(error.message + error.remedy).not.toContain('p#ss')
    expect(error.remedy).toBe(
      'Percent-encode special characters in the user name and password (# as %23, @ as %40, / as %2F) and check the host and port: postgres://user:password@host:5432/database.',
    )
  })
})

describe('loadConfig: client credentials', () => {
  it('loadConfig refuses a quoted client secret from .env, naming the variable, never the secret', () => {
    const cwd = dirWithEnvFile(`ZOHO_CLIENT_ID=${ID}\nZOHO_CLIENT_SECRET='${SECRET}"\n`)
    const error = refusal({ env: {}, cwd })
    expect(error.message).toBe(
      `ZOHO_CLIENT_SECRET in ${join(cwd, '.env')}: the client secret is wrapped in quotes`,
    )
    expect(error.remedy).toBe('Remove the quotes and paste the bare value.')
    expect(error.message + error.remedy).not.toContain(SECRET)
  })

  it('loadConfig refuses whitespace inside, a refresh token and a client id as the secret', () => {
    const cwd = dirWithEnvFile()
    const secret = (value: string): string =>
      refusal({ env: { ZOHO_CLIENT_SECRET: value }, cwd }).message
    expect(secret(`${SECRET.slice(0, 20)} ${SECRET.slice(20)}`)).toBe(
      'ZOHO_CLIENT_SECRET in the environment: the client secret contains a space or line break',
    )
    expect(secret(TOKEN)).toBe(
      'ZOHO_CLIENT_SECRET in the environment: the client secret looks like a token or grant code',
    )
    expect(secret(ID)).toBe(
      'ZOHO_CLIENT_SECRET in the environment: the client secret looks like a client id (it starts with 1000.)',
    )
    expect(refusal({ env: {}, cwd, flags: { clientId: `Bearer ${ID}` } }).message).toBe(
      '--client-id: the client id starts with "Bearer"',
    )
  })

  it('loadConfig checks per-DC secrets too', () => {
    const error = refusal({
      env: { ZOHO_CLIENT_SECRET_EU: `"${SECRET}"` },
      cwd: dirWithEnvFile(),
    })
    expect(error.message).toBe(
      'ZOHO_CLIENT_SECRET_EU in the environment: the client secret is wrapped in quotes',
    )
  })

  it('loadConfig only warns about a credential of unusual length or letters: Zoho decides', () => {
    const config = loadConfig({
      env: { ZOHO_CLIENT_ID: ID.slice(0, -4), ZOHO_CLIENT_SECRET: SECRET.slice(0, 40) },
      cwd: dirWithEnvFile(),
    })
    expect(config.clientId).toBe(ID.slice(0, -4))
    expect(config.clientSecret).toBe(SECRET.slice(0, 40))
    expect(config.warnings).toEqual([
      'ZOHO_CLIENT_ID in the environment: the client id is too short: 26 of 30 characters after "1000.", so it looks cut off; sent as is, in case Zoho changed its format. Copy the whole Client ID, and nothing else, from the Zoho API console (api-console.zoho.com).',
      'ZOHO_CLIENT_SECRET in the environment: the client secret is too short: 40 of 42 characters, so it looks cut off; sent as is, in case Zoho changed its format. Copy the whole Client Secret, and nothing else, from the Zoho API console (api-console.zoho.com).',
    ])
  })

  it('loadConfig accepts every client the emulator makes, server and device, without a warning', () => {
    const random = createRandom(7)
    for (let i = 0; i < 50; i++) {
      const config = loadConfig({
        env: {
          ZOHO_CLIENT_ID: newClientId(random, i % 2 === 0),
          ZOHO_CLIENT_SECRET: newClientSecret(random),
        },
        cwd: dirWithEnvFile(),
      })
      expect(config.warnings).toEqual([])
    }
  })
})
