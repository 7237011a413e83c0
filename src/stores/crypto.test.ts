import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { KeyRing, generateEncryptionKey, keyIdOf } from './crypto.js'

const keyA = generateEncryptionKey()
const keyB = generateEncryptionKey()
const token = `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`

describe('KeyRing.encrypt / decrypt', () => {
  it('KeyRing.encrypt round-trips and writes v1.<key id>.<iv>.<ciphertext+tag>', () => {
    const ring = KeyRing.parse(keyA)
    const sealed = ring.encrypt(token, 'acme')
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)
    expect(sealed.split('.')[1]).toBe(ring.primaryKeyId)
    expect(sealed).not.toContain(token.split('.')[1])
    expect(ring.decrypt(sealed, 'acme')).toBe(token)
  })

  it('KeyRing.encrypt uses a fresh IV every time', () => {
    const ring = KeyRing.parse(keyA)
    expect(ring.encrypt(token, 'acme')).not.toBe(ring.encrypt(token, 'acme'))
  })

  it('KeyRing.encrypt takes its IV from the injected randomBytes', () => {
    const ring = KeyRing.parse(keyA, { randomBytes: (size) => Buffer.alloc(size, 7) })
    expect(ring.encrypt('x', 'a').split('.')[2]).toBe(Buffer.alloc(12, 7).toString('base64url'))
    expect(ring.encrypt('x', 'a')).toBe(ring.encrypt('x', 'a'))
  })

  it('KeyRing: the first key encrypts, every key decrypts', () => {
    const old = KeyRing.parse(keyA)
    const rotated = KeyRing.parse(`${keyB},${keyA}`)
    const sealedOld = old.encrypt(token, 'acme')
    expect(rotated.decrypt(sealedOld, 'acme')).toBe(token)
    expect(rotated.isCurrent(sealedOld)).toBe(false)
    const sealedNew = rotated.encrypt(token, 'acme')
    expect(sealedNew.split('.')[1]).toBe(KeyRing.parse(keyB).primaryKeyId)
    expect(rotated.isCurrent(sealedNew)).toBe(true)
  })

  it('KeyRing.decrypt with the key missing names the key id and the fix', () => {
    const sealed = KeyRing.parse(keyA).encrypt(token, 'acme')
    const ring = KeyRing.parse(keyB)
    const idA = KeyRing.parse(keyA).primaryKeyId
    expect(() => ring.decrypt(sealed, 'acme')).toThrow(
      expect.objectContaining({
        name: 'EncryptionKeyError',
        code: 'ERR_ENCRYPTION_KEY',
        reason: 'unknown_key_id',
        keyId: idA,
        message: `The stored secrets of "acme" were encrypted with key id ${idA}, which is not in ZOHO_AUTH_ENCRYPTION_KEY (it has ${ring.primaryKeyId})`,
        remedy:
          'Add the old key after the new one in ZOHO_AUTH_ENCRYPTION_KEY (comma-separated: the first encrypts, all decrypt).',
      }),
    )
  })

  it('KeyRing.decrypt refuses a ciphertext bound to another owner (associated data)', () => {
    const ring = KeyRing.parse(keyA)
    const sealed = ring.encrypt(token, 'acme')
    expect(() => ring.decrypt(sealed, 'globex')).toThrow(
      expect.objectContaining({
        code: 'ERR_ENCRYPTION_KEY',
        reason: 'authentication_failed',
        message: `The stored secrets of "globex" failed authentication under key id ${ring.primaryKeyId}: they were altered, or copied from another row`,
        remedy: 'Restore the row from a backup, or delete the connection and grant access again.',
      }),
    )
  })

  it('KeyRing.decrypt refuses a tampered ciphertext instead of returning garbage', () => {
    const ring = KeyRing.parse(keyA)
    const [v, kid, iv, body] = ring.encrypt(token, 'acme').split('.') as [
      string,
      string,
      string,
      string,
    ]
    const bytes = Buffer.from(body, 'base64url')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    const tampered = [v, kid, iv, bytes.toString('base64url')].join('.')
    expect(() => ring.decrypt(tampered, 'acme')).toThrow(
      expect.objectContaining({ code: 'ERR_ENCRYPTION_KEY', reason: 'authentication_failed' }),
    )
  })

  it('KeyRing.decrypt refuses text that is not in the v1 format', () => {
    const ring = KeyRing.parse(keyA)
    for (const bad of [token, 'v2.abcdef12.AAAA.AAAA', `v1.${ring.primaryKeyId}.AAAA.AAAA`, '']) {
      expect(() => ring.decrypt(bad, 'acme')).toThrow(
        expect.objectContaining({
          code: 'ERR_ENCRYPTION_KEY',
          reason: 'malformed_ciphertext',
          message:
            'The stored secrets of "acme" are not in zoho-auth\'s encrypted format (expected v1.<key id>.<iv>.<data>)',
        }),
      )
    }
  })

  it('KeyRing encrypts empty and non-ASCII text', () => {
    const ring = KeyRing.parse(keyA)
    expect(ring.decrypt(ring.encrypt('', 'a'), 'a')).toBe('')
    expect(ring.decrypt(ring.encrypt('ключ 🔑', 'ü'), 'ü')).toBe('ключ 🔑')
  })
})

