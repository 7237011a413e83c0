/**
 * The broker's Prometheus metrics (`GET /metrics`). Placeholder until the ops work lands: the
 * class exists so the app and its dependencies can be built.
 */
export class BrokerMetrics {
  /** Prometheus text exposition format. */
  async render(): Promise<string> {
    return ''
  }
}
