/**
 * Turns the token manager's events into what operators see: refresh counters (metrics.ts),
 * webhooks (webhooks.ts) and log lines for warnings. Returns the unsubscribe; `serve` calls it
 * before closing the webhook sender on shutdown.
 */
import type { Connection } from '../../stores/store.js'
import type { TokenEvent } from '../../tokens/types.js'
import type { BrokerDeps } from '../deps.js'
import type { WebhookData, WebhookEventType } from './webhooks.js'

/** Non-secret facts about a connection for a webhook body. */
function detailsOf(connection: Connection | null): Record<string, unknown> {
  if (connection === null) return {}
  return { dc: connection.dc, status: connection.status, email: connection.email }
}

/** Subscribes to `deps.manager`'s events; returns the function that unsubscribes. */
export function attachOps(
  deps: Pick<BrokerDeps, 'manager' | 'store' | 'metrics' | 'webhooks' | 'logger'>,
): () => void {
  const { metrics, webhooks, logger } = deps

  // The row is read for the details; a row already gone (or unreadable) still gets its event.
  const notify = (type: WebhookEventType, id: string, extra: Record<string, unknown> = {}) => {
    if (webhooks === null) return
    const read = type === 'connection.deleted' ? Promise.resolve(null) : deps.store.get(id)
    void read
      .catch(() => null)
      .then((connection) => {
        const data: WebhookData = { ...detailsOf(connection), ...extra, connection: id }
        webhooks.send(type, data)
      })
  }

  return deps.manager.on((event: TokenEvent) => {
    switch (event.type) {
      case 'created':
        notify('connection.created', event.connectionId, {
          ...(event.evicts?.length ? { evicts: event.evicts } : {}),
        })
        break
      case 'refreshed':
        metrics.countRefresh('success')
        break
      case 'needs_reauth':
        metrics.countRefresh('needs_reauth')
        logger.warn({
          msg: 'connection needs re-authorisation',
          connection: event.connectionId,
          reason: event.reason,
        })
        notify('connection.needs_reauth', event.connectionId, {
          reason: event.reason,
          evicted: event.evicted,
        })
        break
      case 'refresh_failed':
        metrics.countRefresh('failed')
        logger.warn({
          msg: 'refresh failed',
          connection: event.connectionId,
          code: event.code,
          reason: event.message,
        })
        notify('connection.refresh_failed', event.connectionId, {
          error_code: event.code,
          reason: event.message,
        })
        break
      case 'revoked':
        notify('connection.revoked', event.connectionId)
        break
      case 'deleted':
        notify('connection.deleted', event.connectionId)
        break
      case 'warning':
        logger.warn({ msg: event.message, connection: event.connectionId })
        break
      case 'waiting':
        break
    }
  })
}
