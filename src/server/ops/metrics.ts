/**
 * The broker's Prometheus metrics (`GET /metrics`). Counters live in the process (each broker
 * instance is scraped on its own); the connection gauges are computed from the store at scrape
 * time (metrics-scrape.ts), so every instance reports the same shared state.
 */
import { Histogram, LabelledCounter, renderFamilies, type MetricFamily } from './prometheus.js'

/** How a refresh ended, as the `outcome` label says. */
export type RefreshOutcome = 'success' | 'needs_reauth' | 'failed'

// Seconds: the proxy adds well under a millisecond; Zoho answers in tens to hundreds.
const PROXY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** Counters and the proxy's latency histogram; docs/operations.md says what each means. */
export class BrokerMetrics {
  readonly refreshes = new LabelledCounter(
    'zoho_auth_refreshes_total',
    'Access-token refreshes by outcome (success, needs_reauth: the grant is dead, failed: throttled, no answer, 5xx).',
    [{ outcome: 'success' }, { outcome: 'needs_reauth' }, { outcome: 'failed' }],
  )
  readonly tokenEndpointRequests = new LabelledCounter(
    'zoho_auth_token_endpoint_requests_total',
    "Requests sent to Zoho's token endpoint (/oauth/v2/token), by grant_type.",
    [{ grant_type: 'refresh_token' }, { grant_type: 'authorization_code' }],
  )
  readonly proxyRequests = new LabelledCounter(
    'zoho_auth_proxy_requests_total',
    'Requests through /api/v1/proxy, by the HTTP status answered to the caller.',
  )
  readonly proxyDuration = new Histogram(
    'zoho_auth_proxy_duration_seconds',
    "Time from a proxy request's arrival to the response headers (the body streams after).",
    PROXY_BUCKETS,
  )

  countRefresh(outcome: RefreshOutcome): void {
    this.refreshes.inc({ outcome })
  }

  countTokenEndpointRequest(grantType: string): void {
    this.tokenEndpointRequests.inc({ grant_type: grantType })
  }

  observeProxy(status: number, seconds: number): void {
    this.proxyRequests.inc({ status: String(status) })
    this.proxyDuration.observe(seconds)
  }

  /** Prometheus text exposition format, with `extra` families (the scrape-time gauges) last. */
  render(extra: readonly MetricFamily[] = []): string {
    return renderFamilies([
      this.refreshes.family(),
      this.tokenEndpointRequests.family(),
      this.proxyRequests.family(),
      this.proxyDuration.family(),
      ...extra,
    ])
  }
}
