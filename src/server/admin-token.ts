/**
 * The broker never runs without authentication: its admin token is `ZOHO_AUTH_ADMIN_TOKEN`, or
 * one generated on the first start and kept in a 0600 file beside the key file (directory
 * 0700), so a restart does not lock out the scripts and the person that have it. It is printed
 * once, when generated; later starts say where it is.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { ConfigError } from '../config-error.js'
import { createSecretFileOnce } from '../stores/secret-file.js'

/** The prefix of generated tokens, so secret scanners and people can tell what leaked. */
export const ADMIN_TOKEN_PREFIX = 'zat_admin_'

/** Shorter than this, a configured token is refused: the API and UI sit behind it. */
export const MIN_ADMIN_TOKEN_LENGTH = 24

export interface AdminToken {
  /** The bearer; never logged. */
  token: string
  /** `environment`: ZOHO_AUTH_ADMIN_TOKEN; `generated`: written now to `path`; `file`: read from it. */
  source: 'environment' | 'generated' | 'file'
  /** The file it is kept in (absent for `environment`). */
  path?: string
  /** Something to tell the operator (a file others can read), or null. */
  warning: string | null
}

/**
 * `admin-token` beside the key file (`sandbox-admin-token` for sandbox mode, so a token printed
 * by a sandbox run is never the one guarding real connections).
 */
export function adminTokenPath(keyFilePath: string, sandbox = false): string {
  return join(dirname(keyFilePath), sandbox ? 'sandbox-admin-token' : 'admin-token')
}

/** A new token: 32 random bytes, base64url, behind {@link ADMIN_TOKEN_PREFIX}. */
export function generateAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
}

/** The configured token, else the kept one, else a new one written to `path`. */
export function resolveAdminToken(options: {
  configured: string | undefined
  path: string
}): AdminToken {
  const { configured, path } = options
  if (configured !== undefined) {
    if (configured.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(configured)) {
      throw new ConfigError(
        `ZOHO_AUTH_ADMIN_TOKEN is ${configured.length} characters${/\s/.test(configured) ? ' with whitespace in it' : ''}; the broker needs at least ${MIN_ADMIN_TOKEN_LENGTH}, without whitespace`,
        'Set ZOHO_AUTH_ADMIN_TOKEN to a long random value (`openssl rand -base64 32`), or unset it and one is generated and kept for you.',
      )
    }
    return { token: configured, source: 'environment', warning: null }
  }
  const kept = readKept(path)
  if (kept !== null) return kept
  let outcome: 'created' | 'taken'
  try {
    outcome = createSecretFileOnce(path, `${generateAdminToken()}\n`)
  } catch (error) {
    throw unusable(error, path)
  }
  // A second broker starting at the same moment wrote first: use its token.
  if (outcome === 'taken') {
    const winner = readKept(path)
    if (winner !== null) return winner
  }
  const created = readKept(path)
  if (created === null) throw unusable(new Error('the file vanished after it was written'), path)
  return { ...created, source: 'generated' }
}

function readKept(path: string): AdminToken | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw unusable(error, path)
  }
  const token = text.trim()
  if (token.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new ConfigError(
      `The admin token file ${path} does not hold a token (it is empty or damaged)`,
      `Delete ${path} and start again (a new token is generated and printed), or set ZOHO_AUTH_ADMIN_TOKEN.`,
    )
  }
  const mode = statSync(path).mode & 0o777
  const warning =
    (mode & 0o077) !== 0
      ? `The admin token file ${path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it.`
      : null
  return { token, source: 'file', path, warning }
}

function unusable(error: unknown, path: string): ConfigError {
  const code = (error as NodeJS.ErrnoException | null)?.code
  const reason =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'ENOTDIR'
          ? 'a part of its path is a file, not a directory'
          : error instanceof Error
            ? error.message
            : String(error)
  return new ConfigError(
    `Cannot use the admin token file ${path}: ${reason}`,
    `Let this user create and read ${path} (or run as the user that owns it), or set ZOHO_AUTH_ADMIN_TOKEN.`,
  )
}
