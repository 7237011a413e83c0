/**
 * A store refuses a key ring that holds none of the keys its data is under, before that ring
 * writes anything: otherwise a mistyped ZOHO_AUTH_ENCRYPTION_KEY adds rows under a second key,
 * and from then on no single key reads the whole database. Every ciphertext names its key id
 * (crypto.ts), so the check reads ids and never decrypts. An empty store takes any ring, and
 * a ring that shares one key with the data is a rotation, which is allowed.
 */
import type { KeyRing } from './crypto.js'
import { EncryptionKeyError } from './errors.js'

/**
 * SQL over every ciphertext of a store (`qualifier` prefixes table names), the same in SQLite
 * and PostgreSQL: `held` when one of them is under a key id in `keyIdsSql` (a list of
 * placeholders or an ANY array), `stored` when there is any at all. EXISTS stops at the first
 * match, so a store whose ring is right answers without reading every row.
 */
export function keyCheckSql(qualifier: string, keyIdsSql: string): string {
  return `WITH secrets AS (${secretsSql(qualifier)})
    SELECT EXISTS (SELECT 1 FROM secrets WHERE substr(enc, 4, 8) IN (${keyIdsSql})) AS held,
      EXISTS (SELECT 1 FROM secrets) AS stored`
}

/** SQL listing the distinct key ids the data is under (only when the ring was found wrong). */
export function storedKeyIdsSql(qualifier: string): string {
  return `SELECT DISTINCT substr(enc, 4, 8) AS key_id FROM (${secretsSql(qualifier)}) AS secrets
    ORDER BY key_id`
}

function secretsSql(q: string): string {
  return `SELECT enc FROM (
      SELECT refresh_token_enc AS enc FROM ${q}connections
      UNION ALL SELECT access_token_enc FROM ${q}connections
      UNION ALL SELECT client_secret_enc FROM ${q}clients
      UNION ALL SELECT dc_secrets_enc FROM ${q}clients) AS every_secret
    WHERE enc LIKE 'v1.%'`
}

/** The refusal of `keyRing`, for a store whose data is under `storedKeyIds` (none of its). */
export function wrongKeyError(keyRing: KeyRing, storedKeyIds: string[]): EncryptionKeyError {
  const ids = storedKeyIds.join(', ')
  const many = storedKeyIds.length > 1
  const under = `key id${many ? 's' : ''} ${ids}`
  const theKey = many ? `the keys with ids ${ids}` : `the key with id ${ids}`
  const fromFile = keyRing.source.startsWith('key file ')
  return new EncryptionKeyError({
    reason: 'wrong_key',
    keyId: storedKeyIds[0] ?? null,
    message: `${keyRing.source} is not the key this database is encrypted with: its data is under ${under}, the key ring has ${keyRing.keyIds.join(', ')}`,
    remedy: fromFile
      ? `Restore the key file this database was written with (${under}), or set ZOHO_AUTH_ENCRYPTION_KEY to ${theKey}; nothing was written with this one.`
      : `Set ZOHO_AUTH_ENCRYPTION_KEY to ${theKey} (nothing was written with this one). To move to a new key, list it first and the old one after it (NEW,OLD), then drop the old one once everything is re-encrypted.`,
  })
}

/** A stored row with a secret under a key other than the ring's primary one. */
export interface RowUnderOldKey {
  kind: 'connection' | 'client'
  id: string
  /** The key id the row's secret is under (its first such secret). */
  keyId: string
}

/**
 * SQL listing every row with a secret not under `primarySql` (a placeholder for the primary key
 * id): what a rotation has not reached, or what a process still running with an old key wrote
 * after it. Reads key ids only, never decrypts.
 */
export function rowsUnderOtherKeysSql(q: string, primarySql: string): string {
  const other = (column: string): string =>
    `(${column} LIKE 'v1.%' AND substr(${column}, 4, 8) <> ${primarySql})`
  const first = (columns: string[]): string =>
    `CASE ${columns.map((c) => `WHEN ${other(c)} THEN substr(${c}, 4, 8)`).join(' ')} END`
  const connection = ['refresh_token_enc', 'access_token_enc']
  const client = ['client_secret_enc', 'dc_secrets_enc']
  return `SELECT 'connection' AS kind, id, ${first(connection)} AS key_id FROM ${q}connections
      WHERE ${connection.map(other).join(' OR ')}
    UNION ALL SELECT 'client', client_id, ${first(client)} FROM ${q}clients
      WHERE ${client.map(other).join(' OR ')}
    ORDER BY kind, id`
}
