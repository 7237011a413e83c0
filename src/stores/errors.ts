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

export const ERR_API_KEY_EXISTS = 'ERR_API_KEY_EXISTS'

/** `createApiKey()` was given an id or a key hash that is already stored. */
export class ApiKeyExistsError extends ZohoAuthError {
  override name = 'ApiKeyExistsError'
  readonly apiKeyId: string

  constructor(apiKeyId: string) {
    super(ERR_API_KEY_EXISTS, `An API key with id "${apiKeyId}" or the same key already exists`, {
      remedy: 'Create the key again: a new key gets a new random id and value.',
    })
    this.apiKeyId = apiKeyId
  }
}

/** Why an encryption key or ciphertext could not be used. */
export type EncryptionKeyFailure =
  | 'missing'
  | 'malformed_key'
  | 'unknown_key_id'
  | 'authentication_failed'
  | 'malformed_ciphertext'
  /** The key ring holds none of the keys the stored data is under: it is another key. */
  | 'wrong_key'
  /** The key file cannot be read or created (permissions, a directory in its place). */
  | 'key_file_unusable'

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

/** Why a database could not be used; one remedy each. */
export type StoreFailure =
  /** Nothing listens there, or the host is not found or not reachable. */
  | 'unreachable'
  /** It took the connection, or a query, and did not answer within the bound. */
  | 'timeout'
  /** The server refused the login: unknown role or wrong password. */
  | 'login_refused'
  /** The server has no database of that name. */
  | 'no_database'
  /** The path is a directory, or its folder cannot be one. */
  | 'bad_path'
  /** The operating system or the database refused access to the file, schema or table. */
  | 'permission_denied'
  /** The database can be read but not written. */
  | 'read_only'
  /** The file is not a database, or it is damaged or truncated. */
  | 'corrupt'
  /** A stored row holds something zoho-auth never writes (e.g. garbage JSON). */
  | 'malformed_row'
  /** The schema was written by a newer zoho-auth. */
  | 'schema_too_new'
  /** The store was configured with something it cannot use. */
  | 'invalid_option'

/** The database itself is unusable, or a row in it is; `reason` says which. */
export class StoreError extends ZohoAuthError {
  override name = 'StoreError'
  readonly reason: StoreFailure

  constructor(message: string, options: { reason: StoreFailure; remedy: string; cause?: unknown }) {
    super(ERR_STORE, message, { remedy: options.remedy, cause: options.cause })
    this.reason = options.reason
  }
}
