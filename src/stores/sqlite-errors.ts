/**
 * What a failure of SQLite (or of the file system under it) means to the person running
 * zoho-auth: better-sqlite3's codes and errno codes become a StoreError that names the file and
 * says what to do. The cause is looked up on the file itself where SQLite only says "cannot
 * open": a directory in its place, or a permission.
 *
 * @see https://www.sqlite.org/rescode.html
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { ZohoAuthError } from '../protocol/errors.js'
import { StoreError } from './errors.js'
import type { StoreFailure } from './errors.js'
import { shellQuoted } from './row-errors.js'

const CANNOT_OPEN = new Set(['SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH'])
const ERRNO = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS'])

/** The nearest part of `path` that exists (itself, or a parent directory). */
function nearestExisting(path: string): string {
  let at = path
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  return at
}

function deniedAt(path: string): string | null {
  const at = nearestExisting(path)
  const mode = at === path ? constants.R_OK | constants.W_OK : constants.W_OK | constants.X_OK
  try {
    accessSync(at, mode)
    return null
  } catch {
    return at
  }
}

/** Turns a failure on the database at `path` into a StoreError; null for anything unknown. */
export function sqliteFailure(error: unknown, path: string): StoreError | null {
  // Our own errors (a wrong key, a conflict) pass through as they are.
  if (error instanceof ZohoAuthError) return null
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code !== 'string') return null
  const text = typeof message === 'string' ? message : code
  const fail = (reason: StoreFailure, what: string, remedy: string): StoreError =>
    new StoreError(what, { reason, remedy, cause: error })
  const startOver = `Restore it from a backup, or move it aside (mv ${shellQuoted(path)} ${shellQuoted(`${path}.broken`)}) and run the command again to start an empty one; its connections are then granted again with \`zoho-auth exchange --code CODE\`.`

  if (code === 'SQLITE_NOTADB') {
    return fail(
      'corrupt',
      `${path} is not a SQLite database (it is damaged, truncated, or another kind of file)`,
      startOver,
    )
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return fail('corrupt', `The SQLite database ${path} is damaged (${text})`, startOver)
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
    return fail(
      'read_only',
      `The SQLite database ${path} is read-only for this process (${text})`,
      `Let this user write the file and its directory (SQLite keeps ${path}-wal and -shm beside it), e.g. \`chown -R "$(id -un)" ${shellQuoted(dirname(path))}\`, or set ZOHO_AUTH_DB to a path it can write.`,
    )
  }
  if (code === 'SQLITE_BUSY') {
    return fail(
      'timeout',
      `Another process kept the SQLite database ${path} locked for too long`,
      `Something holds a long write on it (\`fuser ${shellQuoted(path)}\` shows who); let it finish and run the command again.`,
    )
  }
  if (!CANNOT_OPEN.has(code) && !ERRNO.has(code)) return null
  if (existsSync(path) && statSync(path).isDirectory()) {
    return fail(
      'bad_path',
      `The database path ${path} is a directory, not a SQLite file`,
      'Set ZOHO_AUTH_DB to a file path (it is created if missing), or move the directory away.',
    )
  }
  const denied = deniedAt(path)
  if (denied !== null || code === 'EACCES' || code === 'EPERM') {
    const where = denied ?? path
    return fail(
      'permission_denied',
      `Permission denied on the SQLite database ${path}${where === path ? '' : ` (at ${where})`}`,
      `Run as the user that owns it (\`ls -ld ${shellQuoted(where)}\` shows who), or give this user read and write access to the file and its directory, or set ZOHO_AUTH_DB to a path of its own.`,
    )
  }
  return fail(
    'bad_path',
    `Cannot open the SQLite database ${path} (${text})`,
    'Check that its directory exists and is a directory, or set ZOHO_AUTH_DB to another path.',
  )
}
