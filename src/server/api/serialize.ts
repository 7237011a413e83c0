/**
 * Connections as the API shows them: never a token or a secret. The API domain shown is the
 * one of the connection's DC in the trusted table, not the stored one (docs/architecture.md,
 * "Security decisions"), and the quota left is counted from the store's mint window, so every
 * broker instance on the store shows the same.
 */
import { EncryptionKeyError, StoreError } from '../../stores/errors.js'
import type { Connection } from '../../stores/store.js'
import { MintBudget, mintKey } from '../../tokens/budget.js'
import type { BrokerDeps } from '../deps.js'

/** A readable connection. Times are ISO 8601; null when unknown. */
export interface ConnectionView {
  id: string
  client_id: string
  dc: string
  api_domain: string | null
  scopes: string[]
  user: { zuid: string | null; email: string | null }
  status: Connection['status']
  evicted: boolean
  last_error: string | null
  access_token_expires_at: string | null
  /** The last write to the row: a refresh, a re-grant, a revoke or a recorded failure. */
  last_refresh_at: string
  created_at: string
  quota: { mints_left: number; window_seconds: number }
}

/** A row that exists but cannot be read (its secrets do not decrypt with this key ring). */
export interface UnreadableConnectionView {
  id: string
  status: 'unreadable'
  last_error: string
  remedy: string
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** The view of `connection`, with the mints left in Zoho's window for its refresh token. */
export async function viewConnection(
  deps: Pick<BrokerDeps, 'store' | 'dataCenters' | 'now'>,
  connection: Connection,
): Promise<ConnectionView> {
  const budget = new MintBudget(deps.store)
  const mints = await deps.store.mintsInWindow(
    mintKey(connection.refreshToken),
    deps.now(),
    budget.windowMs,
  )
  return {
    id: connection.id,
    client_id: connection.clientId,
    dc: connection.dc,
    api_domain: deps.dataCenters.byLocation(connection.dc)?.apiDomain ?? null,
    scopes: connection.scopes,
    user: { zuid: connection.zuid, email: connection.email },
    status: connection.status,
    evicted: connection.evicted,
    last_error: connection.lastError,
    access_token_expires_at: iso(connection.accessTokenExpiresAt),
    last_refresh_at: new Date(connection.updatedAt).toISOString(),
    created_at: new Date(connection.createdAt).toISOString(),
    quota: {
      mints_left: Math.max(0, budget.mintsPerWindow - mints.length),
      window_seconds: budget.windowMs / 1000,
    },
  }
}

/**
 * Every connection, one store read per id, so a row that fails to decrypt is listed as
 * `unreadable` (with what to do) instead of failing the whole list. A store that cannot be
 * reached at all still fails the request.
 */
export async function viewAllConnections(
  deps: Pick<BrokerDeps, 'store' | 'dataCenters' | 'now'>,
): Promise<Array<ConnectionView | UnreadableConnectionView>> {
  const ids = await deps.store.listIds()
  const views = await Promise.all(ids.map((id) => viewOne(deps, id)))
  return views.filter((view) => view !== null)
}

async function viewOne(
  deps: Pick<BrokerDeps, 'store' | 'dataCenters' | 'now'>,
  id: string,
): Promise<ConnectionView | UnreadableConnectionView | null> {
  let connection: Connection | null
  try {
    connection = await deps.store.get(id)
  } catch (error) {
    if (!isRowProblem(error)) throw error
    return { id, status: 'unreadable', last_error: error.message, remedy: error.remedy }
  }
  // Deleted between listIds and get.
  return connection === null ? null : viewConnection(deps, connection)
}

/**
 * True for a key that does not decrypt a row, or a row holding what zoho-auth never writes; a
 * store that is down is not a row's problem and fails the list.
 */
export function isRowProblem(error: unknown): error is EncryptionKeyError | StoreError {
  if (error instanceof EncryptionKeyError) return true
  return error instanceof StoreError && error.reason === 'malformed_row'
}
