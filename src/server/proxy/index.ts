/** `ANY /api/v1/proxy/:id/<path>`. Placeholder until the proxy work lands. */
import { Hono } from 'hono'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

export function proxyRoutes(_deps: BrokerDeps): Hono<BrokerEnv> {
  return new Hono<BrokerEnv>()
}
