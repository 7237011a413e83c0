/**
 * Where zoho-auth keeps its files when nobody says otherwise, following the XDG base directory
 * spec. Kept apart from sqlite.ts so config code can ask without loading the SQLite driver.
 *
 * @see https://specifications.freedesktop.org/basedir-spec/latest/
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export type Env = Record<string, string | undefined>

function home(env: Env): string {
  return env.HOME && env.HOME !== '' ? env.HOME : homedir()
}

/** `$XDG_DATA_HOME/zoho-auth` (default `~/.local/share/zoho-auth`). */
export function defaultDataDir(env: Env = process.env): string {
  const base = env.XDG_DATA_HOME?.startsWith('/')
    ? env.XDG_DATA_HOME
    : join(home(env), '.local', 'share')
  return join(base, 'zoho-auth')
}

/** The SQLite file used when `ZOHO_AUTH_DB` is not set: `$XDG_DATA_HOME/zoho-auth/zoho-auth.db`. */
export function defaultDatabasePath(env: Env = process.env): string {
  return join(defaultDataDir(env), 'zoho-auth.db')
}

/**
 * The generated key file used when `ZOHO_AUTH_ENCRYPTION_KEY` is not set:
 * `$XDG_CONFIG_HOME/zoho-auth/encryption.key` (default `~/.config/zoho-auth/`). It lives beside
 * the data dir, not in it, so a copy or backup of the data dir does not carry its own key.
 */
export function defaultKeyFilePath(env: Env = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/')
    ? env.XDG_CONFIG_HOME
    : join(home(env), '.config')
  return join(base, 'zoho-auth', 'encryption.key')
}
