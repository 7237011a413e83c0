/**
 * Errors the stores throw on purpose. Each says what happened and what to do about it; none ever
 * carries a key, token or secret (ZohoAuthError redacts, and we never put them in anyway).
 */
import { ZohoAuthError } from '../protocol/errors.js'
import { ERR_CONNECTION_EXISTS } from './store.js'

export { ERR_CONNECTION_EXISTS }
export const ERR_ENCRYPTION_KEY = 'ERR_ENCRYPTION_KEY'
export const ERR_STORE = 'ERR_STORE'

/** `create()` was asked for an id that is already taken. */
export class ConnectionExistsError extends ZohoAuthError {
  override name = 'ConnectionExistsError'
  readonly connectionId: string

  constructor(connectionId: string) {
    super(ERR_CONNECTION_EXISTS, `A connection with id "${connectionId}" already exists`, {
      remedy: 'Pick another id, or update the existing connection (delete it first to start over).',
    })
    this.connectionId = connectionId
  }
}

/** Why an encryption key or ciphertext could not be used. */
export type EncryptionKeyFailure =
  'missing' | 'malformed_key' | 'unknown_key_id' | 'authentication_failed' | 'malformed_ciphertext'

/** A key is missing or malformed, or stored data cannot be decrypted with the keys we have. */
export class EncryptionKeyError extends ZohoAuthError {
  override name = 'EncryptionKeyError'
  readonly reason: EncryptionKeyFailure
  /** The key id involved (a short hash of the key, never the key), when there is one. */
  readonly keyId: string | null

  constructor(init: {
    reason: EncryptionKeyFailure
    message: string
    remedy: string
    keyId?: string | null
    cause?: unknown
  }) {
    super(ERR_ENCRYPTION_KEY, init.message, { remedy: init.remedy, cause: init.cause })
    this.reason = init.reason
    this.keyId = init.keyId ?? null
  }
}

/** The database itself is unusable: unreachable, or its schema is newer than this code. */
export class StoreError extends ZohoAuthError {
  override name = 'StoreError'

  constructor(message: string, options: { remedy: string; cause?: unknown }) {
    super(ERR_STORE, message, options)
  }
}
