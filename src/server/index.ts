/** `zoho-auth/server`: the broker as a Hono app you can mount, test or serve. */
export { createBrokerApp } from './app.js'
export type { BrokerDeps, BrokerSettings, BrokerLogger, BrokerSecrets, LogEntry } from './deps.js'
export { createApiKey, hashApiKey } from './api-keys.js'
export { mintConnectLink, redeemConnectLink, CONNECT_LINK_TTL_MS } from './connect-link.js'
export { BrokerMetrics } from './ops/metrics.js'
export type { RefreshOutcome } from './ops/metrics.js'
export { instrumentFetch } from './ops/instrument-fetch.js'
export { createJsonLogger } from './ops/logger.js'
export type { JsonLoggerOptions } from './ops/logger.js'
export { createWebhookSender, parseWebhookSecret, signWebhook } from './ops/webhooks.js'
export type {
  WebhookData,
  WebhookEventType,
  WebhookSender,
  WebhookSenderOptions,
} from './ops/webhooks.js'
export { attachOps } from './ops/events.js'
export { quotaMintsLeft } from './ops/metrics-scrape.js'
export { openBroker, brokerSettings, DEFAULT_MAX_BODY_BYTES } from './broker.js'
export type { Broker, BrokerOptions } from './broker.js'
