import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey } from './crypto.js'
import { loadOrCreateKeyFile, resolveKeyRing } from './key-file.js'
import { defaultDataDir, defaultDatabasePath, defaultKeyFilePath } from './paths.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoho-auth-key-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const modeOf = (path: string): number => statSync(path).mode & 0o777

describe('loadOrCreateKeyFile', () => {
  it('loadOrCreateKeyFile generates a key once into a 0600 file in a 0700 directory, with a warning', () => {
    const path = join(dir, 'config', 'zoho-auth', 'encryption.key')
    const first = loadOrCreateKeyFile(path)
    expect(first.generated).toBe(true)
    expect(first.warning).toBe(
      `Generated an encryption key in ${path} because ZOHO_AUTH_ENCRYPTION_KEY is not set. Keep this file (without it the stored tokens cannot be read) and back it up apart from the database; for servers set ZOHO_AUTH_ENCRYPTION_KEY instead.`,
    )
    expect(modeOf(path)).toBe(0o600)
    expect(modeOf(join(dir, 'config', 'zoho-auth'))).toBe(0o700)
    expect(readFileSync(path, 'utf8')).toBe(`${first.key}\n`)
    expect(Buffer.from(first.key, 'base64')).toHaveLength(32)

    const second = loadOrCreateKeyFile(path)
    expect(second).toMatchObject({ key: first.key, generated: false, warning: null })
    expect(second.keyRing.primaryKeyId).toBe(first.keyRing.primaryKeyId)
  })

  it('loadOrCreateKeyFile uses the injected randomness', () => {
    const path = join(dir, 'k')
    const loaded = loadOrCreateKeyFile(path, (size) => Buffer.alloc(size, 1))
    expect(loaded.key).toBe(Buffer.alloc(32, 1).toString('base64'))
  })

  it('loadOrCreateKeyFile warns when an existing key file is readable by others', () => {
    const path = join(dir, 'k')
    writeFileSync(path, generateEncryptionKey())
    chmodSync(path, 0o644)
    expect(loadOrCreateKeyFile(path).warning).toBe(
      `The key file ${path} is readable by other users (mode 644); run chmod 600 on it.`,
    )
  })

  it('loadOrCreateKeyFile rejects a malformed key file without overwriting it', () => {
    const path = join(dir, 'k')
    writeFileSync(path, 'garbage!', { mode: 0o600 })
    expect(() => loadOrCreateKeyFile(path)).toThrow(
      expect.objectContaining({
        code: 'ERR_ENCRYPTION_KEY',
        message: `key file ${path} entry 1 is not base64`,
      }),
    )
    expect(readFileSync(path, 'utf8')).toBe('garbage!')
  })

  it('loadOrCreateKeyFile on an empty key file says what it is and what to do, and keeps it', () => {
    const path = join(dir, 'k')
    writeFileSync(path, '\n', { mode: 0o600 })
    expect(() => loadOrCreateKeyFile(path)).toThrow(
      expect.objectContaining({
        code: 'ERR_ENCRYPTION_KEY',
        reason: 'missing',
        message: `The key file ${path} is empty`,
        remedy: `A start was interrupted while writing it. Restore it from a backup; if nothing was ever stored with it, delete ${path} and a new key is generated.`,
      }),
    )
    expect(readFileSync(path, 'utf8')).toBe('\n')
  })
})

describe('resolveKeyRing', () => {
  it('resolveKeyRing prefers ZOHO_AUTH_ENCRYPTION_KEY and writes no file', () => {
    const key = generateEncryptionKey()
    const path = join(dir, 'k')
    const resolved = resolveKeyRing({ ZOHO_AUTH_ENCRYPTION_KEY: key }, path)
    expect(resolved).toMatchObject({ warning: null, keyFile: null })
    expect(resolved.keyRing.primaryKeyId).toBe(KeyRing.parse(key).primaryKeyId)
    expect(() => statSync(path)).toThrow()
  })

  it('resolveKeyRing falls back to the generated key file', () => {
    const path = join(dir, 'k')
    const resolved = resolveKeyRing({ ZOHO_AUTH_ENCRYPTION_KEY: '  ' }, path)
    expect(resolved.keyFile).toBe(path)
    expect(resolved.warning).toContain('Generated an encryption key')
    expect(resolveKeyRing({}, path).warning).toBeNull()
  })

  it('resolveKeyRing defaults the key file under $XDG_CONFIG_HOME', () => {
    const resolved = resolveKeyRing({ XDG_CONFIG_HOME: dir, HOME: '/nonexistent' })
    expect(resolved.keyFile).toBe(join(dir, 'zoho-auth', 'encryption.key'))
  })
})

describe('default paths', () => {
  it('defaultDatabasePath and defaultKeyFilePath follow XDG, falling back to HOME', () => {
    const env = { XDG_DATA_HOME: '/x/data', XDG_CONFIG_HOME: '/x/config', HOME: '/home/u' }
    expect(defaultDataDir(env)).toBe('/x/data/zoho-auth')
    expect(defaultDatabasePath(env)).toBe('/x/data/zoho-auth/zoho-auth.db')
    expect(defaultKeyFilePath(env)).toBe('/x/config/zoho-auth/encryption.key')
    expect(defaultDatabasePath({ HOME: '/home/u' })).toBe(
      '/home/u/.local/share/zoho-auth/zoho-auth.db',
    )
    expect(defaultKeyFilePath({ HOME: '/home/u' })).toBe('/home/u/.config/zoho-auth/encryption.key')
  })

  it('defaultDatabasePath ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    expect(defaultDatabasePath({ XDG_DATA_HOME: 'rel', HOME: '/home/u' })).toBe(
      '/home/u/.local/share/zoho-auth/zoho-auth.db',
    )
  })
})
