/** The SQLite schema, as numbered migrations (run by migrations.ts; append only). */
import type { Migration } from './migrations.js'

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'connections, clients, mints',
    statements: [
      `CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        dc TEXT NOT NULL,
        accounts_server TEXT NOT NULL,
        api_domain TEXT NOT NULL,
        scopes TEXT NOT NULL,
        zuid TEXT,
        email TEXT,
        refresh_token_enc TEXT NOT NULL,
        access_token_enc TEXT,
        access_token_expires_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('active', 'needs_reauth', 'revoked')),
        last_error TEXT,
        version INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE clients (
        client_id TEXT PRIMARY KEY,
        client_secret_enc TEXT NOT NULL,
        dc_secrets_enc TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE mints (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT`,
      `CREATE INDEX mints_key_at ON mints (key, at)`,
      `CREATE INDEX mints_at ON mints (at)`,
    ],
  },
  {
    version: 2,
    name: 'deleted connection versions',
    statements: [
      // A tombstone per deleted id: its re-creation continues the version instead of restarting
      // at 1, so a write fenced on the old row's version can never match the new row.
      `CREATE TABLE deleted_connections (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL
      ) STRICT`,
    ],
  },
  {
    version: 3,
    name: 'settings',
    statements: [
      // Store-wide, non-secret settings such as the default connection (`connections use`).
      `CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT`,
    ],
  },
  {
    version: 4,
    name: 'evicted flag',
    statements: [
      // Whether a needs_reauth connection was evicted by Zoho's 20-per-user limit, as data.
      `ALTER TABLE connections ADD COLUMN evicted INTEGER NOT NULL DEFAULT 0 CHECK (evicted IN (0, 1))`,
    ],
  },
  {
    version: 5,
    name: 'single-use marks, api keys',
    statements: [
      // consumeOnce: a key (an OAuth state, a connect link) marked used until it expires.
      `CREATE TABLE used_once (
        key TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE INDEX used_once_expires_at ON used_once (expires_at)`,
      // Broker API keys: only the SHA-256 of a key is kept, so a copy of the file grants nothing.
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) STRICT`,
    ],
  },
]
