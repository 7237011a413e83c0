/**
 * What `keys rotate` asks of a store beyond the interface: which rows still have a secret under
 * a key other than the ring's first (read from key ids, never decrypted). The SQL stores answer;
 * they are the only ones the CLI opens.
 */
import type { Config } from '../../config.js'
import type { KeyRing } from '../../stores/crypto.js'
import type { RowUnderOldKey } from '../../stores/key-check.js'
import type { ConnectionStore } from '../../stores/store.js'
import { openStoreWithKeyRing } from '../runtime.js'

type CensusStore = ConnectionStore & { rowsUnderOtherKeys(): Promise<RowUnderOldKey[]> }

/** Runs `work` on the configured store opened under `ring`, and closes it. */
export async function withStore<T>(
  config: Config,
  ring: KeyRing,
  work: (store: ConnectionStore) => Promise<T>,
): Promise<T> {
  const store = await openStoreWithKeyRing(config, ring)
  try {
    return await work(store)
  } finally {
    await store.close()
  }
}

/** The rows of `store` with a secret not under its ring's primary key. */
export async function rowsUnderOtherKeys(store: ConnectionStore): Promise<RowUnderOldKey[]> {
  const census = store as Partial<CensusStore>
  if (typeof census.rowsUnderOtherKeys !== 'function') {
    throw new Error('keys rotate needs a SQLite or PostgreSQL store')
  }
  return census.rowsUnderOtherKeys()
}

/** `connection a (key 1a2b3c4d), client c1 (key 1a2b3c4d)`, the first ten, then a count. */
export function describeRows(rows: readonly RowUnderOldKey[]): string {
  const shown = rows.slice(0, 10).map((row) => `${row.kind} ${row.id} (key ${row.keyId})`)
  const more = rows.length > 10 ? `, and ${rows.length - 10} more` : ''
  return `${shown.join(', ')}${more}`
}
