/**
 * `ANY /api/v1/proxy/:id/<path>`: a call to Zoho's API with the connection's token, for callers
 * that hold only a broker key (forward.ts says how). Mounted behind the bearer check in
 * src/server/api/index.ts. Each request is counted and timed (to Zoho's answer headers) in
 * `zoho_auth_proxy_requests_total` and `zoho_auth_proxy_duration_seconds`, refusals included.
 */
import { Hono, type Context } from 'hono'
import type { BrokerEnv } from '../auth.js'
import type { BrokerDeps } from '../deps.js'
import { describeError } from '../errors.js'
import { forward } from './forward.js'

export function proxyRoutes(deps: BrokerDeps): Hono<BrokerEnv> {
  const proxy = new Hono<BrokerEnv>()
  const handle = async (c: Context<BrokerEnv>): Promise<Response> => {
    const started = performance.now()
    const seconds = (): number => (performance.now() - started) / 1000
    try {
      const response = await forward(deps, c)
      deps.metrics.observeProxy(response.status, seconds())
      return response
    } catch (error) {
      deps.metrics.observeProxy(describeError(error).status, seconds())
      throw error
    }
  }
  proxy.all('/:id', handle)
  proxy.all('/:id/*', handle)
  return proxy
}
