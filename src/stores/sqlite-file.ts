/**
 * The SQLite file itself: created private from its first byte, opened in WAL mode, migrated.
 *
 * @see https://www.sqlite.org/wal.html
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { Database as SqliteDatabase } from 'better-sqlite3'
import { applyMigrations } from './migrations.js'
import { SQLITE_MIGRATIONS } from './sqlite-schema.js'

/**
 * Opens the file in WAL mode, creating it (0600, its directory 0700) from its first byte.
 * A file that is not a database fails here, at the first pragma, not at some later query.
 */
export function openDatabase(path: string, busyTimeoutMs: number): SqliteDatabase {
  const created = createPrivateFile(path)
  const db = new Database(path, { timeout: busyTimeoutMs })
  try {
    db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode is durable against application crashes; only a power cut may lose the
    // last commits, and a lost token write only means one more refresh.
    db.pragma('synchronous = NORMAL')
  } catch (error) {
    db.close()
    throw error
  }
  if (created) {
    // SQLite gives -wal/-shm the main file's mode already; this covers files left over.
    for (const suffix of ['-wal', '-shm']) {
      try {
        chmodSync(`${path}${suffix}`, 0o600)
      } catch {
        // not there yet: SQLite will create it with the main file's mode
      }
    }
  }
  return db
}

/** Creates the file ourselves so it is 0600 from its first byte; returns whether we created it. */
function createPrivateFile(path: string): boolean {
  if (path === ':memory:' || path === '') return false
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  try {
    closeSync(openSync(path, 'wx', 0o600))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  chmodSync(path, 0o600)
  return true
}

/**
 * Applies pending migrations in an IMMEDIATE transaction: the first process to start takes the
 * write lock, the others wait for it (busy timeout) and then find nothing left to do. `guard`
 * turns SQLite's failures into StoreErrors.
 */
export async function migrateSqlite(
  db: SqliteDatabase,
  guard: <T>(work: () => T) => T,
): Promise<void> {
  const run = <T>(work: () => T): Promise<T> => Promise.resolve(guard(work))
  await applyMigrations(
    {
      begin: () => run(() => void db.exec('BEGIN IMMEDIATE')),
      run: (sql, values = []) => run(() => void db.prepare(sql).run(...values)),
      firstValue: (sql) => run(() => db.prepare(sql).pluck().get()),
      commit: () => run(() => void db.exec('COMMIT')),
      rollback: () => run(() => void (db.inTransaction && db.exec('ROLLBACK'))),
      placeholder: () => '?',
    },
    SQLITE_MIGRATIONS,
  )
}
