/**
 * The PostgreSQL schema, as numbered migrations over qualified names (so each store can live in
 * its own schema). Append only: a released migration never changes.
 */
import type { PoolClient } from 'pg'
import { StoreError } from './errors.js'

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
    name: 'evicted flag',
    // Whether a needs_reauth connection was evicted by Zoho's 20-per-user limit, as data.
    statements: ({ qualifier: q }) => [
      `ALTER TABLE ${q}connections ADD COLUMN evicted BOOLEAN NOT NULL DEFAULT false`,
    ],
  },
]

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,39}$/
export const DEFAULT_POSTGRES_SCHEMA = 'zoho_auth'

/** The qualified names of a store in `schema`; refuses a name that is not a plain identifier. */
export function postgresNames(schema: string): PostgresNames {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError(`Invalid PostgreSQL schema name "${schema}"`, {
      remedy:
        'Use lower-case letters, digits and underscores (at most 40), starting with a letter.',
    })
  }
  return { qualifier: `"${schema}".`, channel: `zoho_auth_changes_${schema}` }
}

/**
 * Applies pending migrations in one transaction. Concurrent instances starting together: one
 * migrates under the advisory lock, the others wait, then find it done.
 */
export async function migratePostgres(
  client: PoolClient,
  schema: string,
  names: PostgresNames,
): Promise<void> {
  const q = names.qualifier
  try {
    await client.query('BEGIN')
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('zoho-auth'), hashtext($1))`, [
      schema,
    ])
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${q}schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${q}schema_migrations`,
    )
    const current = rows[0]?.v ?? 0
    const latest = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0
    if (current > latest) {
      throw new StoreError(
        `The database schema is at version ${current}, newer than this zoho-auth knows (${latest})`,
        { remedy: 'Upgrade zoho-auth to the version that last wrote this database.' },
      )
    }
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= current) continue
      for (const statement of migration.statements(names)) await client.query(statement)
      await client.query(
        `INSERT INTO ${q}schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, Date.now()],
      )
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  }
}
