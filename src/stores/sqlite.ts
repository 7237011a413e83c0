/**
 * SQLite store (`zoho-auth/sqlite`): one file, any number of processes on one machine. WAL lets
 * readers run beside the writer; every cross-process guarantee (lease, compare-and-set, mint
 * count) is a single statement or an IMMEDIATE transaction, so SQLite's lock makes it atomic.
 *
 * @see https://www.sqlite.org/wal.html
 */
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3'
import type { KeyRing } from './crypto.js'
import { ConnectionExistsError } from './errors.js'
import { keyCheckSql, rowsUnderOtherKeysSql, storedKeyIdsSql, wrongKeyError } from './key-check.js'
import type { RowUnderOldKey } from './key-check.js'
import { MINT_RETENTION_MS } from './migrations.js'
import { quotableId, shellQuoted } from './row-errors.js'
import {
  CONNECTION_COLUMNS,
  clientSecretValues,
  newConnectionValues,
  patchColumns,
  RENAME_COPIED_COLUMNS,
  reencrypted,
  rowToClient,
  rowToConnection,
  secretsUnderId,
} from './rows.js'
import type { ClientRow, ConnectionRow, RowPlace } from './rows.js'
import { sqliteFailure } from './sqlite-errors.js'
import { migrateSqlite, openDatabase } from './sqlite-file.js'
import {
  consumeOnceSqlite,
  createApiKeySqlite,
  deleteApiKeySqlite,
  findApiKeyByHashSqlite,
  listApiKeysSqlite,
  touchApiKeySqlite,
} from './sqlite-marks-keys.js'
import type { SqliteAccess } from './sqlite-marks-keys.js'
import type {
  ApiKeyRecord,
  Connection,
  ConnectionPatch,
  ConnectionStore,
  NewConnection,
  StoredClient,
} from './store.js'

export { defaultDatabasePath, defaultDataDir } from './paths.js'

export interface SqliteStoreOptions {
  /** The database file (created 0600, its directory 0700), or `:memory:`. */
  path: string
  keyRing: KeyRing
  /** How long a statement waits for another process's lock. Default 5000 ms. */
  busyTimeoutMs?: number
  /** How often `waitForChange` re-reads the row. Default 25 ms. */
  pollIntervalMs?: number
}

type GuardedStatement = Pick<Statement, 'get' | 'all' | 'run'>

