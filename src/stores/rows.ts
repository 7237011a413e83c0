/**
 * How a connection and a client look as SQL rows, shared by the SQLite and PostgreSQL stores.
 * Tokens and client secrets only ever cross this file as ciphertext on the row side.
 */
import type { DataCenterLocation } from '../protocol/data-centers.js'
import type { KeyRing } from './crypto.js'
import { isStringList, isStringMap, parseJson, unreadableRow } from './row-errors.js'
import type { RowPlace } from './row-errors.js'
import type {
  Connection,
  ConnectionPatch,
  ConnectionStatus,
  NewConnection,
  StoredClient,
} from './store.js'

type SqlInt = number | string | bigint

export interface ConnectionRow {
  id: string
  client_id: string
  dc: string
  accounts_server: string
  api_domain: string
  scopes: string
  zuid: string | null
  email: string | null
  refresh_token_enc: string
  access_token_enc: string | null
  access_token_expires_at: SqlInt | null
  status: string
  last_error: string | null
  /** 0/1 in SQLite, a boolean in PostgreSQL. */
  evicted: SqlInt | boolean
  version: SqlInt
  created_at: SqlInt
  updated_at: SqlInt
}

export interface ClientRow {
  client_id: string
  client_secret_enc: string
  dc_secrets_enc: string
  created_at: SqlInt
  updated_at: SqlInt
}

/** Columns of `connections` a caller may write, in insert order (lease columns are the store's). */
export const CONNECTION_COLUMNS = [
  'id',
  'client_id',
  'dc',
  'accounts_server',
  'api_domain',
  'scopes',
  'zuid',
  'email',
  'refresh_token_enc',
  'access_token_enc',
  'access_token_expires_at',
  'status',
  'last_error',
  'evicted',
] as const

export type ConnectionColumn = (typeof CONNECTION_COLUMNS)[number]

export type { RowPlace } from './row-errors.js'

const toNumber = (value: SqlInt): number => Number(value)

/** Decrypts a row into the Connection callers see. */
export function rowToConnection(row: ConnectionRow, keyRing: KeyRing, place: RowPlace): Connection {
  try {
    return connectionOf(row, keyRing)
  } catch (error) {
    throw unreadableRow(error, place, 'connection', row.id)
  }
}

function connectionOf(row: ConnectionRow, keyRing: KeyRing): Connection {
  return {
    id: row.id,
    clientId: row.client_id,
    dc: row.dc as DataCenterLocation,
    accountsServer: row.accounts_server,
    apiDomain: row.api_domain,
    scopes: parseJson<string[]>(row.scopes, 'scopes', 'a JSON list of scopes', isStringList),
    zuid: row.zuid,
    email: row.email,
    refreshToken: keyRing.decrypt(row.refresh_token_enc, row.id),
    accessToken:
      row.access_token_enc === null ? null : keyRing.decrypt(row.access_token_enc, row.id),
    accessTokenExpiresAt:
      row.access_token_expires_at === null ? null : toNumber(row.access_token_expires_at),
    status: row.status as ConnectionStatus,
    lastError: row.last_error,
    evicted:
      row.evicted === true || (typeof row.evicted !== 'boolean' && toNumber(row.evicted) === 1),
    version: toNumber(row.version),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  }
}

/** The column values of a new connection, encrypted, in CONNECTION_COLUMNS order. */
export function newConnectionValues(
  connection: NewConnection,
  keyRing: KeyRing,
): Array<string | number | null> {
  const flagged = { ...connection, evicted: connection.evicted ?? false }
  const columns = patchColumns(connection.id, flagged, keyRing)
  const byName = new Map(columns)
  return CONNECTION_COLUMNS.map((column) =>
    column === 'id' ? connection.id : (byName.get(column) ?? null),
  )
}

/**
 * The columns a patch writes, encrypted. Only known fields are taken (so a stray `version` or
 * `id` in a patch cannot reach SQL), and `undefined` means "leave as is".
 */
