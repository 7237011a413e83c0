/** One JSON log line per request. Placeholder until the ops work lands. */
import type { MiddlewareHandler } from 'hono'
import type { BrokerDeps } from '../deps.js'

export function requestLog(_deps: BrokerDeps): MiddlewareHandler {
  return async (_c, next) => {
    await next()
  }
}