/** A ConnectionStore in one SQLite file. */
export class SqliteStore implements ConnectionStore {
  readonly path: string
  readonly #db: SqliteDatabase
  readonly #keyRing: KeyRing
  readonly #pollIntervalMs: number
  readonly #statements = new Map<string, GuardedStatement>()
  readonly #place: RowPlace
  readonly #access: SqliteAccess = {
    sql: (text) => this.#sql(text),
    immediate: (work) => this.#run(() => this.#db.transaction(work).immediate()),
  }
  #closed = false
  /** Whether this handle's key ring passed the check before a write (see key-check.ts). */
  #keyRingAdmitted = false

  constructor(options: SqliteStoreOptions) {
    const { path } = options
    this.path = path
    this.#keyRing = options.keyRing
    this.#pollIntervalMs = options.pollIntervalMs ?? 25
    this.#place = {
      name: path,
      deleteCommand: (table, key, id) =>
        quotableId(id)
          ? `sqlite3 ${shellQuoted(path)} "DELETE FROM ${table} WHERE ${key} = '${id}'"`
          : null,
    }
    this.#db = this.#run(() => openDatabase(path, options.busyTimeoutMs ?? 5000))
  }

  /** Runs `work` on the database, turning what SQLite or the disk refuses into a StoreError. */
  #run<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      throw sqliteFailure(error, this.path) ?? error
    }
  }

  /** A prepared statement whose failures come out as StoreErrors (see #run). */
  #sql(text: string): GuardedStatement {
    let statement = this.#statements.get(text)
    if (statement === undefined) {
      const prepared = this.#run(() => this.#db.prepare(text))
      statement = {
        get: (...values) => this.#run(() => prepared.get(...values)),
        all: (...values) => this.#run(() => prepared.all(...values)),
        run: (...values) => this.#run(() => prepared.run(...values)),
      }
      this.#statements.set(text, statement)
    }
    return statement
  }

  async migrate(): Promise<void> {
    await migrateSqlite(this.#db, (work) => this.#run(work))
  }

  /**
   * Throws EncryptionKeyError `wrong_key` if the key ring holds none of the keys the stored data
   * is under. `openSqliteStore` runs it; every handle runs it again before its first write.
   */
  async checkKeyRing(): Promise<void> {
    this.#checkKeyRing()
  }

  #checkKeyRing(): void {
    const ids = this.#keyRing.keyIds
    const found = this.#sql(keyCheckSql('', ids.map(() => '?').join(', '))).get(...ids) as {
      held: number
      stored: number
    }
    if (found.held === 1 || found.stored === 0) return
    const stored = this.#sql(storedKeyIdsSql('')).all() as Array<{ key_id: string }>
    throw wrongKeyError(
      this.#keyRing,
      stored.map((row) => row.key_id),
    )
  }

  /**
   * The check before a handle's first write. Called inside the IMMEDIATE transaction of a write
   * that may be the database's first (create, saveClient), so two processes with different keys
   * writing first to an empty file take turns, and the second finds the first one's key.
   */
  #beforeWrite(): void {
    if (this.#keyRingAdmitted) return
    this.#checkKeyRing()
    this.#keyRingAdmitted = true
  }

  async get(id: string): Promise<Connection | null> {
    const row = this.#sql('SELECT * FROM connections WHERE id = ?').get(id) as
      ConnectionRow | undefined
    return row === undefined ? null : rowToConnection(row, this.#keyRing, this.#place)
  }

  async list(): Promise<Connection[]> {
    const rows = this.#sql('SELECT * FROM connections ORDER BY id').all() as ConnectionRow[]
    return rows.map((row) => rowToConnection(row, this.#keyRing, this.#place))
  }

  async listIds(): Promise<string[]> {
    const rows = this.#sql('SELECT id FROM connections ORDER BY id').all() as Array<{
      id: string
    }>
    return rows.map((row) => row.id)
  }

  /** Continues from the id's tombstone, if it had one, and removes it in the same transaction. */
  async create(connection: NewConnection, now: number): Promise<Connection> {
    const columns = [...CONNECTION_COLUMNS, 'version', 'created_at', 'updated_at']
    const values = newConnectionValues(connection, this.#keyRing)
    const row = this.#run(() =>
      this.#db
        .transaction((): ConnectionRow | undefined => {
          this.#beforeWrite()
          const inserted = this.#sql(
            `INSERT INTO connections (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
           ON CONFLICT (id) DO NOTHING RETURNING *`,
          ).get(...values, this.#nextVersion(connection.id), now, now) as ConnectionRow | undefined
          if (inserted !== undefined) {
            this.#sql('DELETE FROM deleted_connections WHERE id = ?').run(connection.id)
          }
          return inserted
        })
        .immediate(),
    )
    if (row === undefined) throw new ConnectionExistsError(connection.id)
    return rowToConnection(row, this.#keyRing, this.#place)
  }

  #nextVersion(id: string): number {
    const tombstone = this.#sql('SELECT version FROM deleted_connections WHERE id = ?').get(id) as
      { version: number } | undefined
    return (tombstone?.version ?? 0) + 1
  }

  async update(
    id: string,
    patch: ConnectionPatch,
    expectedVersion: number,
    now: number,
  ): Promise<Connection | null> {
    this.#beforeWrite()
    const columns = patchColumns(id, patch, this.#keyRing)
    const sets = [...columns.map(([column]) => `${column} = ?`), 'version = version + 1']
    const row = this.#sql(
      `UPDATE connections SET ${sets.join(', ')}, updated_at = ?
       WHERE id = ? AND version = ? RETURNING *`,
    ).get(...columns.map(([, value]) => value), now, id, expectedVersion) as
      ConnectionRow | undefined
    return row === undefined ? null : rowToConnection(row, this.#keyRing, this.#place)
  }

  /** Leaves a tombstone with the row's last version, in the same transaction as the delete. */
  async delete(id: string): Promise<boolean> {
    return this.#run(() =>
      this.#db
        .transaction((): boolean => {
          const gone = this.#sql('DELETE FROM connections WHERE id = ? RETURNING version').get(
            id,
          ) as { version: number } | undefined
          if (gone === undefined) return false
          this.#sql(
            `INSERT INTO deleted_connections (id, version) VALUES (?, ?)
           ON CONFLICT (id) DO UPDATE SET version = max(version, excluded.version)`,
          ).run(id, gone.version)
          return true
        })
        .immediate(),
    )
  }

  async rename(from: string, to: string, now: number): Promise<Connection | null> {
    const copied = RENAME_COPIED_COLUMNS.join(', ')
    const row = this.#run(() =>
      this.#db
        .transaction((): ConnectionRow | undefined => {
          this.#beforeWrite()
          const old = this.#sql('SELECT * FROM connections WHERE id = ?').get(from) as
            ConnectionRow | undefined
          if (old === undefined) return undefined
          if (this.#sql('SELECT 1 FROM connections WHERE id = ?').get(to) !== undefined) {
            throw new ConnectionExistsError(to)
          }
          const secrets = secretsUnderId(old, to, this.#keyRing, this.#place)
          const version = Math.max(Number(old.version), this.#nextVersion(to) - 1) + 1
          const renamed = this.#sql(
            `INSERT INTO connections (id, refresh_token_enc, access_token_enc, ${copied},
               version, created_at, updated_at)
             SELECT ?, ?, ?, ${copied}, ?, created_at, ? FROM connections WHERE id = ?
             RETURNING *`,
          ).get(to, secrets.refresh, secrets.access, version, now, from) as ConnectionRow
          this.#sql('DELETE FROM connections WHERE id = ?').run(from)
          this.#sql(
            `INSERT INTO deleted_connections (id, version) VALUES (?, ?)
             ON CONFLICT (id) DO UPDATE SET version = max(version, excluded.version)`,
          ).run(from, old.version)
          this.#sql('DELETE FROM deleted_connections WHERE id = ?').run(to)
          this.#sql(
            `UPDATE settings SET value = ? WHERE key = 'default_connection' AND value = ?`,
          ).run(to, from)
          return renamed
        })
        .immediate(),
    )
    return row === undefined ? null : rowToConnection(row, this.#keyRing, this.#place)
  }

  async acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    const result = this.#sql(
      `UPDATE connections SET lease_owner = ?, lease_expires_at = ?
       WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ?)`,
    ).run(owner, now + ttlMs, id, owner, now)
    return result.changes > 0
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    this.#sql(
      `UPDATE connections SET lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ? AND lease_owner = ?`,
    ).run(id, owner)
  }

  async recordMint(key: string, now: number, windowMs: number): Promise<number[]> {
    return this.#run(() =>
      this.#db
        .transaction((): number[] => {
          this.#sql('DELETE FROM mints WHERE (key = ? AND at < ?) OR at < ?').run(
            key,
            now - windowMs,
            now - Math.max(windowMs, MINT_RETENTION_MS),
          )
          this.#sql('INSERT INTO mints (key, at) VALUES (?, ?)').run(key, now)
          return this.#mints(key, now, windowMs)
        })
        .immediate(),
    )
  }

  async mintsInWindow(key: string, now: number, windowMs: number): Promise<number[]> {
    return this.#mints(key, now, windowMs)
  }

  async forgetMint(key: string, at: number): Promise<void> {
    this.#sql(
      'DELETE FROM mints WHERE id = (SELECT id FROM mints WHERE key = ? AND at = ? LIMIT 1)',
    ).run(key, at)
  }

  #mints(key: string, now: number, windowMs: number): number[] {
    const rows = this.#sql(
      'SELECT at FROM mints WHERE key = ? AND at >= ? AND at <= ? ORDER BY at, id',
    ).all(key, now - windowMs, now) as Array<{ at: number }>
    return rows.map((row) => row.at)
  }

  /** Polls the row's version (one indexed read) until it changes, the lease is let go, or timeout. */
  async waitForChange(id: string, timeoutMs: number): Promise<void> {
    const read = (): { version: number; lease_owner: string | null } | undefined =>
      this.#closed
        ? undefined
        : (this.#sql('SELECT version, lease_owner FROM connections WHERE id = ?').get(id) as
            { version: number; lease_owner: string | null } | undefined)
    const before = read()
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline && !this.#closed) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.#pollIntervalMs, deadline - Date.now())),
      )
      const after = read()
      if (this.#closed || changed(before, after)) return
    }
  }

  async saveClient(
    client: Omit<StoredClient, 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<StoredClient> {
    const { clientSecretEnc, dcSecretsEnc } = clientSecretValues(client, this.#keyRing)
    const row = this.#run(() =>
      this.#db
        .transaction((): ClientRow => {
          this.#beforeWrite()
          return this.#sql(
            `INSERT INTO clients (client_id, client_secret_enc, dc_secrets_enc, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (client_id) DO UPDATE SET client_secret_enc = excluded.client_secret_enc,
               dc_secrets_enc = excluded.dc_secrets_enc, updated_at = excluded.updated_at
             RETURNING *`,
          ).get(client.clientId, clientSecretEnc, dcSecretsEnc, now, now) as ClientRow
        })
        .immediate(),
    )
    return rowToClient(row, this.#keyRing, this.#place)
  }

  async getClient(clientId: string): Promise<StoredClient | null> {
    const row = this.#sql('SELECT * FROM clients WHERE client_id = ?').get(clientId) as
      ClientRow | undefined
    return row === undefined ? null : rowToClient(row, this.#keyRing, this.#place)
  }

  async listClients(): Promise<StoredClient[]> {
    const rows = this.#sql('SELECT * FROM clients ORDER BY client_id').all() as ClientRow[]
    return rows.map((row) => rowToClient(row, this.#keyRing, this.#place))
  }

  async deleteClient(clientId: string): Promise<boolean> {
    return this.#sql('DELETE FROM clients WHERE client_id = ?').run(clientId).changes > 0
  }

  async getDefaultConnection(): Promise<string | null> {
    const row = this.#sql(`SELECT value FROM settings WHERE key = 'default_connection'`).get() as
      { value: string } | undefined
    return row?.value ?? null
  }

  async setDefaultConnection(id: string | null): Promise<void> {
    if (id === null) {
      this.#sql(`DELETE FROM settings WHERE key = 'default_connection'`).run()
      return
    }
    this.#sql(
      `INSERT INTO settings (key, value) VALUES ('default_connection', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(id)
  }

  async consumeOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    return consumeOnceSqlite(this.#access, key, expiresAt, now)
  }

  async createApiKey(record: ApiKeyRecord): Promise<void> {
    createApiKeySqlite(this.#access, record)
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return listApiKeysSqlite(this.#access)
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    return findApiKeyByHashSqlite(this.#access, hash)
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    touchApiKeySqlite(this.#access, id, now)
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return deleteApiKeySqlite(this.#access, id)
  }

  /** Rows with a secret under a key other than the ring's primary one (see key-check.ts). */
  async rowsUnderOtherKeys(): Promise<RowUnderOldKey[]> {
    // A named parameter, so the one key id fills every place the SQL compares against it.
    const rows = this.#sql(rowsUnderOtherKeysSql('', '@primary')).all({
      primary: this.#keyRing.primaryKeyId,
    }) as Array<{ kind: RowUnderOldKey['kind']; id: string; key_id: string }>
    return rows.map((row) => ({ kind: row.kind, id: row.id, keyId: row.key_id }))
  }

  async reencryptAll(): Promise<number> {
    const keyRing = this.#keyRing
    return this.#run(() =>
      this.#db
        .transaction((): number => {
          this.#beforeWrite()
          let changedRows = 0
          const connections = this.#sql(
            'SELECT id, refresh_token_enc, access_token_enc FROM connections',
          ).all() as Array<Pick<ConnectionRow, 'id' | 'refresh_token_enc' | 'access_token_enc'>>
          for (const row of connections) {
            const refresh = reencrypted(row.refresh_token_enc, row.id, keyRing)
            const access =
              row.access_token_enc === null
                ? null
                : reencrypted(row.access_token_enc, row.id, keyRing)
            if (refresh === null && access === null) continue
            this.#sql(
              'UPDATE connections SET refresh_token_enc = ?, access_token_enc = ? WHERE id = ?',
            ).run(refresh ?? row.refresh_token_enc, access ?? row.access_token_enc, row.id)
            changedRows++
          }
          const clients = this.#sql(
            'SELECT client_id, client_secret_enc, dc_secrets_enc FROM clients',
          ).all() as Array<Pick<ClientRow, 'client_id' | 'client_secret_enc' | 'dc_secrets_enc'>>
          for (const row of clients) {
            const secret = reencrypted(row.client_secret_enc, row.client_id, keyRing)
            const dcSecrets = reencrypted(row.dc_secrets_enc, row.client_id, keyRing)
            if (secret === null && dcSecrets === null) continue
            this.#sql(
              'UPDATE clients SET client_secret_enc = ?, dc_secrets_enc = ? WHERE client_id = ?',
            ).run(secret ?? row.client_secret_enc, dcSecrets ?? row.dc_secrets_enc, row.client_id)
            changedRows++
          }
          return changedRows
        })
        .immediate(),
    )
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#db.close()
  }
}

/** Opens (creating if needed) and migrates a SQLite store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const store = new SqliteStore(options)
  try {
    await store.migrate()
    await store.checkKeyRing()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

function changed(
  before: { version: number; lease_owner: string | null } | undefined,
  after: { version: number; lease_owner: string | null } | undefined,
): boolean {
  if (before === undefined || after === undefined) return before !== after
  if (before.version !== after.version) return true
  // A lease let go (or taken over) may mean its holder gave up without writing.
  return before.lease_owner !== null && before.lease_owner !== after.lease_owner
}