describe('KeyRing.parse', () => {
  it('KeyRing.parse reads a comma list, primary first, ignoring blanks and repeats', () => {
    const ring = KeyRing.parse(` ${keyB} , ${keyA},,${keyB}, `)
    const idA = keyIdOf(Buffer.from(keyA, 'base64'))
    const idB = keyIdOf(Buffer.from(keyB, 'base64'))
    expect(ring.keyIds).toEqual([idB, idA])
    expect(ring.primaryKeyId).toBe(idB)
  })

  it('KeyRing.parse accepts base64url keys', () => {
    const url = Buffer.from(keyA, 'base64').toString('base64url').replace(/=+$/, '')
    expect(KeyRing.parse(url).primaryKeyId).toBe(KeyRing.parse(keyA).primaryKeyId)
  })

  it('KeyRing.parse of nothing says how to get a key', () => {
    for (const value of [undefined, '', ' , ']) {
      expect(() => KeyRing.parse(value)).toThrow(
        expect.objectContaining({
          code: 'ERR_ENCRYPTION_KEY',
          reason: 'missing',
          message: 'No encryption key: ZOHO_AUTH_ENCRYPTION_KEY is empty',
          remedy:
            'Set ZOHO_AUTH_ENCRYPTION_KEY to a base64 32-byte key (generate one with `openssl rand -base64 32`), or leave it unset to use a generated key file.',
        }),
      )
    }
  })

  it('KeyRing.parse rejects a key that is not base64, naming its position but not its text', () => {
    const bad = 'not a key!'
    const error = (() => {
      try {
        KeyRing.parse(`${keyA},${bad}`)
      } catch (e) {
        return e as Error
      }
    })()
    expect(error).toMatchObject({
      code: 'ERR_ENCRYPTION_KEY',
      reason: 'malformed_key',
      message: 'ZOHO_AUTH_ENCRYPTION_KEY entry 2 is not base64',
      remedy: 'Use a base64 32-byte key: generate one with `openssl rand -base64 32`.',
    })
    expect(error?.message).not.toContain(keyA)
  })

  it('KeyRing.parse rejects a key of the wrong length', () => {
    expect(() => KeyRing.parse(randomBytes(16).toString('base64'))).toThrow(
      expect.objectContaining({
        reason: 'malformed_key',
        message: 'ZOHO_AUTH_ENCRYPTION_KEY entry 1 decodes to 16 bytes; an AES-256 key must be 32',
      }),
    )
  })
})

describe('keyIdOf', () => {
  it('keyIdOf is 8 hex digits, stable for a key and different between keys', () => {
    const a = Buffer.from(keyA, 'base64')
    expect(keyIdOf(a)).toMatch(/^[0-9a-f]{8}$/)
    expect(keyIdOf(Buffer.from(a))).toBe(keyIdOf(a))
    expect(keyIdOf(Buffer.from(keyB, 'base64'))).not.toBe(keyIdOf(a))
  })
})

describe('KeyRing.deriveSecrets', () => {
  it('KeyRing.deriveSecrets is HMAC-SHA-256 of zoho-auth:<purpose> under the key, 32 bytes', () => {
    const [secret] = KeyRing.parse(keyA).deriveSecrets('oauth-state')
    const expected = createHmac('sha256', Buffer.from(keyA, 'base64'))
      .update('zoho-auth:oauth-state')
      .digest()
    expect(secret).toEqual(expected)
    expect(secret).toHaveLength(32)
  })

  it('KeyRing.deriveSecrets is the same for the same key and purpose in any ring', () => {
    const once = KeyRing.parse(keyA).deriveSecrets('session')
    const again = KeyRing.parse(keyA).deriveSecrets('session')
    expect(again).toEqual(once)
  })

  it('KeyRing.deriveSecrets differs per purpose and per key', () => {
    const ring = KeyRing.parse(keyA)
    const [state] = ring.deriveSecrets('oauth-state')
    const [session] = ring.deriveSecrets('session')
    const [otherKey] = KeyRing.parse(keyB).deriveSecrets('oauth-state')
    expect(state!.equals(session!)).toBe(false)
    expect(state!.equals(otherKey!)).toBe(false)
  })

  it('KeyRing.deriveSecrets gives one secret per key, primary first', () => {
    const [onlyA] = KeyRing.parse(keyA).deriveSecrets('connect-link')
    const [onlyB] = KeyRing.parse(keyB).deriveSecrets('connect-link')
    const rotated = KeyRing.parse(`${keyB},${keyA}`).deriveSecrets('connect-link')
    expect(rotated).toEqual([onlyB, onlyA])
  })

  it('KeyRing.deriveSecrets never returns the key itself', () => {
    const [secret] = KeyRing.parse(keyA).deriveSecrets('')
    expect(secret!.equals(Buffer.from(keyA, 'base64'))).toBe(false)
  })
})
