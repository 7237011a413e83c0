/** `zoho-auth/server`: the broker as a Hono app you can mount, test or serve. */
export { createBrokerApp } from './app.js'
export type { BrokerDeps, BrokerSettings, BrokerLogger, BrokerSecrets, LogEntry } from './deps.js'
export { createApiKey, hashApiKey } from './api-keys.js'
export { mintConnectLink, redeemConnectLink, CONNECT_LINK_TTL_MS } from './connect-link.js'
export { openBroker, brokerSettings, DEFAULT_MAX_BODY_BYTES } from './broker.js'
export type { Broker, BrokerOptions } from './broker.js'
