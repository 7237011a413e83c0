import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, ERR_CONFIG } from '../config-error.js'
import { ADMIN_TOKEN_PREFIX, adminTokenPath, resolveAdminToken } from './admin-token.js'

function configDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'zoho-auth-admin-')), 'config', 'zoho-auth')
}

function thrown(work: () => unknown): ConfigError {
  try {
    work()
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('nothing was thrown')
}

describe('resolveAdminToken', () => {
  it('resolveAdminToken takes ZOHO_AUTH_ADMIN_TOKEN as is and writes no file', () => {
    const path = join(configDir(), 'admin-token')
    const configured = 'a-long-enough-admin-token-0123456789'
    expect(resolveAdminToken({ configured, path })).toEqual({
      token: configured,
      source: 'environment',
      warning: null,
    })
    expect(() => statSync(path)).toThrow(/ENOENT/)
  })

  it('resolveAdminToken refuses a configured token too short to guard the API', () => {
    const error = thrown(() => resolveAdminToken({ configured: 'admin', path: '/nonexistent' }))
    expect(error.code).toBe(ERR_CONFIG)
    expect(error.message).toBe(
      'ZOHO_AUTH_ADMIN_TOKEN is 5 characters; the broker needs at least 24, without whitespace',
    )
    expect(error.remedy).toMatch(/openssl rand -base64 32/)
    expect(error.message).not.toContain('admin,')
  })

  it('resolveAdminToken generates a token once into a 0600 file in a 0700 directory, then reads it back', () => {
    const dir = configDir()
    const path = adminTokenPath(join(dir, 'encryption.key'))
    expect(path).toBe(join(dir, 'admin-token'))
    const first = resolveAdminToken({ configured: undefined, path })
    expect(first.source).toBe('generated')
    expect(first.path).toBe(path)
    expect(first.token).toMatch(new RegExp(`^${ADMIN_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`))
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const again = resolveAdminToken({ configured: undefined, path })
    expect(again).toEqual({ token: first.token, source: 'file', path, warning: null })
  })

  it('resolveAdminToken keeps the sandbox token apart from the real one', () => {
    const key = join(configDir(), 'encryption.key')
    const real = resolveAdminToken({ configured: undefined, path: adminTokenPath(key) })
    const sandbox = resolveAdminToken({ configured: undefined, path: adminTokenPath(key, true) })
    expect(adminTokenPath(key, true)).toMatch(/\/sandbox-admin-token$/)
    expect(sandbox.token).not.toBe(real.token)
  })

  it('resolveAdminToken warns about a kept file other users can read', () => {
    const path = join(configDir(), 'admin-token')
    resolveAdminToken({ configured: undefined, path })
    chmodSync(path, 0o644)
    expect(resolveAdminToken({ configured: undefined, path }).warning).toBe(
      `The admin token file ${path} is readable by other users (mode 644); run chmod 600 on it.`,
    )
  })

  it('resolveAdminToken refuses an empty kept file rather than guarding the API with nothing', () => {
    const path = join(configDir(), 'admin-token')
    resolveAdminToken({ configured: undefined, path })
    writeFileSync(path, '\n')
    const error = thrown(() => resolveAdminToken({ configured: undefined, path }))
    expect(error.message).toBe(
      `The admin token file ${path} does not hold a token (it is empty or damaged)`,
    )
    expect(error.remedy).toBe(
      `Delete ${path} and start again (a new token is generated and printed), or set ZOHO_AUTH_ADMIN_TOKEN.`,
    )
  })

  it('resolveAdminToken says which file it cannot create when a part of the path is a file', () => {
    const dir = configDir()
    resolveAdminToken({ configured: undefined, path: join(dir, 'admin-token') })
    const path = join(dir, 'admin-token', 'nested')
    const error = thrown(() => resolveAdminToken({ configured: undefined, path }))
    expect(error.message).toBe(
      `Cannot use the admin token file ${path}: a part of its path is a file, not a directory`,
    )
  })
})
