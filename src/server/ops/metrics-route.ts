/** `GET /metrics`. Placeholder until the ops work lands. */
import type { Hono } from 'hono'
import type { BrokerDeps } from '../deps.js'

export function metricsRoute(_app: Hono, _deps: BrokerDeps): void {}
