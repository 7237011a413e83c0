/**
 * The lock `zoho-auth keys rotate` holds from reading the key ring to writing the last row, so
 * two rotations of one database take turns instead of interleaving (one would re-encrypt rows
 * under its new key while the other drops that key from the file). Both kinds are released by
 * the operating system or the server if the process dies, so a crash leaves no stale lock.
 *
 * - SQLite: an exclusive transaction on a small lock database beside the store's file (not the
 *   store itself: the rotation's own writes must not wait on it).
 * - PostgreSQL: a session advisory lock on one connection, per schema.
 */
import { chmodSync, closeSync, openSync } from 'node:fs'
import { StoreError } from './errors.js'
import { postgresFailure, postgresTarget } from './postgres-errors.js'
import { DEFAULT_POSTGRES_SCHEMA } from './postgres-schema.js'

export type RotationTarget =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema?: string }

/** How long a second rotation waits for the first before it gives up. */
export const ROTATION_LOCK_WAIT_MS = 60_000

function busy(where: string, waitMs: number, cause: unknown): StoreError {
  return new StoreError(
    `Another \`zoho-auth keys rotate\` is still running on ${where} (waited ${waitMs / 1000} s)`,
    {
      reason: 'timeout',
      remedy: 'Let it finish, then run `zoho-auth keys rotate --check` to see where it got to.',
      cause,
    },
  )
}

/** Takes the rotation lock of `target`; resolves to the function that lets it go. */
export async function takeRotationLock(
  target: RotationTarget,
  waitMs = ROTATION_LOCK_WAIT_MS,
): Promise<() => Promise<void>> {
  return target.kind === 'sqlite' ? sqliteLock(target.path, waitMs) : postgresLock(target, waitMs)
}

async function sqliteLock(path: string, waitMs: number): Promise<() => Promise<void>> {
  const lockPath = `${path}.keys-lock`
  // Created 0600 before SQLite opens it: it holds nothing, but sits beside files that do.
  closeSync(openSync(lockPath, 'a', 0o600))
  chmodSync(lockPath, 0o600)
  // Each driver is loaded only for the kind of database configured, as the stores are.
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(lockPath, { timeout: waitMs })
  try {
    db.exec('BEGIN EXCLUSIVE')
  } catch (error) {
    db.close()
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw busy(path, waitMs, error)
    throw error
  }
  return async () => {
    db.exec('ROLLBACK')
    db.close()
  }
}

async function postgresLock(
  target: { url: string; schema?: string },
  waitMs: number,
): Promise<() => Promise<void>> {
  const schema = target.schema ?? DEFAULT_POSTGRES_SCHEMA
  const { default: pg } = await import('pg')
  const connectMs = 10_000
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: connectMs })
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => undefined)
    const timeouts = { connectMs, queryMs: waitMs }
    throw postgresFailure(error, postgresTarget(target.url), timeouts) ?? error
  }
  try {
    // lock_timeout bounds the wait for the advisory lock; the server cancels it with 55P03.
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(waitMs))}`)
    await client.query(`SELECT pg_advisory_lock(hashtext('zoho-auth keys rotate'), hashtext($1))`, [
      schema,
    ])
  } catch (error) {
    await client.end().catch(() => undefined)
    if ((error as { code?: unknown }).code === '55P03')
      throw busy(`schema ${schema}`, waitMs, error)
    throw error
  }
  return async () => {
    // Ending the session releases its advisory locks.
    await client.end()
  }
}
