/**
 * What the token manager needs from storage. Memory, SQLite and PostgreSQL implement it and all
 * pass one contract suite (test/store-contract.ts). Implementations encrypt `refreshToken`,
 * `accessToken` and client secrets at rest; callers always see plain values.
 *
 * Time is passed in by the caller (`now`, epoch milliseconds) so leases and quota windows are
 * testable and every process judges them by the same rule.
 */
import type { DataCenterLocation } from '../protocol/data-centers.js'

export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked'

/** A Zoho grant we hold: one refresh token, for one user of one client, in one DC. */
export interface Connection {
  /** The caller's key: a tenant, a user, or a name like `default`. */
  id: string
  clientId: string
  /** The user's data centre (`location` from the callback); token requests go here. */
  dc: DataCenterLocation
  accountsServer: string
  /** Where API calls go, as Zoho returned it with the token. */
  apiDomain: string
  scopes: string[]
  /** The Zoho user, when the grant let us find out who it is. */
  zuid: string | null
  email: string | null
  refreshToken: string
  accessToken: string | null
  /** Epoch ms at which the access token expires, by our clock. */
  accessTokenExpiresAt: number | null
  status: ConnectionStatus
  /** The last failure, already redacted, for people to read. */
  lastError: string | null
  /**
   * Set with status `needs_reauth` when Zoho deleted this refresh token because the same user
   * granted the client 20 newer ones (its 20-per-user limit), rather than it being revoked.
   */
  evicted: boolean
  /**
   * Incremented by every write; the fencing token for compare-and-set. An id's versions never
   * repeat, even across `delete` and `create`: a re-created id continues from the deleted row's
   * last version, so a write fenced on the old row can never land in the new one.
   */
  version: number
  createdAt: number
  updatedAt: number
}

/**
 * What a caller supplies to create a connection; the store sets version and timestamps, and
 * `evicted` defaults to false.
 */
export type NewConnection = Omit<Connection, 'version' | 'createdAt' | 'updatedAt' | 'evicted'> & {
  evicted?: boolean
}

/** Fields a write may change. `id`, `createdAt` and `version` are the store's. */
export type ConnectionPatch = Partial<
  Omit<Connection, 'id' | 'createdAt' | 'updatedAt' | 'version'>
>

/** An OAuth client registered with the broker; its secrets are encrypted at rest. */
export interface StoredClient {
  clientId: string
  clientSecret: string
  /** Per-DC secrets when multi-DC clients have one per DC. */
  dcSecrets: Partial<Record<DataCenterLocation, string>>
  createdAt: number
  updatedAt: number
}

/**
 * A broker API key. Only a SHA-256 hash of the key is stored (keys are 32 random bytes, so a
 * plain hash cannot be reversed); `prefix` is the key's first characters, shown to people so
 * they can tell keys apart.
 */
export interface ApiKeyRecord {
  id: string
  name: string
  prefix: string
  /** Lowercase hex SHA-256 of the whole key. */
  hash: string
  createdAt: number
  lastUsedAt: number | null
}

export interface ConnectionStore {
  /** Creates tables / applies pending migrations. Idempotent; safe for concurrent processes. */
  migrate(): Promise<void>

  get(id: string): Promise<Connection | null>
  list(): Promise<Connection[]>
  /**
   * The id of every connection, in `list` order, without reading a secret: finding one
   * connection by name must not depend on being able to decrypt all the others.
   */
  listIds(): Promise<string[]>
  /**
   * Inserts a new connection; throws `ConnectionExistsError` if the id is taken. A new id starts
   * at version 1; an id that was deleted starts one past its last version (see `delete`).
   */
  create(connection: NewConnection, now: number): Promise<Connection>
  /**
   * Compare-and-set: applies `patch` only if the stored version is still `expectedVersion`.
   * Returns the new row (version + 1), or `null` when someone else wrote first (or the row is
   * gone). This is what stops a stalled lease holder from overwriting a newer token.
   */
  update(
    id: string,
    patch: ConnectionPatch,
    expectedVersion: number,
    now: number,
  ): Promise<Connection | null>
  /**
   * Removes the connection and its lease. Returns whether it existed. The store remembers the
   * id's last version (a small tombstone, kept until the id is created again), atomically with
   * the delete, so that a refresh still in flight against the old row loses its compare-and-set
   * against any later row of that id instead of writing the old grant's token into it.
   */
  delete(id: string): Promise<boolean>

