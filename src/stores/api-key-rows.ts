/**
 * Single-use marks and broker API keys as SQL rows (migration 5), shared by the SQLite and
 * PostgreSQL stores. Neither holds a secret: a mark is an opaque key, an API key row keeps only
 * the SHA-256 of the key, so nothing here is encrypted.
 */
import type { ApiKeyRecord } from './store.js'

type SqlInt = number | string | bigint

export interface ApiKeyRow {
  id: string
  name: string
  prefix: string
  hash: string
  created_at: SqlInt
  last_used_at: SqlInt | null
}

/** The columns an API key is inserted with, in `apiKeyValues` order. */
export const API_KEY_COLUMNS = ['id', 'name', 'prefix', 'hash', 'created_at', 'last_used_at']

/** The values of `API_KEY_COLUMNS` for a record. */
export function apiKeyValues(record: ApiKeyRecord): unknown[] {
  return [record.id, record.name, record.prefix, record.hash, record.createdAt, record.lastUsedAt]
}

/** A stored API key row as callers see it (BIGINTs arrive as strings from PostgreSQL). */
export function rowToApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  }
}
