/**
 * `/api/v1`: the broker's HTTP API. The OpenAPI document is public; everything after
 * `requireBearer` needs the admin token or an API key.
 */
import { Hono } from 'hono'
import { requireBearer, type BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { proxyRoutes } from '../proxy/index.js'
import { apiKeyRoutes } from './api-keys.js'
import { connectLinkRoutes } from './connect-links.js'
import { connectionRoutes } from './connections.js'
import { leadRoutes } from './leads.js'
import { openApiRoute } from './openapi.js'
import { tokenRoutes } from './tokens.js'

/** The `/api/v1` sub-app: the public OpenAPI document, then everything behind the bearer. */
export function apiRoutes(deps: BrokerDeps): Hono<BrokerEnv> {
  const api = new Hono<BrokerEnv>()
  openApiRoute(api, deps)
  api.use('*', requireBearer(deps))
  connectionRoutes(api, deps)
  tokenRoutes(api, deps)
  connectLinkRoutes(api, deps)
  leadRoutes(api, deps)
  apiKeyRoutes(api, deps)
  api.route('/proxy', proxyRoutes(deps))
  return api
}
