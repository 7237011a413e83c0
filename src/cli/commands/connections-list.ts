/**
 * `connections list`: every stored connection, and the ones that cannot be read shown as such.
 * One row under a lost key or with altered ciphertext must not hide all the others: the listing
 * is how a person finds out which row is broken and what to do about it.
 */
import { isUnreadableRowError } from '../../stores/row-errors.js'
import type { Connection, ConnectionStore } from '../../stores/store.js'
import { connectionSummary, connectionTable } from '../format.js'
import type { ConnectionSummary } from '../format.js'

/** A stored row that could not be read, with what the store said and what to do. */
export interface UnreadableConnection {
  id: string
  status: 'unreadable'
  error: string
  remedy: string
}

export interface Listing {
  readable: Connection[]
  unreadable: UnreadableConnection[]
}

/**
 * Every connection the store can read, and the ids of those it cannot (with the store's error).
 * One `list()` when every row reads; only when one does not are the rows read one by one.
 * Anything else (the database unreachable, the wrong key for all of it) still fails the call.
 */
export async function listConnections(store: ConnectionStore): Promise<Listing> {
  try {
    return { readable: await store.list(), unreadable: [] }
  } catch (error) {
    if (!isUnreadableRowError(error)) throw error
  }
  const listing: Listing = { readable: [], unreadable: [] }
  for (const id of await store.listIds()) {
    try {
      const connection = await store.get(id)
      if (connection !== null) listing.readable.push(connection)
    } catch (error) {
      if (!isUnreadableRowError(error)) throw error
      listing.unreadable.push({
        id,
        status: 'unreadable',
        error: error.message,
        remedy: error.remedy,
      })
    }
  }
  return listing
}

/** `--json`: one array in id order, unreadable rows in place as `{id, status, error, remedy}`. */
export function listingJson(listing: Listing): Array<ConnectionSummary | UnreadableConnection> {
  const entries = [...listing.readable.map(connectionSummary), ...listing.unreadable]
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/** The table of readable connections, then each unreadable one with its error and remedy. */
export function listingText(listing: Listing, now: number): string {
  const { readable, unreadable } = listing
  if (unreadable.length === 0) return connectionTable(readable, now)
  const table = readable.length === 0 ? '' : `${connectionTable(readable, now)}\n`
  const broken = unreadable.map((row) => `  ${row.id}: ${row.error}\n    → ${row.remedy}\n`)
  return `${table}Unreadable connections:\n${broken.join('')}`
}
