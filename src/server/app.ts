/**
 * The broker as a Hono app. `createBrokerApp(deps)` builds it and never listens: `zoho-auth
 * serve` hands it to @hono/node-server, and tests call `app.request()`.
 */
import { Hono } from 'hono'
import { apiRoutes } from './api/index.js'
import { browserRoutes } from './browser/index.js'
import type { BrokerDeps } from './deps.js'
import { describeError, ERR_NOT_FOUND, errorResponse } from './errors.js'
import { connectRoutes } from './connect/index.js'
import { healthRoutes } from './ops/health.js'
import { metricsRoute } from './ops/metrics-route.js'
import { requestLog } from './ops/request-log.js'
import { refuseDotSegments } from './proxy/dot-segments.js'
import { uiRoutes } from './ui/index.js'

export function createBrokerApp(deps: BrokerDeps): Hono {
  const app = new Hono()
  app.use('*', requestLog(deps))
  app.use('*', refuseDotSegments())
  app.onError((error, c) => {
    const { status, body } = describeError(error)
    if (status >= 500) {
      deps.logger.error({ msg: 'request failed', code: body.error.code, error: String(error) })
    }
    return c.json(body, status)
  })
  app.notFound((c) =>
    errorResponse(
      c,
      404,
      ERR_NOT_FOUND,
      `No route ${c.req.method} ${new URL(c.req.url).pathname}`,
      'See the API description at /api/v1/openapi.json.',
    ),
  )
  healthRoutes(app, deps)
  metricsRoute(app, deps)
  app.route('/api/v1', apiRoutes(deps))
  connectRoutes(app, deps)
  browserRoutes(app, deps)
  uiRoutes(app, deps)
  return app
}
