/**
 * What a failure of PostgreSQL means to the person running zoho-auth: node-postgres errors (by
 * errno or SQLSTATE, or the driver's own timeout messages) become a StoreError that names the
 * server (host, port, database, user; never the password) and says what to do.
 *
 * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
import { ZohoAuthError } from '../protocol/errors.js'
import { StoreError } from './errors.js'
import type { StoreFailure } from './errors.js'
import { quotableId, shellQuoted } from './row-errors.js'
import type { RowPlace } from './row-errors.js'

/** Which server a store talks to, for messages. Never holds the password. */
export interface PostgresTarget {
  host: string
  port: string
  database: string
  user: string
}

/** The server named by `connectionString` (or pg's defaults where it says nothing). */
export function postgresTarget(connectionString: string | undefined): PostgresTarget {
  const target = { host: 'localhost', port: '5432', database: 'postgres', user: 'postgres' }
  if (connectionString === undefined) return target
  try {
    const url = new URL(connectionString)
    return {
      host: decodeURIComponent(url.hostname) || target.host,
      port: url.port || target.port,
      database: decodeURIComponent(url.pathname.slice(1)) || target.database,
      user: decodeURIComponent(url.username) || target.user,
    }
  } catch {
    return target
  }
}

/** The store's rows, named for people, with the psql command that deletes one (no password). */
export function postgresRowPlace(target: PostgresTarget, schema: string): RowPlace {
  const at = `${target.host}:${target.port}`
  const url = `postgres://${encodeURIComponent(target.user)}@${at}/${encodeURIComponent(target.database)}`
  return {
    name: `PostgreSQL database "${target.database}" at ${at} (schema ${schema})`,
    deleteCommand: (table, key, id) =>
      quotableId(id)
        ? `psql ${shellQuoted(url)} -c "DELETE FROM ${schema}.${table} WHERE ${key} = '${id}'"`
        : null,
  }
}

const seconds = (ms: number): string => `${ms / 1000} s`

// The driver's own words for its timers (pg and pg-pool); they carry no code.
const CONNECT_TIMEOUT = [
  'timeout expired',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
]
const QUERY_TIMEOUT = 'Query read timeout'
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/** Turns a driver failure into a StoreError with a remedy; null for anything it does not know. */
export function postgresFailure(
  error: unknown,
  target: PostgresTarget,
  timeouts: { connectMs: number; queryMs: number },
): StoreError | null {
  // Our own errors (a wrong key, a conflict) pass through as they are.
  if (error instanceof ZohoAuthError) return null
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : ''
  const at = `${target.host}:${target.port}`
  const fail = (reason: StoreFailure, what: string, remedy: string): StoreError =>
    new StoreError(what, { reason, remedy, cause: error })

  if (CONNECT_TIMEOUT.includes(text) || code === 'ETIMEDOUT') {
    return fail(
      'timeout',
      `PostgreSQL at ${at} did not complete the connection within ${seconds(timeouts.connectMs)}`,
      `Check that ${at} is a PostgreSQL server that is up and reachable (not another service, not a firewall dropping packets) and that ZOHO_AUTH_DB names it; on a slow network raise connect_timeout (seconds) in the URL.`,
    )
  }
  if (text === QUERY_TIMEOUT || code === '57014') {
    return fail(
      'timeout',
      `PostgreSQL at ${at} did not answer a query within ${seconds(timeouts.queryMs)}`,
      'The server is overloaded or stuck (a long lock, a full disk): check its logs and pg_stat_activity, then run the command again.',
    )
  }
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return fail(
      'unreachable',
      `Cannot use the PostgreSQL database: ${text}`,
      'Check that PostgreSQL is running and that ZOHO_AUTH_DB has the right host, port, database, user and password.',
    )
  }
  if (text === 'Connection terminated unexpectedly') {
    return fail(
      'unreachable',
      `PostgreSQL at ${at} closed the connection`,
      'The server restarted or dropped us (or the port is not PostgreSQL): check that it is up, then run the command again.',
    )
  }
  switch (code) {
    case '28000':
      return fail(
        'login_refused',
        `PostgreSQL at ${at} refused the login of role "${target.user}": ${text}`,
        `Create the role (\`psql -c 'CREATE ROLE "${target.user}" LOGIN'\` as a superuser), or put an existing role in ZOHO_AUTH_DB (postgres://USER:PASSWORD@${at}/${target.database}).`,
      )
    case '28P01':
      return fail(
        'login_refused',
        `PostgreSQL at ${at} refused the password of role "${target.user}"`,
        `Put the right password in ZOHO_AUTH_DB (postgres://${target.user}:PASSWORD@${at}/${target.database}; percent-encode special characters).`,
      )
    case '3D000':
      return fail(
        'no_database',
        `PostgreSQL at ${at} has no database "${target.database}"`,
        `Create it (\`createdb -h ${target.host} -p ${target.port} ${target.database}\`), or name an existing database in ZOHO_AUTH_DB.`,
      )
    case '42501':
      return fail(
        'permission_denied',
        `PostgreSQL role "${target.user}" may not do this in database "${target.database}": ${text}`,
        `Grant the role what zoho-auth needs (\`GRANT CREATE ON DATABASE ${target.database} TO "${target.user}"\` for its schema, or ownership of the zoho_auth schema), or use a role that has it.`,
      )
    case '25006':
      return fail(
        'read_only',
        `PostgreSQL at ${at} is read-only (a standby, or default_transaction_read_only is on)`,
        'Point ZOHO_AUTH_DB at the primary server: zoho-auth writes tokens and leases on every refresh.',
      )
    default:
      return null
  }
}
