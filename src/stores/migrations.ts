/**
 * The one migration runner of the SQL stores. A schema is a list of numbered migrations, append
 * only (a released migration never changes: databases in the field have applied it); the runner
 * applies the pending ones in one transaction that keeps every other process out, so processes
 * starting together apply each migration once, and it refuses a schema from a newer zoho-auth.
 */
import { StoreError } from './errors.js'

export interface Migration {
  version: number
  name: string
  statements: readonly string[]
}

/** What the runner needs of a database connection; each store adapts its driver. */
export interface MigrationSession {
  /** Starts a transaction that holds other migrating processes off until it ends. */
  begin(): Promise<void>
  run(sql: string, values?: readonly unknown[]): Promise<void>
  firstValue(sql: string): Promise<unknown>
  commit(): Promise<void>
  rollback(): Promise<void>
  /** The driver's placeholder for parameter `n` (1-based): `?` or `$n`. */
  placeholder(n: number): string
}

/** Mint rows older than this go, whatever window a caller asks about: no window is longer. */
export const MINT_RETENTION_MS = 24 * 60 * 60 * 1000

/** Applies the pending `migrations`; `qualifier` prefixes table names (a schema, or nothing). */
export async function applyMigrations(
  session: MigrationSession,
  migrations: readonly Migration[],
  qualifier = '',
): Promise<void> {
  const table = `${qualifier}schema_migrations`
  await session.begin()
  try {
    await session.run(`CREATE TABLE IF NOT EXISTS ${table} (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
    const current = Number((await session.firstValue(`SELECT max(version) FROM ${table}`)) ?? 0)
    const latest = migrations.at(-1)?.version ?? 0
    if (current > latest) {
      throw new StoreError(
        `The database schema is at version ${current}, newer than this zoho-auth knows (${latest})`,
        {
          reason: 'schema_too_new',
          remedy: 'Upgrade zoho-auth to the version that last wrote this database.',
        },
      )
    }
    const p = (n: number): string => session.placeholder(n)
    for (const migration of migrations) {
      if (migration.version <= current) continue
      for (const statement of migration.statements) await session.run(statement)
      await session.run(
        `INSERT INTO ${table} (version, name, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`,
        [migration.version, migration.name, Date.now()],
      )
    }
    await session.commit()
  } catch (error) {
    await session.rollback().catch(() => undefined)
    throw error
  }
}
