/**
 * What the broker app is built from. `createBrokerApp(deps)` never opens a socket or a database:
 * whoever calls it (the `serve` command, a test) opens the store, builds the manager and passes
 * them in, so route tests run with `app.request()` against a memory store and an emulator.
 */
import type { DataCenterLocation, DataCenterTable } from '../protocol/data-centers.js'
import type { ConnectionStore } from '../stores/store.js'
import type { TokenManager } from '../tokens/manager.js'
import type { OAuthClient } from '../tokens/types.js'
import type { BrokerMetrics } from './ops/metrics.js'
import type { WebhookSender } from './ops/webhooks.js'

export interface BrokerSettings {
  /** Where people reach this broker, e.g. `http://localhost:3001`, without a trailing slash. */
  publicUrl: string
  /** The redirect URI registered at Zoho; `{publicUrl}/oauth/callback` unless configured. */
  redirectUri: string
  /** The bearer for the API and the UI's sign-in. Never logged, never rendered. */
  adminToken: string
  /** The DC a connect flow starts in when none is asked for (the client's home DC). */
  defaultDc: DataCenterLocation
  /** Scopes a connect flow asks for when none are given. */
  defaultScopes: string[]
  /** Origins (`https://app.example.com`) a connect flow may send the person back to. */
  returnToOrigins: string[]
  /** The largest request body the API and the proxy accept, in bytes. */
  maxBodyBytes: number
  /** Set in sandbox mode: the built-in emulator's base URL, shown in the UI's banner. */
  sandboxEmulatorUrl?: string
}

/** A line of the broker's JSON log. Writers redact; callers never pass a secret on purpose. */
export type LogEntry = Record<string, unknown> & { msg: string }

export interface BrokerLogger {
  info(entry: LogEntry): void
  warn(entry: LogEntry): void
  error(entry: LogEntry): void
}

/** Signing secrets, derived from the encryption key ring (primary first; verify with any). */
export interface BrokerSecrets {
  state: Buffer[]
  session: Buffer[]
  connectLink: Buffer[]
}

export interface BrokerDeps {
  manager: TokenManager
  store: ConnectionStore
  settings: BrokerSettings
  /** The broker's own OAuth client, used by `/connect`; absent → connect flow is unavailable. */
  client: OAuthClient | undefined
  dataCenters: DataCenterTable
  /** True only when the DC table is the emulator's on loopback. */
  allowInsecureHTTP: boolean
  secrets: BrokerSecrets
  now: () => number
  /** Every request the broker sends to Zoho goes through this (so it can be counted). */
  fetch: typeof fetch
  logger: BrokerLogger
  metrics: BrokerMetrics
  /** Delivers connection events to ZOHO_AUTH_WEBHOOK_URL; null when none is configured. */
  webhooks: WebhookSender | null
}
