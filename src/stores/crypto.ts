/**
 * Encryption at rest: AES-256-GCM under a key ring. The first key encrypts, every key decrypts,
 * so rotating is "put the new key first, keep the old one after it, run reencryptAll, drop the
 * old one". Each ciphertext names its key by id (a short hash of the key), which lets a missing
 * key be reported as exactly that instead of as garbage.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext+tag>`, the last two base64url. The associated data is the
 * owner of the secret (connection id, or client id for client secrets), so a ciphertext copied
 * onto another row fails authentication.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto'
import { EncryptionKeyError } from './errors.js'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`'

interface RingKey {
  id: string
  key: Buffer
}

export interface KeyRingOptions {
  /** Source of IVs; injectable for tests. Defaults to `crypto.randomBytes`. */
  randomBytes?: (size: number) => Buffer
}

/** A short, stable, non-secret name for a key: the first 8 hex digits of a SHA-256 of it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('zoho-auth key id\0').update(key).digest('hex').slice(0, 8)
}

/** A fresh random key, base64, ready for `ZOHO_AUTH_ENCRYPTION_KEY`. */
export function generateEncryptionKey(random: (size: number) => Buffer = randomBytes): string {
  return random(KEY_BYTES).toString('base64')
}

function decodeKey(text: string, position: number, source: string): Buffer {
  const where = `${source} entry ${position}`
  let bytes: Buffer | null = null
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text)) bytes = Buffer.from(text, 'base64')
  else if (/^[A-Za-z0-9_-]+$/.test(text)) bytes = Buffer.from(text, 'base64url')
  if (bytes === null) {
    throw new EncryptionKeyError({
      reason: 'malformed_key',
      message: `${where} is not base64`,
      remedy: `Use a base64 32-byte key: ${GENERATE_HINT}.`,
    })
  }
  if (bytes.length !== KEY_BYTES) {
    throw new EncryptionKeyError({
      reason: 'malformed_key',
      message: `${where} decodes to ${bytes.length} bytes; an AES-256 key must be ${KEY_BYTES}`,
      remedy: `Use a base64 32-byte key: ${GENERATE_HINT}.`,
    })
  }
  return bytes
}

/** The keys that encrypt (the first) and decrypt (all) stored secrets. */
export class KeyRing {
  /** Where the keys came from, for messages: `ZOHO_AUTH_ENCRYPTION_KEY` or `key file <path>`. */
  readonly source: string
  readonly #keys: readonly RingKey[]
  readonly #random: (size: number) => Buffer

  private constructor(keys: RingKey[], options: KeyRingOptions, source: string) {
    this.#keys = keys
    this.#random = options.randomBytes ?? randomBytes
    this.source = source
  }

  /**
   * Parses `ZOHO_AUTH_ENCRYPTION_KEY`: base64 (or base64url) 32-byte keys separated by commas.
   * Empty entries are ignored; no key at all is an error.
   */
  static parse(
    value: string | undefined,
    options: KeyRingOptions & { source?: string } = {},
  ): KeyRing {
    const source = options.source ?? 'ZOHO_AUTH_ENCRYPTION_KEY'
    const entries = (value ?? '').split(',').map((entry) => entry.trim())
    const keys: RingKey[] = []
    entries.forEach((entry, index) => {
      if (entry === '') return
      const key = decodeKey(entry, index + 1, source)
      const id = keyIdOf(key)
      if (!keys.some((known) => known.id === id)) keys.push({ id, key })
    })
    if (keys.length === 0) {
      throw new EncryptionKeyError({
        reason: 'missing',
        message: `No encryption key: ${source} is empty`,
        remedy: `Set ${source} to a base64 32-byte key (${GENERATE_HINT}), or leave it unset to use a generated key file.`,
      })
    }
    return new KeyRing(keys, options, source)
  }

  /** The id of the key that encrypts. */
  get primaryKeyId(): string {
    return (this.#keys[0] as RingKey).id
  }

  /** Every key id, primary first. */
  get keyIds(): string[] {
    return this.#keys.map((key) => key.id)
  }

  /**
   * 32-byte secrets for `purpose` (signing OAuth states, sessions, connect links), one per key,
   * primary first: HMAC-SHA-256 of the purpose under each key. Every process holding the same
   * ring derives the same secrets, so a broker's instances accept each other's signatures
   * without storing another secret; verifiers try all of them, so a key rotation does not sign
   * everybody out.
   */
  deriveSecrets(purpose: string): Buffer[] {
    return this.#keys.map(({ key }) =>
      createHmac('sha256', key).update(`zoho-auth:${purpose}`).digest(),
    )
  }

  /** Encrypts `plaintext` under the primary key, bound to `associatedData` (its owner's id). */
  encrypt(plaintext: string, associatedData: string): string {
    const primary = this.#keys[0] as RingKey
    const iv = this.#random(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', primary.key, iv)
    cipher.setAAD(Buffer.from(associatedData, 'utf8'))
    const body = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ])
    return `${VERSION}.${primary.id}.${iv.toString('base64url')}.${body.toString('base64url')}`
  }

  /** Decrypts what `encrypt` made for the same `associatedData`, or throws EncryptionKeyError. */
  decrypt(ciphertext: string, associatedData: string): string {
    const { keyId, iv, body } = parseCiphertext(ciphertext, associatedData)
    const entry = this.#keys.find((key) => key.id === keyId)
    if (entry === undefined) {
      throw new EncryptionKeyError({
        reason: 'unknown_key_id',
        keyId,
        message: `The stored secrets of "${associatedData}" were encrypted with key id ${keyId}, which is not in ${this.source} (it has ${this.keyIds.join(', ')})`,
        remedy:
          'Add the old key after the new one in ZOHO_AUTH_ENCRYPTION_KEY (comma-separated: the first encrypts, all decrypt).',
      })
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, iv)
      decipher.setAAD(Buffer.from(associatedData, 'utf8'))
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES))
      const plain = Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ])
      return plain.toString('utf8')
    } catch (cause) {
      throw new EncryptionKeyError({
        reason: 'authentication_failed',
        keyId,
        cause,
        message: `The stored secrets of "${associatedData}" failed authentication under key id ${keyId}: they were altered, or copied from another row`,
        remedy: 'Restore the row from a backup, or delete the connection and grant access again.',
      })
    }
  }

  /** Whether `ciphertext` is already under the primary key (so re-encryption can skip it). */
  isCurrent(ciphertext: string): boolean {
    return ciphertext.split('.')[1] === this.primaryKeyId
  }
}

function parseCiphertext(
  ciphertext: string,
  associatedData: string,
): { keyId: string; iv: Buffer; body: Buffer } {
  const parts = ciphertext.split('.')
  const [version, keyId, iv, body] = parts
  if (
    parts.length === 4 &&
    version === VERSION &&
    keyId !== undefined &&
    iv !== undefined &&
    body !== undefined
  ) {
    const ivBytes = Buffer.from(iv, 'base64url')
    const bodyBytes = Buffer.from(body, 'base64url')
    if (ivBytes.length === IV_BYTES && bodyBytes.length >= TAG_BYTES) {
      return { keyId, iv: ivBytes, body: bodyBytes }
    }
  }
  throw new EncryptionKeyError({
    reason: 'malformed_ciphertext',
    message: `The stored secrets of "${associatedData}" are not in zoho-auth's encrypted format (expected ${VERSION}.<key id>.<iv>.<data>)`,
    remedy:
      'The row was written by something other than zoho-auth or was truncated; delete the connection and grant access again.',
  })
}
