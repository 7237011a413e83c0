/**
 * The broker put together from a `Config`: the store (SQLite or PostgreSQL, under the key ring),
 * the one TokenManager, the signing secrets, and the app from `createBrokerApp`. `openBroker`
 * opens no socket: `zoho-auth serve` listens, tests call `app.request()` or serve it themselves.
 */
import type { Hono } from 'hono'
import type { Config } from '../config.js'
import { openStoreWithKeyRing } from '../cli/runtime.js'
import { dataCenterTable, type DataCenterTable } from '../protocol/data-centers.js'
import { ConfigError } from '../config-error.js'
import type { KeyRing } from '../stores/crypto.js'
import { resolveKeyRing } from '../stores/key-file.js'
import type { ConnectionStore } from '../stores/store.js'
import { TokenManager } from '../tokens/manager.js'
import type { OAuthClient } from '../tokens/types.js'
import { createBrokerApp } from './app.js'
import type { BrokerDeps, BrokerLogger, BrokerSecrets, BrokerSettings } from './deps.js'
import { attachOps } from './ops/events.js'
import { instrumentFetch } from './ops/instrument-fetch.js'
import { lineBuffer } from './ops/line-buffer.js'
import { createJsonLogger } from './ops/logger.js'
import { BrokerMetrics } from './ops/metrics.js'
import { createWebhookSender, type WebhookSender } from './ops/webhooks.js'

/** Request bodies (API and proxy) above this are refused with 413: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

export interface BrokerOptions {
  config: Config
  /** The admin bearer (resolveAdminToken). */
  adminToken: string
  /**
   * Where people reach the broker. Default: the origin of `ZOHO_REDIRECT_URI`, whose path is the
   * callback; when given (sandbox mode), the callback is `{publicUrl}/oauth/callback`.
   */
  publicUrl?: string
  /** Default: ZOHO_AUTH_ENCRYPTION_KEY, else the key file. Sandbox mode passes its own. */
  keyRing?: KeyRing
  /** Default: the emulator's when ZOHO_EMULATOR_URL is set, else Zoho's. */
  dataCenters?: DataCenterTable
  /** Set in sandbox mode: shown in the UI's banner. */
  sandboxEmulatorUrl?: string
  /** Told what an operator should know before the broker starts (a generated key file). */
  onWarning?: (message: string) => void
  logger?: BrokerLogger
  fetch?: typeof fetch
  now?: () => number
}

export interface Broker {
  app: Hono
  deps: BrokerDeps
  /** Stops the manager (in-flight refreshes finish or release their lease), then the store. */
  close(): Promise<void>
}

/** Opens the store and builds everything the app needs; closes what it opened if that fails. */
export async function openBroker(options: BrokerOptions): Promise<Broker> {
  const { config } = options
  const keyRing = options.keyRing ?? configuredKeyRing(config, options.onWarning)
  const store = await openStoreWithKeyRing(config, keyRing)
  try {
    return assemble(options, keyRing, store)
  } catch (error) {
    await store.close()
    throw error
  }
}

function configuredKeyRing(config: Config, onWarning?: (message: string) => void): KeyRing {
  const { keyRing, warning } = resolveKeyRing(
    { ZOHO_AUTH_ENCRYPTION_KEY: config.encryptionKey },
    config.keyFilePath,
  )
  if (warning) onWarning?.(warning)
  return keyRing
}