  /**
   * Renames connection `from` to `to` in one transaction: its secrets are re-encrypted under the
   * new id (the id is their associated data), `from` leaves a tombstone as `delete` does, `to`
   * continues past both the row's version and any tombstone of its own, and a default naming
   * `from` follows it. Returns the renamed row, or null when `from` does not exist; throws
   * `ConnectionExistsError` if `to` is taken, changing nothing.
   */
  rename(from: string, to: string, now: number): Promise<Connection | null>

  /**
   * Takes the refresh lease of a connection for `owner` until `now + ttlMs`, if nobody else holds
   * an unexpired one (the same owner may renew). Atomic across processes.
   */
  acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean>
  /** Drops the lease if `owner` still holds it. */
  releaseLease(id: string, owner: string): Promise<void>

  /**
   * Records one access-token mint against a quota key (a hash of the refresh token, never the
   * token) and returns the mint times inside `[now - windowMs, now]`, oldest first, including
   * this one. Shared by every process on the store.
   */
  recordMint(key: string, now: number, windowMs: number): Promise<number[]>
  /** Mint times inside `[now - windowMs, now]`, oldest first. */
  mintsInWindow(key: string, now: number, windowMs: number): Promise<number[]>
  /**
   * Takes back one mint recorded with `recordMint(key, at, …)`: the request it counted provably
   * never minted a token (it was never sent, the connection was refused, or Zoho answered with an
   * error), so it must not use up the quota. Forgetting a mint that is not there does nothing.
   */
  forgetMint(key: string, at: number): Promise<void>

  /**
   * Resolves when connection `id` may have changed (a write by any process), or after
   * `timeoutMs`. PostgreSQL uses LISTEN/NOTIFY; other stores may simply wait and let the
   * caller re-read.
   */
  waitForChange(id: string, timeoutMs: number): Promise<void>

  saveClient(
    client: Omit<StoredClient, 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<StoredClient>
  getClient(clientId: string): Promise<StoredClient | null>
  listClients(): Promise<StoredClient[]>
  deleteClient(clientId: string): Promise<boolean>

  /**
   * The connection commands use when none is named (`zoho-auth connections use NAME`), or null.
   * A store-wide setting, not a secret; it may name an id that was since deleted, and callers
   * treat that as unset.
   */
  getDefaultConnection(): Promise<string | null>
  /** Sets (or, with null, clears) the default connection. */
  setDefaultConnection(id: string | null): Promise<void>

  /**
   * Marks `key` used until `expiresAt` and answers true, atomically across processes; answers
   * false when it is already marked (and not yet expired). Single-use OAuth states and connect
   * links rest on it. Marks past their expiry may be pruned (`now` decides).
   */
  consumeOnce(key: string, expiresAt: number, now: number): Promise<boolean>

  /** Stores a new API key record; throws if the id or the hash is taken. */
  createApiKey(record: ApiKeyRecord): Promise<void>
  /** Every API key, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>
  /** The key whose hash this is, or null. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>
  /** Records a use (for "last used" in the UI); a missing id does nothing. */
  touchApiKey(id: string, now: number): Promise<void>
  /** Removes a key; returns whether it existed. */
  deleteApiKey(id: string): Promise<boolean>

  /** Re-encrypts every secret under the key ring's primary key; returns how many rows changed. */
  reencryptAll(): Promise<number>

  close(): Promise<void>
}

export const ERR_CONNECTION_EXISTS = 'ERR_CONNECTION_EXISTS'