export function patchColumns(
  id: string,
  patch: ConnectionPatch,
  keyRing: KeyRing,
): Array<[ConnectionColumn, string | number | null]> {
  const out: Array<[ConnectionColumn, string | number | null]> = []
  const put = (column: ConnectionColumn, value: string | number | null | undefined): void => {
    if (value !== undefined) out.push([column, value])
  }
  put('client_id', patch.clientId)
  put('dc', patch.dc)
  put('accounts_server', patch.accountsServer)
  put('api_domain', patch.apiDomain)
  put('scopes', patch.scopes === undefined ? undefined : JSON.stringify(patch.scopes))
  put('zuid', patch.zuid)
  put('email', patch.email)
  put(
    'refresh_token_enc',
    patch.refreshToken === undefined ? undefined : keyRing.encrypt(patch.refreshToken, id),
  )
  put(
    'access_token_enc',
    patch.accessToken === undefined || patch.accessToken === null
      ? patch.accessToken
      : keyRing.encrypt(patch.accessToken, id),
  )
  put('access_token_expires_at', patch.accessTokenExpiresAt)
  put('status', patch.status)
  put('last_error', patch.lastError)
  // 1/0 suits both: SQLite has no boolean, and PostgreSQL reads '1'/'0' as one.
  put('evicted', patch.evicted === undefined ? undefined : patch.evicted ? 1 : 0)
  return out
}

/** Decrypts a client row. */
export function rowToClient(row: ClientRow, keyRing: KeyRing, place: RowPlace): StoredClient {
  try {
    return {
      clientId: row.client_id,
      clientSecret: keyRing.decrypt(row.client_secret_enc, row.client_id),
      dcSecrets: parseJson<Partial<Record<DataCenterLocation, string>>>(
        keyRing.decrypt(row.dc_secrets_enc, row.client_id),
        'dc_secrets_enc',
        'a JSON map of per-DC secrets',
        isStringMap,
      ),
      createdAt: toNumber(row.created_at),
      updatedAt: toNumber(row.updated_at),
    }
  } catch (error) {
    throw unreadableRow(error, place, 'client', row.client_id)
  }
}

/** The encrypted secret columns of a client. */
export function clientSecretValues(
  client: Omit<StoredClient, 'createdAt' | 'updatedAt'>,
  keyRing: KeyRing,
): { clientSecretEnc: string; dcSecretsEnc: string } {
  return {
    clientSecretEnc: keyRing.encrypt(client.clientSecret, client.clientId),
    // One ciphertext for the whole map: which DCs have their own secret is not visible either.
    dcSecretsEnc: keyRing.encrypt(JSON.stringify(client.dcSecrets), client.clientId),
  }
}

/** Re-encrypts `ciphertext` under the primary key if it is not already; null if current. */
export function reencrypted(ciphertext: string, owner: string, keyRing: KeyRing): string | null {
  if (keyRing.isCurrent(ciphertext)) return null
  return keyRing.encrypt(keyRing.decrypt(ciphertext, owner), owner)
}

/** What a rename copies as stored: every column but the id, the secrets and the bookkeeping. */
export const RENAME_COPIED_COLUMNS = CONNECTION_COLUMNS.filter(
  (column) => column !== 'id' && column !== 'refresh_token_enc' && column !== 'access_token_enc',
)

/** A row's secrets re-encrypted under `to`, the id that becomes their associated data. */
export function secretsUnderId(
  row: Pick<ConnectionRow, 'id' | 'refresh_token_enc' | 'access_token_enc'>,
  to: string,
  keyRing: KeyRing,
  place: RowPlace,
): { refresh: string; access: string | null } {
  try {
    return {
      refresh: keyRing.encrypt(keyRing.decrypt(row.refresh_token_enc, row.id), to),
      access:
        row.access_token_enc === null
          ? null
          : keyRing.encrypt(keyRing.decrypt(row.access_token_enc, row.id), to),
    }
  } catch (error) {
    throw unreadableRow(error, place, 'connection', row.id)
  }
}
