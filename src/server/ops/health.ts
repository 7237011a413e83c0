/** `/healthz`: the process answers. `/readyz`: the store answers too. */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'

export function healthRoutes(app: Hono, deps: BrokerDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    try {
      await deps.store.listIds()
      return c.json({ status: 'ready' })
    } catch {
      // The reason stays in the log: a probe's answer is read by load balancers, not people.
      deps.logger.warn({ msg: 'readiness check failed: the store did not answer' })
      return c.json({ status: 'unavailable', reason: 'store' }, 503)
    }
  })
}
