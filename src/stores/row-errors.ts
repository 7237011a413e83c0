/**
 * A stored row that cannot be read as zoho-auth wrote it (secrets that fail authentication or
 * are not ciphertext, a column holding what zoho-auth never writes) is reported as that row, in
 * that database, with a command that removes it and the command that grants access again.
 */
import { EncryptionKeyError, StoreError } from './errors.js'

/** Where a store's rows live, for errors that say which row it is and how to remove it. */
export interface RowPlace {
  /** The database as a person names it: a file path, or a PostgreSQL database and schema. */
  name: string
  /** A shell command that deletes one row, or null when `id` cannot be quoted safely. */
  deleteCommand(
    table: 'connections' | 'clients',
    key: 'id' | 'client_id',
    id: string,
  ): string | null
}

// Ids a remedy may paste into a shell command and an SQL literal as they are.
const QUOTABLE_ID = /^[\w.@:+-]+$/
export const quotableId = (id: string): boolean => QUOTABLE_ID.test(id)

/** `text` quoted for a POSIX shell. */
export function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

function rowRemedy(place: RowPlace, kind: 'connection' | 'client', id: string): string {
  const command =
    kind === 'connection'
      ? place.deleteCommand('connections', 'id', id)
      : place.deleteCommand('clients', 'client_id', id)
  const remove =
    command === null
      ? `delete the row whose ${kind === 'connection' ? 'id' : 'client_id'} is "${id}" from ${place.name}`
      : `delete it (\`${command}\`)`
  const again =
    kind === 'connection'
      ? `grant access again (\`zoho-auth exchange --code CODE --connection ${quotableId(id) ? id : 'NAME'}\`)`
      : 'save the client again'
  return `Restore the row from a backup, or ${remove} and ${again}.`
}

/**
 * A row that cannot be read as zoho-auth wrote it: its secrets fail authentication or are not
 * ciphertext, or a column is not what zoho-auth writes. The error names the row and how to
 * remove it; a key missing from the ring keeps its own error (the remedy is the key, not the row).
 */
export function unreadableRow(
  error: unknown,
  place: RowPlace,
  kind: 'connection' | 'client',
  id: string,
): unknown {
  if (
    error instanceof EncryptionKeyError &&
    (error.reason === 'authentication_failed' || error.reason === 'malformed_ciphertext')
  ) {
    return new EncryptionKeyError({
      reason: error.reason,
      keyId: error.keyId,
      message: error.message,
      remedy: rowRemedy(place, kind, id),
      cause: error,
    })
  }
  if (error instanceof MalformedColumn) {
    const who = kind === 'connection' ? `Connection "${id}"` : `Client "${id}"`
    return new StoreError(
      `${who} in ${place.name} has a ${error.column} column that is not ${error.expected}; zoho-auth never writes that, so the row was changed by something else`,
      { reason: 'malformed_row', remedy: rowRemedy(place, kind, id), cause: error.cause },
    )
  }
  return error
}

/**
 * Whether `error` is about one stored row rather than the store: its secrets fail
 * authentication, are not ciphertext or are under a key the ring lacks, or a column is not what
 * zoho-auth writes. Listings show such a row as unreadable and go on with the others.
 */
export function isUnreadableRowError(error: unknown): error is EncryptionKeyError | StoreError {
  if (error instanceof EncryptionKeyError) {
    return (
      error.reason === 'authentication_failed' ||
      error.reason === 'malformed_ciphertext' ||
      error.reason === 'unknown_key_id'
    )
  }
  return error instanceof StoreError && error.reason === 'malformed_row'
}

class MalformedColumn extends Error {
  constructor(
    readonly column: string,
    readonly expected: string,
    cause: unknown,
  ) {
    super(`${column} is not ${expected}`, { cause })
  }
}

export function parseJson<T>(
  text: string,
  column: string,
  expected: string,
  valid: (v: unknown) => boolean,
): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new MalformedColumn(column, expected, cause)
  }
  if (!valid(value)) throw new MalformedColumn(column, expected, null)
  return value as T
}

export const isStringList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((item) => typeof item === 'string')
export const isStringMap = (v: unknown): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.values(v).every((item) => typeof item === 'string')
