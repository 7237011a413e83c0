/**
 * PostgreSQL's single-use marks and broker API keys (migration 5), kept out of postgres.ts so
 * the store's main file stays about connections. Each operation is one statement: the primary
 * key makes two instances marking one key at once take turns, and the second sees the first's.
 */
import { API_KEY_COLUMNS, apiKeyValues, rowToApiKey } from './api-key-rows.js'
import type { ApiKeyRow } from './api-key-rows.js'
import { ApiKeyExistsError } from './errors.js'
import type { ApiKeyRecord } from './store.js'

/** What these operations need of a PostgresStore. */
export interface PostgresAccess {
  query<R extends object>(text: string, values?: unknown[]): Promise<R[]>
  /** Database time minus the caller's clock (see postgres-clock.ts). */
  clockOffset(): Promise<number>
  tables: { usedOnce: string; apiKeys: string }
}

/**
 * See `ConnectionStore.consumeOnce`. Times are moved into database time, as leases are, so
 * instances whose clocks disagree still agree on when a mark lapses. A mark that lapsed is
 * taken over by the upsert (under its row lock, so one of two racers wins it); other lapsed
 * marks are pruned on the way, skipping rows another pruner holds instead of waiting on it.
 */
export async function consumeOncePostgres(
  db: PostgresAccess,
  key: string,
  expiresAt: number,
  now: number,
): Promise<boolean> {
  const offset = await db.clockOffset()
  const t = db.tables.usedOnce
  const rows = await db.query(
    `WITH pruned AS (
       DELETE FROM ${t} WHERE key IN (
         SELECT key FROM ${t} WHERE expires_at <= $3 AND key <> $1 FOR UPDATE SKIP LOCKED))
     INSERT INTO ${t} AS mark (key, expires_at) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
       WHERE mark.expires_at <= $3
     RETURNING key`,
    [key, expiresAt + offset, now + offset],
  )
  return rows.length > 0
}

/** Inserts an API key; an id or hash already stored throws ApiKeyExistsError. */
export async function createApiKeyPostgres(
  db: PostgresAccess,
  record: ApiKeyRecord,
): Promise<void> {
  const rows = await db.query(
    `INSERT INTO ${db.tables.apiKeys} (${API_KEY_COLUMNS.join(', ')})
     VALUES (${API_KEY_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT DO NOTHING RETURNING id`,
    apiKeyValues(record),
  )
  if (rows.length === 0) throw new ApiKeyExistsError(record.id)
}

/** Every API key, oldest first (`seq` breaks ties in creation order). */
export async function listApiKeysPostgres(db: PostgresAccess): Promise<ApiKeyRecord[]> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${API_KEY_COLUMNS.join(', ')} FROM ${db.tables.apiKeys} ORDER BY created_at, seq`,
  )
  return rows.map(rowToApiKey)
}

export async function findApiKeyByHashPostgres(
  db: PostgresAccess,
  hash: string,
): Promise<ApiKeyRecord | null> {
  const [row] = await db.query<ApiKeyRow>(
    `SELECT ${API_KEY_COLUMNS.join(', ')} FROM ${db.tables.apiKeys} WHERE hash = $1`,
    [hash],
  )
  return row === undefined ? null : rowToApiKey(row)
}

export async function touchApiKeyPostgres(
  db: PostgresAccess,
  id: string,
  now: number,
): Promise<void> {
  await db.query(`UPDATE ${db.tables.apiKeys} SET last_used_at = $2 WHERE id = $1`, [id, now])
}

export async function deleteApiKeyPostgres(db: PostgresAccess, id: string): Promise<boolean> {
  const rows = await db.query(`DELETE FROM ${db.tables.apiKeys} WHERE id = $1 RETURNING id`, [id])
  return rows.length > 0
}
