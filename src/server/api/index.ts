/** `/api/v1`: the broker's HTTP API, behind a bearer. Routes land with the API work. */
import { Hono } from 'hono'
import { requireBearer, type BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'

export function apiRoutes(deps: BrokerDeps): Hono<BrokerEnv> {
  const api = new Hono<BrokerEnv>()
  api.use('*', requireBearer(deps))
  return api
}
