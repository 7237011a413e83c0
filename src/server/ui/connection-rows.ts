/**
 * What the connections table shows about each connection beyond its row: whether it is the
 * default, and Zoho's token quota — mints left in the current window and when the last one was
 * made — read from the store's shared mint log, so every instance shows the same numbers.
 */
import { MintBudget, mintKey } from '../../tokens/budget.js'
import type { Connection } from '../../stores/store.js'
import type { BrokerDeps } from '../deps.js'

export interface ConnectionRow {
  connection: Connection
  isDefault: boolean
  /** Access-token mints Zoho still allows in its 10-minute window. */
  mintsLeft: number
  mintsPerWindow: number
  /** The newest mint in the window (a refresh or the code exchange), or null. */
  lastMintAt: number | null
}

/** Every connection with its quota, in store order. */
export async function loadConnectionRows(deps: BrokerDeps): Promise<ConnectionRow[]> {
  const now = deps.now()
  // Zoho's defaults, as the manager counts them.
  const budget = new MintBudget(deps.store)
  const [connections, defaultId] = await Promise.all([
    deps.store.list(),
    deps.store.getDefaultConnection(),
  ])
  return Promise.all(
    connections.map(async (connection) => {
      const mints = await deps.store.mintsInWindow(
        mintKey(connection.refreshToken),
        now,
        budget.windowMs,
      )
      return {
        connection,
        isDefault: connection.id === defaultId,
        mintsLeft: Math.max(0, budget.mintsPerWindow - mints.length),
        mintsPerWindow: budget.mintsPerWindow,
        lastMintAt: mints.at(-1) ?? null,
      }
    }),
  )
}

/** "in 54 min", "in 30 s", "expired 3 min ago". */
export function expiresIn(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return 'no token yet'
  const seconds = Math.round((expiresAt - now) / 1000)
  if (seconds <= 0) return `expired ${ago(-seconds)}`
  return seconds < 90 ? `in ${seconds} s` : `in ${Math.round(seconds / 60)} min`
}

/** "just now", "40 s ago", "7 min ago", "3 h ago". */
export function ago(seconds: number): string {
  if (seconds < 5) return 'just now'
  if (seconds < 90) return `${seconds} s ago`
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`
  return `${Math.round(seconds / 3600)} h ago`
}