function assemble(options: BrokerOptions, keyRing: KeyRing, store: ConnectionStore): Broker {
  const { config } = options
  const metrics = new BrokerMetrics()
  // Every request to Zoho's token endpoint is counted, whoever sends it (manager or routes).
  const fetchImpl = instrumentFetch(metrics, options.fetch ?? globalThis.fetch)
  const now = options.now ?? Date.now
  const dataCenters = options.dataCenters ?? dataCenterTable({ emulatorURL: config.emulatorURL })
  // Only the emulator speaks plain HTTP, and the protocol layer still refuses it off loopback.
  const allowInsecureHTTP =
    options.sandboxEmulatorUrl !== undefined || config.emulatorURL !== undefined
  const client: OAuthClient | undefined =
    config.clientId && config.clientSecret
      ? {
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          dcSecrets: config.dcSecrets,
        }
      : undefined
  const logLines = lineBuffer((text) => process.stderr.write(text))
  // At exit, whatever the turn had not written yet (a crash's last lines included).
  const flushAtExit = (): void => logLines.flush()
  process.on('exit', flushAtExit)
  const logger =
    options.logger ??
    createJsonLogger((line) => logLines.write(line), { secrets: [options.adminToken] })
  // Checked before anything else is built, so a bad webhook setting leaves nothing to close.
  const webhooks = webhookSender(config, options.fetch ?? globalThis.fetch, logger, now)
  const manager = new TokenManager({
    store,
    client,
    // A connection brought with another client's code or refresh token refreshes with that
    // client's id and secret, kept encrypted in the store beside it.
    resolveClient: clientsFromStore(store),
    dataCenters,
    allowInsecureHTTP,
    fetch: fetchImpl,
    now,
  })
  const deps: BrokerDeps = {
    manager,
    store,
    settings: brokerSettings(options),
    client,
    dataCenters,
    allowInsecureHTTP,
    secrets: brokerSecrets(keyRing),
    now,
    fetch: fetchImpl,
    logger,
    metrics,
    webhooks,
  }
  const detachOps = attachOps(deps)
  const app = createBrokerApp(deps)
  return {
    app,
    deps,
    close: async () => {
      detachOps()
      await deps.webhooks?.close()
      try {
        await manager.close()
      } finally {
        await store.close()
        logLines.flush()
        process.off('exit', flushAtExit)
      }
    },
  }
}

/** What the app is told about itself, from the config (and sandbox mode's own URL). */
export function brokerSettings(
  options: Pick<BrokerOptions, 'config' | 'adminToken' | 'publicUrl' | 'sandboxEmulatorUrl'>,
): BrokerSettings {
  const { config } = options
  const publicUrl = (options.publicUrl ?? new URL(config.redirectURI).origin).replace(/\/+$/, '')
  return {
    publicUrl,
    redirectUri:
      options.publicUrl === undefined ? config.redirectURI : `${publicUrl}/oauth/callback`,
    adminToken: options.adminToken,
    defaultDc: config.dc,
    defaultScopes: config.scopes,
    returnToOrigins: config.allowedOrigins,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    ...(options.sandboxEmulatorUrl === undefined
      ? {}
      : { sandboxEmulatorUrl: options.sandboxEmulatorUrl }),
  }
}

/** The broker's signing secrets, one purpose each, derived from the encryption key ring. */
export function brokerSecrets(keyRing: KeyRing): BrokerSecrets {
  return {
    state: keyRing.deriveSecrets('state'),
    session: keyRing.deriveSecrets('session'),
    connectLink: keyRing.deriveSecrets('connect-link'),
  }
}

/** Looks OAuth clients up in the store, where connections brought by another client keep it. */
export function clientsFromStore(
  store: ConnectionStore,
): (clientId: string) => Promise<OAuthClient | null> {
  return async (clientId) => {
    const stored = await store.getClient(clientId)
    return stored === null
      ? null
      : { clientId, clientSecret: stored.clientSecret, dcSecrets: stored.dcSecrets }
  }
}

/** The webhook sender, or null without ZOHO_AUTH_WEBHOOK_URL; a URL without its secret is refused. */
function webhookSender(
  config: Config,
  fetchImpl: typeof fetch,
  logger: BrokerLogger,
  now: () => number,
): WebhookSender | null {
  if (config.webhook === undefined) return null
  if (config.webhook.secret === undefined) {
    throw new ConfigError(
      'ZOHO_AUTH_WEBHOOK_URL is set but ZOHO_AUTH_WEBHOOK_SECRET is not',
      "Set ZOHO_AUTH_WEBHOOK_SECRET to the receiver's signing secret, whsec_ followed by base64 (e.g. whsec_$(openssl rand -base64 32)), or unset ZOHO_AUTH_WEBHOOK_URL.",
    )
  }
  return createWebhookSender({
    url: config.webhook.url,
    secret: config.webhook.secret,
    fetch: fetchImpl,
    logger,
    now,
  })
}
