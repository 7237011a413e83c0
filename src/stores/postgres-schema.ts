/**
 * The PostgreSQL schema, as numbered migrations over qualified names (so each store can live in
 * its own schema), run by the shared runner in migrations.ts. Append only.
 */
import type { PoolClient } from 'pg'
import { StoreError } from './errors.js'
import { applyMigrations } from './migrations.js'
import type { MigrationSession } from './migrations.js'

export interface PostgresNames {
  /** `"schema".` or empty for the search path. */
  qualifier: string
  /** The LISTEN/NOTIFY channel that carries connection ids on change. */
  channel: string
}

export interface PostgresMigration {
  version: number
  name: string
  statements: (names: PostgresNames) => string[]
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'connections, clients, mints, change notifications',
    statements: ({ qualifier: q, channel }) => [
      `CREATE TABLE ${q}connections (
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
        access_token_expires_at BIGINT,
        status TEXT NOT NULL CHECK (status IN ('active', 'needs_reauth', 'revoked')),
        last_error TEXT,
        version INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at BIGINT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE ${q}clients (
        client_id TEXT PRIMARY KEY,
        client_secret_enc TEXT NOT NULL,
        dc_secrets_enc TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      `CREATE TABLE ${q}mints (
        id BIGSERIAL PRIMARY KEY,
        key TEXT NOT NULL,
        at BIGINT NOT NULL
      )`,
      `CREATE INDEX mints_key_at ON ${q}mints (key, at)`,
      `CREATE INDEX mints_at ON ${q}mints (at)`,
      `CREATE FUNCTION ${q}zoho_auth_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify(TG_ARGV[0], OLD.id);
        ELSE
          PERFORM pg_notify(TG_ARGV[0], NEW.id);
        END IF;
        RETURN NULL;
      END $$`,
      `CREATE TRIGGER connections_written AFTER INSERT OR DELETE ON ${q}connections
        FOR EACH ROW EXECUTE FUNCTION ${q}zoho_auth_notify_change('${channel}')`,
      // A new version is a new token or state; a lease let go may mean its holder gave up.
      // Taking or renewing a lease wakes nobody.
      `CREATE TRIGGER connections_changed AFTER UPDATE ON ${q}connections
        FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version
          OR (OLD.lease_owner IS NOT NULL AND OLD.lease_owner IS DISTINCT FROM NEW.lease_owner))
        EXECUTE FUNCTION ${q}zoho_auth_notify_change('${channel}')`,
    ],
  },
  {
    version: 2,
    name: 'deleted connection versions',
    // A tombstone per deleted id: its re-creation continues the version instead of restarting
    // at 1, so a write fenced on the old row's version can never match the new row.
    statements: ({ qualifier: q }) => [
      `CREATE TABLE ${q}deleted_connections (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'settings',
    // Store-wide, non-secret settings such as the default connection (`connections use`).
    statements: ({ qualifier: q }) => [
      `CREATE TABLE ${q}settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 4,
    name: 'evicted flag',
    // Whether a needs_reauth connection was evicted by Zoho's 20-per-user limit, as data.
    statements: ({ qualifier: q }) => [
      `ALTER TABLE ${q}connections ADD COLUMN evicted BOOLEAN NOT NULL DEFAULT false`,
    ],
  },
  {
    version: 5,
    name: 'single-use marks, api keys',
    statements: ({ qualifier: q }) => [
      // consumeOnce: a key (an OAuth state, a connect link) marked used until it expires, in
      // database time like leases, so instances with skewed clocks agree on when it lapses.
      `CREATE TABLE ${q}used_once (
        key TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      )`,
      `CREATE INDEX used_once_expires_at ON ${q}used_once (expires_at)`,
      // Broker API keys: only the SHA-256 of a key is kept, so a dump of the table grants nothing.
      // `seq` orders keys created in the same millisecond as they were created.
      `CREATE TABLE ${q}api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        last_used_at BIGINT,
        seq BIGSERIAL NOT NULL
      )`,
    ],
  },
]

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/
export const DEFAULT_POSTGRES_SCHEMA = 'zoho_auth'

/** The qualified names of a store in `schema`; refuses a name that is not a plain identifier. */
export function postgresNames(schema: string): PostgresNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(`Invalid PostgreSQL schema name "${schema}"`, {
      reason: 'invalid_option',
      remedy:
        'Use lower-case letters, digits and underscores (at most 40), starting with a letter.',
    })
  }
  return { qualifier: `"${schema}".`, channel: `zoho_auth_changes_${schema}` }
}

/** The PostgreSQL migrations for the store in `schema`, for the shared runner. */
export async function migratePostgres(
  client: PoolClient,
  schema: string,
  names: PostgresNames,
): Promise<void> {
  const session: MigrationSession = {
    // Instances starting together: one migrates under the advisory lock, the others wait.
    begin: async () => {
      await client.query('BEGIN')
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('zoho-auth'), hashtext($1))`, [
        schema,
      ])
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    },
    run: async (sql, values) => {
      await client.query(sql, values === undefined ? undefined : [...values])
    },
    firstValue: async (sql) => Object.values((await client.query(sql)).rows[0] ?? {})[0],
    commit: async () => {
      await client.query('COMMIT')
    },
    // The caller destroys a connection that failed, which rolls back; a ROLLBACK sent on a
    // connection that stopped answering would only wait for its own timeout.
    rollback: async () => {},
    placeholder: (n) => `$${n}`,
  }
  const migrations = POSTGRES_MIGRATIONS.map((migration) => ({
    ...migration,
    statements: migration.statements(names),
  }))
  await applyMigrations(session, migrations, names.qualifier)
}
