/**
 * `GET /metrics`: Prometheus text, public like /healthz (a scraper holds no bearer). It holds no
 * token or secret, but it does list connection ids (as labels of the quota gauge): keep the path
 * internal (docs/operations.md). When the store does not answer, the process's counters are still
 * served and `zoho_auth_store_up` says 0.
 */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'
import { scrapeStoreGauges } from './metrics-scrape.js'
import { PROMETHEUS_CONTENT_TYPE, type MetricFamily } from './prometheus.js'

export function metricsRoute(
  app: Hono,
  deps: Pick<BrokerDeps, 'metrics' | 'store' | 'now' | 'logger'>,
): void {
  app.get('/metrics', async (c) => {
    let gauges: MetricFamily[] = []
    let storeUp = 1
    try {
      gauges = await scrapeStoreGauges(deps.store, deps.now())
    } catch (error) {
      storeUp = 0
      deps.logger.warn({ msg: 'metrics: the store did not answer', error })
    }
    const up: MetricFamily = {
      name: 'zoho_auth_store_up',
      help: 'Whether the store answered this scrape (1) or not (0: the connection gauges are missing).',
      type: 'gauge',
      samples: [{ labels: {}, value: storeUp }],
    }
    c.header('content-type', PROMETHEUS_CONTENT_TYPE)
    c.header('cache-control', 'no-store')
    return c.body(deps.metrics.render([...gauges, up]))
  })
}
