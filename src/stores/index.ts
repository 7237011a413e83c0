/**
 * The stores that load no database driver: the interface, the memory store, the key ring and
 * the errors. SQLite and PostgreSQL live at `zoho-auth/sqlite` and `zoho-auth/postgres` so an
 * app pays only for the driver it uses.
 */
export type {
  Connection,
  ConnectionPatch,
  ConnectionStatus,
  ConnectionStore,
  NewConnection,
  StoredClient,
  ApiKeyRecord,
} from './store.js'
export { MemoryStore } from './memory.js'
export { KeyRing, generateEncryptionKey, keyIdOf } from './crypto.js'
export type { KeyRingOptions } from './crypto.js'
export { loadOrCreateKeyFile, resolveKeyRing } from './key-file.js'
export type { LoadedKey } from './key-file.js'
export { defaultDataDir, defaultDatabasePath, defaultKeyFilePath } from './paths.js'
export type { Env } from './paths.js'
export {
  ApiKeyExistsError,
  ConnectionExistsError,
  EncryptionKeyError,
  StoreError,
  ERR_API_KEY_EXISTS,
  ERR_CONNECTION_EXISTS,
  ERR_ENCRYPTION_KEY,
  ERR_STORE,
} from './errors.js'
export type { EncryptionKeyFailure, StoreFailure } from './errors.js'
