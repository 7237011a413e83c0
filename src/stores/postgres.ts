/**
 * PostgreSQL store (`zoho-auth/postgres`): any number of broker instances on one database.
 * Leases and compare-and-set are single UPDATE statements (row locks make them atomic), mint
 * counts are one statement, and waiters hear about writes through LISTEN/NOTIFY fired by a
 * trigger, with their timeout as the fallback.
 *
 * @see https://www.postgresql.org/docs/current/sql-notify.html
 */
import pg from 'pg'
import type { Pool as PgPool, PoolClient, PoolConfig } from 'pg'
import type { KeyRing } from './crypto.js'
import { ConnectionExistsError } from './errors.js'
import { keyCheckSql, rowsUnderOtherKeysSql, storedKeyIdsSql, wrongKeyError } from './key-check.js'
import type { RowUnderOldKey } from './key-check.js'
import { MINT_RETENTION_MS } from './migrations.js'
import { DatabaseClock } from './postgres-clock.js'
import { postgresFailure, postgresRowPlace, postgresTarget } from './postgres-errors.js'
import type { PostgresTarget } from './postgres-errors.js'
import { PostgresListener } from './postgres-listener.js'
import { DEFAULT_POSTGRES_SCHEMA, migratePostgres, postgresNames } from './postgres-schema.js'
import type { PostgresNames } from './postgres-schema.js'
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
import {
  consumeOncePostgres,
  createApiKeyPostgres,
  deleteApiKeyPostgres,
  findApiKeyByHashPostgres,
  listApiKeysPostgres,
  touchApiKeyPostgres,
} from './postgres-marks-keys.js'
import type { PostgresAccess } from './postgres-marks-keys.js'
import type {
  ApiKeyRecord,
  Connection,
  ConnectionPatch,
  ConnectionStore,
  NewConnection,
  StoredClient,
} from './store.js'

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db`; or pass `pool`. */
  connectionString?: string
  /**
   * An existing pool to use (the store will not end it on close). Once `waitForChange` is used
   * the store keeps one of its connections for LISTEN, so give it `max` of at least 2.
   */
  pool?: PgPool
  keyRing: KeyRing
  /**
   * The schema its tables live in (created on migrate), e.g. one per app or per test run.
   * Default `zoho_auth`: names like `connections` and `schema_migrations` are too common to put
   * in an application's own schema.
   */
  schema?: string
  /**
   * How long connecting may take before it fails with a `timeout` StoreError. Default 10 s, or
   * `connect_timeout` (seconds) from the URL, as libpq reads it. Not applied to a given `pool`.
   */
  connectTimeoutMs?: number
  /**
   * How long one statement may take: the server cancels it (statement_timeout) and the driver
   * stops waiting for an answer (query_timeout), so a server that went silent fails instead of
   * hanging. Default 15 s. Not applied to a given `pool`.
   */
  queryTimeoutMs?: number
  /**
   * The clock the `now` values callers pass come from (default `Date.now`). Leases, mint
   * windows and token expiry are kept in the database's clock: the store measures this clock's
   * offset to it and moves times in and out, so instances with skewed clocks still agree.
   */
  clock?: () => number
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
const DEFAULT_QUERY_TIMEOUT_MS = 15_000

export { DEFAULT_POSTGRES_SCHEMA }

/** A ConnectionStore on PostgreSQL. */
export class PostgresStore implements ConnectionStore {
  readonly #pool: PgPool
  readonly #ownsPool: boolean
  readonly #keyRing: KeyRing
  readonly #schema: string
  readonly #names: PostgresNames
  readonly #listener: PostgresListener
  readonly #t: {
    connections: string
    deleted: string
    clients: string
    mints: string
    settings: string
  }
  readonly #target: PostgresTarget
  readonly #place: RowPlace
  readonly #databaseClock: DatabaseClock
  readonly #timeouts: { connectMs: number; queryMs: number }
  /** Whether this handle's key ring passed the check before a write (see key-check.ts). */
  #keyRingAdmitted = false
  readonly #access: PostgresAccess

  constructor(options: PostgresStoreOptions) {
    this.#keyRing = options.keyRing
    this.#schema = options.schema ?? DEFAULT_POSTGRES_SCHEMA
    this.#names = postgresNames(this.#schema)
    const q = this.#names.qualifier
    this.#t = {
      connections: `${q}connections`,
      deleted: `${q}deleted_connections`,
      settings: `${q}settings`,
      clients: `${q}clients`,
      mints: `${q}mints`,
    }
    this.#target = postgresTarget(options.connectionString)
    this.#place = postgresRowPlace(this.#target, this.#schema)
    this.#timeouts = {
      connectMs:
        options.connectTimeoutMs ??
        urlConnectTimeoutMs(options.connectionString) ??
        DEFAULT_CONNECT_TIMEOUT_MS,
      queryMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    }
    if (options.pool !== undefined) {
      this.#pool = options.pool
      this.#ownsPool = false
    } else {
      const config: PoolConfig = {
        connectionString: options.connectionString,
        connectionTimeoutMillis: this.#timeouts.connectMs,
        statement_timeout: this.#timeouts.queryMs,
        query_timeout: this.#timeouts.queryMs,
        // A LISTEN connection to a host that vanished is found out instead of waited on forever.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      }
      this.#pool = new pg.Pool(config)
      this.#ownsPool = true
      // An idle client losing its connection must not crash the process; the next query on
      // the pool reconnects or reports the failure to its caller.
      this.#pool.on('error', () => {})
    }
    const clock = options.clock ?? Date.now
    this.#databaseClock = new DatabaseClock(async () => {
      const before = clock()
      const [row] = await this.#query<{ now: number }>(
        'SELECT (extract(epoch from clock_timestamp()) * 1000)::float8 AS now',
      )
      return { databaseMs: Number(row?.now), before, after: clock() }
    }, clock)
    this.#access = {
      query: (text, values) => this.#query(text, values),
      clockOffset: () => this.#databaseClock.offset(),
      tables: { usedOnce: `${q}used_once`, apiKeys: `${q}api_keys` },
    }
    this.#listener = new PostgresListener({
      connect: () => this.#pool.connect(),
      channel: this.#names.channel,
    })
  }

  #failure(error: unknown): unknown {
    return postgresFailure(error, this.#target, this.#timeouts) ?? error
  }

  async #query<R extends object>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(text, values)).rows
    } catch (error) {
      throw this.#failure(error)
    }
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect()
    } catch (error) {
      throw this.#failure(error)
    }
  }

  /**
   * Runs `work` on a client of its own. After a failure the client is destroyed, not returned
   * to the pool: the server then rolls back what it began, and a query that timed out (still
   * running, or never answered) cannot hold up the next user of that connection.
   */
  async #withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect()
    try {
      const result = await work(client)
      client.release()
      return result
    } catch (error) {
      client.release(true)
      throw this.#failure(error)
    }
  }

  /**
   * Runs `work` in a READ COMMITTED transaction holding a lock on connection `id`, so a create
   * and a delete of one id take turns: each statement after the lock sees what the other
   * committed. A row lock cannot do this, since the row (or tombstone) may not exist yet.
   */
  async #withConnectionLock<T>(
    id: string | readonly string[],
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    // Several ids (a rename) are locked in one order, so two renames cannot deadlock.
    const ids = typeof id === 'string' ? [id] : [...new Set(id)].sort()
    return this.#withClient(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL READ COMMITTED')
      for (const each of ids) {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [
          `zoho-auth connection ${this.#schema}`,
          each,
        ])
      }
      const result = await work(client)
      await client.query('COMMIT')
      return result
    })
  }

  async migrate(): Promise<void> {
    await this.#withClient((client) => migratePostgres(client, this.#schema, this.#names))
  }

  /**
   * Throws EncryptionKeyError `wrong_key` if the key ring holds none of the keys the stored data
   * is under. `openPostgresStore` runs it; every handle runs it again before its first write.
   */
  async checkKeyRing(): Promise<void> {
    await this.#checkKeyRing((text, values) => this.#query(text, values))
  }

  async #checkKeyRing(
    query: <R extends object>(text: string, values?: unknown[]) => Promise<R[]>,
  ): Promise<void> {
    const q = this.#names.qualifier
    const ids = this.#keyRing.keyIds
    const [found] = await query<{ held: boolean; stored: boolean }>(
      keyCheckSql(q, ids.map((_, i) => `$${i + 1}`).join(', ')),
      ids,
    )
    if (found === undefined || found.held || !found.stored) return
    const stored = await query<{ key_id: string }>(storedKeyIdsSql(q))
    throw wrongKeyError(
      this.#keyRing,
      stored.map((row) => row.key_id),
    )
  }

  async #beforeWrite(): Promise<void> {
    if (this.#keyRingAdmitted) return
    await this.checkKeyRing()
    this.#keyRingAdmitted = true
  }

  /**
   * The check before a handle's first write, inside that write's transaction and under one lock
   * per schema: two processes with different keys writing first to an empty database take
   * turns, and the second finds the first one's key.
   */
  async #admitIn(client: PoolClient): Promise<void> {
    if (this.#keyRingAdmitted) return
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('zoho-auth keys'), hashtext($1))`, [
      this.#schema,
    ])
    await this.#checkKeyRing(async <R extends object>(text: string, values?: unknown[]) => {
      return (await client.query<R>(text, values)).rows
    })
    this.#keyRingAdmitted = true
  }

  async get(id: string): Promise<Connection | null> {
    const rows = await this.#query<ConnectionRow>(
      `SELECT * FROM ${this.#t.connections} WHERE id = $1`,
      [id],
    )
    return rows[0] === undefined ? null : this.#connectionOf(rows[0])
  }

  /**
   * A row as the caller sees it. Token expiry is kept in database time, like leases and mints,
   * so every instance reads the same instant on its own clock (see postgres-clock.ts).
   */
  async #connectionOf(row: ConnectionRow): Promise<Connection> {
    const connection = rowToConnection(row, this.#keyRing, this.#place)
    const expiresAt = connection.accessTokenExpiresAt
    if (expiresAt === null) return connection
    return { ...connection, accessTokenExpiresAt: expiresAt - (await this.#databaseClock.offset()) }
  }

  /** `patch` with its token expiry moved into database time. */
  async #inDatabaseTime<P extends ConnectionPatch>(patch: P): Promise<P> {
    const expiresAt = patch.accessTokenExpiresAt
    if (expiresAt === undefined || expiresAt === null) return patch
    return { ...patch, accessTokenExpiresAt: expiresAt + (await this.#databaseClock.offset()) }
  }

  async list(): Promise<Connection[]> {
    const rows = await this.#query<ConnectionRow>(
      `SELECT * FROM ${this.#t.connections} ORDER BY id COLLATE "C"`,
    )
    return Promise.all(rows.map((row) => this.#connectionOf(row)))
  }

  async listIds(): Promise<string[]> {
    const rows = await this.#query<{ id: string }>(
      `SELECT id FROM ${this.#t.connections} ORDER BY id COLLATE "C"`,
    )
    return rows.map((row) => row.id)
  }

  /** Continues from the id's tombstone, if it had one, and removes it in the same transaction. */
  async create(connection: NewConnection, now: number): Promise<Connection> {
    const columns = [...CONNECTION_COLUMNS, 'version', 'created_at', 'updated_at']
    const values = newConnectionValues(await this.#inDatabaseTime(connection), this.#keyRing)
    const n = values.length
    const row = await this.#withConnectionLock(connection.id, async (client) => {
      await this.#admitIn(client)
      // Under the lock a rival create has committed or not begun: its row is a plain conflict.
      const { rows } = await client.query<ConnectionRow>(
        `INSERT INTO ${this.#t.connections} (${columns.join(', ')})
         VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')},
           COALESCE((SELECT version FROM ${this.#t.deleted} WHERE id = $1), 0) + 1,
           $${n + 1}, $${n + 1})
         ON CONFLICT (id) DO NOTHING RETURNING *`,
        [...values, now],
      )
      if (rows[0] !== undefined) {
        await client.query(`DELETE FROM ${this.#t.deleted} WHERE id = $1`, [connection.id])
      }
      return rows[0]
    })
    if (row === undefined) throw new ConnectionExistsError(connection.id)
    return this.#connectionOf(row)
  }

  async update(
    id: string,
    patch: ConnectionPatch,
    expectedVersion: number,
    now: number,
  ): Promise<Connection | null> {
    await this.#beforeWrite()
    const columns = patchColumns(id, await this.#inDatabaseTime(patch), this.#keyRing)
    const sets = columns.map(([column], i) => `${column} = $${i + 4}`)
    // Row locking re-checks `version` after a concurrent writer commits: one winner per version.
    const rows = await this.#query<ConnectionRow>(
      `UPDATE ${this.#t.connections}
       SET ${[...sets, 'version = version + 1', 'updated_at = $3'].join(', ')}
       WHERE id = $1 AND version = $2 RETURNING *`,
      [id, expectedVersion, now, ...columns.map(([, value]) => value)],
    )
    return rows[0] === undefined ? null : this.#connectionOf(rows[0])
  }

  /** Leaves a tombstone with the row's last version, in the same transaction as the delete. */
  async delete(id: string): Promise<boolean> {
    return this.#withConnectionLock(id, async (client) => {
      // Waiting on an update's row lock, the DELETE then sees (and returns) the updated version.
      const { rows } = await client.query(
        `WITH gone AS (DELETE FROM ${this.#t.connections} WHERE id = $1 RETURNING id, version)
         INSERT INTO ${this.#t.deleted} (id, version) SELECT id, version FROM gone
         ON CONFLICT (id) DO UPDATE
           SET version = GREATEST(${this.#t.deleted}.version, excluded.version)
         RETURNING id`,
        [id],
      )
      return rows.length > 0
    })
  }

  /** Under both ids' locks, so neither a create nor a delete of either interleaves. */
  async rename(from: string, to: string, now: number): Promise<Connection | null> {
    const copied = RENAME_COPIED_COLUMNS.join(', ')
    const row = await this.#withConnectionLock([from, to], async (client) => {
      await this.#admitIn(client)
      const t = this.#t
      const { rows: found } = await client.query<ConnectionRow>(
        `SELECT * FROM ${t.connections} WHERE id = $1 FOR UPDATE`,
        [from],
      )
      const old = found[0]
      if (old === undefined) return undefined
      const taken = await client.query(`SELECT 1 FROM ${t.connections} WHERE id = $1`, [to])
      if (taken.rows.length > 0) throw new ConnectionExistsError(to)
      const secrets = secretsUnderId(old, to, this.#keyRing, this.#place)
      const { rows } = await client.query<ConnectionRow>(
        `INSERT INTO ${t.connections} (id, refresh_token_enc, access_token_enc, ${copied},
           version, created_at, updated_at)
         SELECT $2, $3, $4, ${copied},
           GREATEST(version, COALESCE((SELECT version FROM ${t.deleted} WHERE id = $2), 0)) + 1,
           created_at, $5
         FROM ${t.connections} WHERE id = $1
         RETURNING *`,
        [from, to, secrets.refresh, secrets.access, now],
      )
      await client.query(
        `WITH gone AS (DELETE FROM ${t.connections} WHERE id = $1 RETURNING id, version)
         INSERT INTO ${t.deleted} (id, version) SELECT id, version FROM gone
         ON CONFLICT (id) DO UPDATE SET version = GREATEST(${t.deleted}.version, excluded.version)`,
        [from],
      )
      await client.query(`DELETE FROM ${t.deleted} WHERE id = $1`, [to])
      await client.query(
        `UPDATE ${t.settings} SET value = $1 WHERE key = 'default_connection' AND value = $2`,
        [to, from],
      )
      return rows[0]
    })
    return row === undefined ? null : this.#connectionOf(row)
  }

  /** The lease is judged by database time: `now` moves by this clock's offset to it. */
  async acquireLease(id: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    const at = now + (await this.#databaseClock.offset())
    const rows = await this.#query(
      `UPDATE ${this.#t.connections} SET lease_owner = $2, lease_expires_at = $3
       WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at <= $4)
       RETURNING id`,
      [id, owner, at + ttlMs, at],
    )
    return rows.length > 0
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.#query(
      `UPDATE ${this.#t.connections} SET lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND lease_owner = $2`,
      [id, owner],
    )
  }

  /** Mints are stored in database time and returned in the caller's (see acquireLease). */
  async recordMint(key: string, now: number, windowMs: number): Promise<number[]> {
    const offset = await this.#databaseClock.offset()
    const at = now + offset
    // One statement, one snapshot: the new row comes from `inserted`, the rest from the table.
    // SKIP LOCKED lets concurrent pruners each take different rows instead of deadlocking.
    const rows = await this.#query<{ at: string }>(
      `WITH pruned AS (
         DELETE FROM ${this.#t.mints} WHERE id IN (
           SELECT id FROM ${this.#t.mints} WHERE (key = $1 AND at < $3) OR at < $4
           FOR UPDATE SKIP LOCKED)),
       inserted AS (INSERT INTO ${this.#t.mints} (key, at) VALUES ($1, $2) RETURNING id, at)
       SELECT id, at FROM ${this.#t.mints} WHERE key = $1 AND at >= $3 AND at <= $2
       UNION ALL SELECT id, at FROM inserted
       ORDER BY at, id`,
      [key, at, at - windowMs, at - Math.max(windowMs, MINT_RETENTION_MS)],
    )
    return rows.map((row) => Number(row.at) - offset)
  }

  async mintsInWindow(key: string, now: number, windowMs: number): Promise<number[]> {
    const offset = await this.#databaseClock.offset()
    const at = now + offset
    const rows = await this.#query<{ at: string }>(
      `SELECT at FROM ${this.#t.mints} WHERE key = $1 AND at >= $2 AND at <= $3 ORDER BY at, id`,
      [key, at - windowMs, at],
    )
    return rows.map((row) => Number(row.at) - offset)
  }

  async forgetMint(key: string, at: number): Promise<void> {
    const stored = at + (await this.#databaseClock.offset())
    await this.#query(
      `DELETE FROM ${this.#t.mints} WHERE id = (
         SELECT id FROM ${this.#t.mints} WHERE key = $1 AND at = $2 LIMIT 1 FOR UPDATE SKIP LOCKED)`,
      [key, stored],
    )
  }

  async waitForChange(id: string, timeoutMs: number): Promise<void> {
    const state = async (): Promise<string> => {
      const rows = await this.#query<{ version: number; lease_owner: string | null }>(
        `SELECT version, lease_owner FROM ${this.#t.connections} WHERE id = $1`,
        [id],
      ).catch(() => [])
      return rows[0] === undefined ? 'gone' : `${rows[0].version} ${rows[0].lease_owner ?? ''}`
    }
    await this.#listener.wait(id, timeoutMs, state)
  }

  async saveClient(
    client: Omit<StoredClient, 'createdAt' | 'updatedAt'>,
    now: number,
  ): Promise<StoredClient> {
    const { clientSecretEnc, dcSecretsEnc } = clientSecretValues(client, this.#keyRing)
    const row = await this.#withClient(async (db) => {
      await db.query('BEGIN')
      await this.#admitIn(db)
      const { rows } = await db.query<ClientRow>(
        `INSERT INTO ${this.#t.clients}
           (client_id, client_secret_enc, dc_secrets_enc, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (client_id) DO UPDATE SET client_secret_enc = excluded.client_secret_enc,
           dc_secrets_enc = excluded.dc_secrets_enc, updated_at = excluded.updated_at
         RETURNING *`,
        [client.clientId, clientSecretEnc, dcSecretsEnc, now],
      )
      await db.query('COMMIT')
      return rows[0] as ClientRow
    })
    return rowToClient(row, this.#keyRing, this.#place)
  }

  async getClient(clientId: string): Promise<StoredClient | null> {
    const rows = await this.#query<ClientRow>(
      `SELECT * FROM ${this.#t.clients} WHERE client_id = $1`,
      [clientId],
    )
    return rows[0] === undefined ? null : rowToClient(rows[0], this.#keyRing, this.#place)
  }

  async listClients(): Promise<StoredClient[]> {
    const rows = await this.#query<ClientRow>(
      `SELECT * FROM ${this.#t.clients} ORDER BY client_id COLLATE "C"`,
    )
    return rows.map((row) => rowToClient(row, this.#keyRing, this.#place))
  }

  async deleteClient(clientId: string): Promise<boolean> {
    const rows = await this.#query(
      `DELETE FROM ${this.#t.clients} WHERE client_id = $1 RETURNING client_id`,
      [clientId],
    )
    return rows.length > 0
  }

  async getDefaultConnection(): Promise<string | null> {
    const [row] = await this.#query<{ value: string }>(
      `SELECT value FROM ${this.#t.settings} WHERE key = 'default_connection'`,
    )
    return row?.value ?? null
  }

  async setDefaultConnection(id: string | null): Promise<void> {
    if (id === null) {
      await this.#query(`DELETE FROM ${this.#t.settings} WHERE key = 'default_connection'`)
      return
    }
    await this.#query(
      `INSERT INTO ${this.#t.settings} (key, value) VALUES ('default_connection', $1)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [id],
    )
  }

  async consumeOnce(key: string, expiresAt: number, now: number): Promise<boolean> {
    return consumeOncePostgres(this.#access, key, expiresAt, now)
  }

  async createApiKey(record: ApiKeyRecord): Promise<void> {
    await createApiKeyPostgres(this.#access, record)
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return listApiKeysPostgres(this.#access)
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    return findApiKeyByHashPostgres(this.#access, hash)
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await touchApiKeyPostgres(this.#access, id, now)
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return deleteApiKeyPostgres(this.#access, id)
  }

  /** Rows with a secret under a key other than the ring's primary one (see key-check.ts). */
  async rowsUnderOtherKeys(): Promise<RowUnderOldKey[]> {
    const rows = await this.#query<{ kind: RowUnderOldKey['kind']; id: string; key_id: string }>(
      rowsUnderOtherKeysSql(this.#names.qualifier, '$1'),
      [this.#keyRing.primaryKeyId],
    )
    return rows.map((row) => ({ kind: row.kind, id: row.id, keyId: row.key_id }))
  }

  /**
   * Row by row, each write conditional on the ciphertext it replaces: a token written meanwhile
   * by a refresh is left alone (it is already under some key we hold) instead of overwritten.
   */
  async reencryptAll(): Promise<number> {
    await this.#beforeWrite()
    const keyRing = this.#keyRing
    let changed = 0
    const connections = await this.#query<
      Pick<ConnectionRow, 'id' | 'refresh_token_enc' | 'access_token_enc'>
    >(`SELECT id, refresh_token_enc, access_token_enc FROM ${this.#t.connections}`)
    for (const row of connections) {
      const refresh = reencrypted(row.refresh_token_enc, row.id, keyRing)
      const access =
        row.access_token_enc === null ? null : reencrypted(row.access_token_enc, row.id, keyRing)
      if (refresh === null && access === null) continue
      const done = await this.#query(
        `UPDATE ${this.#t.connections} SET refresh_token_enc = $2, access_token_enc = $3
         WHERE id = $1 AND refresh_token_enc = $4 AND access_token_enc IS NOT DISTINCT FROM $5
         RETURNING id`,
        [
          row.id,
          refresh ?? row.refresh_token_enc,
          access ?? row.access_token_enc,
          row.refresh_token_enc,
          row.access_token_enc,
        ],
      )
      changed += done.length
    }
    const clients = await this.#query<
      Pick<ClientRow, 'client_id' | 'client_secret_enc' | 'dc_secrets_enc'>
    >(`SELECT client_id, client_secret_enc, dc_secrets_enc FROM ${this.#t.clients}`)
    for (const row of clients) {
      const secret = reencrypted(row.client_secret_enc, row.client_id, keyRing)
      const dcSecrets = reencrypted(row.dc_secrets_enc, row.client_id, keyRing)
      if (secret === null && dcSecrets === null) continue
      const done = await this.#query(
        `UPDATE ${this.#t.clients} SET client_secret_enc = $2, dc_secrets_enc = $3
         WHERE client_id = $1 AND client_secret_enc = $4 AND dc_secrets_enc = $5
         RETURNING client_id`,
        [
          row.client_id,
          secret ?? row.client_secret_enc,
          dcSecrets ?? row.dc_secrets_enc,
          row.client_secret_enc,
          row.dc_secrets_enc,
        ],
      )
      changed += done.length
    }
    return changed
  }

  async close(): Promise<void> {
    await this.#listener.close()
    if (this.#ownsPool) await this.#pool.end()
  }
}

/** Connects, migrates and returns a PostgreSQL store. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const store = new PostgresStore(options)
  try {
    await store.migrate()
    await store.checkKeyRing()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

/** `connect_timeout` (seconds) from a postgres:// URL, as libpq reads it; null if absent. */
function urlConnectTimeoutMs(connectionString: string | undefined): number | null {
  if (connectionString === undefined) return null
  try {
    const seconds = Number(new URL(connectionString).searchParams.get('connect_timeout') ?? NaN)
    return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null
  } catch {
    return null
  }
}
