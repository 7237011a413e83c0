/**
 * The gauges computed from the store when /metrics is scraped: connections by status, and the
 * token requests each active connection has left in Zoho's quota window. Read from the store,
 * not from this process, so every broker instance on one database reports the same numbers.
 */
import type { Connection, ConnectionStatus, ConnectionStore } from '../../stores/store.js'
import { mintKey } from '../../tokens/budget.js'
import type { MetricFamily } from './prometheus.js'

/**
 * Zoho's quota: 10 access-token mints per refresh token per 10 minutes (the manager's default
 * budget; docs/zoho-behaviour.md).
 */
export const MINTS_PER_WINDOW = 10
export const MINT_WINDOW_MS = 600_000

const STATUSES: readonly ConnectionStatus[] = ['active', 'needs_reauth', 'revoked']

/** How many token requests `connection` may still send in the current window. */
export async function quotaMintsLeft(
  store: Pick<ConnectionStore, 'mintsInWindow'>,
  connection: Pick<Connection, 'refreshToken'>,
  now: number,
): Promise<number> {
  const mints = await store.mintsInWindow(mintKey(connection.refreshToken), now, MINT_WINDOW_MS)
  return Math.max(0, MINTS_PER_WINDOW - mints.length)
}

/** The scrape-time families; throws when the store does not answer (the route says so). */
export async function scrapeStoreGauges(
  store: Pick<ConnectionStore, 'list' | 'mintsInWindow'>,
  now: number,
): Promise<MetricFamily[]> {
  const connections = await store.list()
  const byStatus = new Map<ConnectionStatus, number>(STATUSES.map((status) => [status, 0]))
  for (const connection of connections) {
    byStatus.set(connection.status, (byStatus.get(connection.status) ?? 0) + 1)
  }
  const active = connections.filter((connection) => connection.status === 'active')
  const left = await Promise.all(active.map((connection) => quotaMintsLeft(store, connection, now)))
  return [
    {
      name: 'zoho_auth_connections',
      help: 'Stored connections by status.',
      type: 'gauge',
      samples: [...byStatus].map(([status, value]) => ({ labels: { status }, value })),
    },
    {
      name: 'zoho_auth_quota_mints_left',
      help: "Access-token requests an active connection has left in Zoho's 10-minute window (10 per refresh token).",
      type: 'gauge',
      samples: active.map((connection, index) => ({
        labels: { connection: connection.id },
        value: left[index] ?? 0,
      })),
    },
  ]
}
