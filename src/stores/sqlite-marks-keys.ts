/**
 * SQLite's single-use marks and broker API keys (migration 5), kept out of sqlite.ts so the
 * store's main file stays about connections. Every call is one statement or one IMMEDIATE
 * transaction, so SQLite's write lock makes `consumeOnce` atomic across processes.
 */
import { API_KEY_COLUMNS, apiKeyValues, rowToApiKey } from './api-key-rows.js'
import type { ApiKeyRow } from './api-key-rows.js'
import { ApiKeyExistsError } from './errors.js'
import type { ApiKeyRecord } from './store.js'

/** What these operations need of a SqliteStore: its guarded statements and transactions. */
export interface SqliteAccess {
  sql(text: string): {
    get(...values: unknown[]): unknown
    all(...values: unknown[]): unknown[]
    run(...values: unknown[]): { changes: number }
  }
  /** Runs `work` in an IMMEDIATE transaction (the write lock is taken before it reads). */
  immediate<T>(work: () => T): T
}

/** See `ConnectionStore.consumeOnce`: expired marks go first, then the key is marked if free. */
export function consumeOnceSqlite(
  db: SqliteAccess,
  key: string,
  expiresAt: number,
  now: number,
): boolean {
  return db.immediate(() => {
    db.sql('DELETE FROM used_once WHERE expires_at <= ?').run(now)
    const marked = db
      .sql('INSERT INTO used_once (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING')
      .run(key, expiresAt)
    return marked.changes > 0
  })
}

/** Inserts an API key; an id or hash already stored throws ApiKeyExistsError. */
export function createApiKeySqlite(db: SqliteAccess, record: ApiKeyRecord): void {
  const inserted = db
    .sql(
      `INSERT INTO api_keys (${API_KEY_COLUMNS.join(', ')})
       VALUES (${API_KEY_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`,
    )
    .run(...apiKeyValues(record))
  if (inserted.changes === 0) throw new ApiKeyExistsError(record.id)
}

/** Every API key, oldest first (rowid breaks ties in creation order). */
export function listApiKeysSqlite(db: SqliteAccess): ApiKeyRecord[] {
  const rows = db.sql('SELECT * FROM api_keys ORDER BY created_at, rowid').all() as ApiKeyRow[]
  return rows.map(rowToApiKey)
}

export function findApiKeyByHashSqlite(db: SqliteAccess, hash: string): ApiKeyRecord | null {
  const row = db.sql('SELECT * FROM api_keys WHERE hash = ?').get(hash) as ApiKeyRow | undefined
  return row === undefined ? null : rowToApiKey(row)
}

export function touchApiKeySqlite(db: SqliteAccess, id: string, now: number): void {
  db.sql('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now, id)
}

export function deleteApiKeySqlite(db: SqliteAccess, id: string): boolean {
  return db.sql('DELETE FROM api_keys WHERE id = ?').run(id).changes > 0
}
