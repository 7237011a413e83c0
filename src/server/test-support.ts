/**
 * @internal Route tests build the whole broker in-process: an emulator (answering through
 * `emulator.fetch`, never a socket), a memory store, a real TokenManager, and the app from
 * `createBrokerApp`. `request()` is `app.request()` with the admin bearer unless told otherwise.
 * The logger keeps every line so a test can scan them for secrets.
 */
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js'
import { emulatorDataCenters } from '../protocol/data-centers.js'
import { KeyRing, generateEncryptionKey } from '../stores/crypto.js'
import { MemoryStore } from '../stores/memory.js'
import type { ConnectionStore } from '../stores/store.js'
import { TokenManager } from '../tokens/manager.js'
import { createBrokerApp } from './app.js'
import { brokerSecrets, clientsFromStore } from './broker.js'
import type { BrokerDeps, BrokerLogger, BrokerSettings, LogEntry } from './deps.js'
import { instrumentFetch } from './ops/instrument-fetch.js'
import { BrokerMetrics } from './ops/metrics.js'

// Loopback, so the protocol layer allows plain http; never dialled: emulator.fetch answers.
export const BASE = 'http://127.0.0.1:9'
export const PUBLIC_URL = 'http://localhost:3001'
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'
export const USER = 'ada@example.com'

export type Json = Record<string, unknown>

export interface BrokerHarness {
  emulator: Emulator
  deps: BrokerDeps
  app: ReturnType<typeof createBrokerApp>
  logs: Array<LogEntry & { level: string }>
  /** The server client the broker's /connect uses. */
  serverClient: { clientId: string; clientSecret: string }
  /** `app.request(path)` with `Authorization: Bearer <admin token>` unless `headers` says else. */
  request(path: string, init?: RequestInit): Promise<Response>
  /** The emulator's control API (`/__emulator/<path>`). */
  control(path: string, body?: unknown, method?: string): Promise<Json>
  /** Creates connection `id` from a fresh Self Client code of `USER` (through the manager). */
  connect(id: string, scope?: string): Promise<void>
  /** Refresh-token grants the emulator's token endpoint answered. */
  refreshes(): number
  close(): Promise<void>
}

/** A BrokerLogger that keeps every line (with its level), for tests that scan the log. */
export function capturingLogger(): {
  logs: Array<LogEntry & { level: string }>
  logger: BrokerLogger
} {
  const logs: Array<LogEntry & { level: string }> = []
  const at =
    (level: string) =>
    (entry: LogEntry): void => {
      logs.push({ level, ...entry })
    }
  return { logs, logger: { info: at('info'), warn: at('warn'), error: at('error') } }
}

export async function brokerHarness(
  options: {
    emulator?: EmulatorOptions
    settings?: Partial<BrokerSettings>
    store?: ConnectionStore
    deps?: Partial<BrokerDeps>
  } = {},
): Promise<BrokerHarness> {
  const emulator = createEmulator({ seed: 7, ...options.emulator })
  const metrics = new BrokerMetrics()
  // As serve composes it: every request to Zoho (the manager's too) is counted.
  const fetchImpl = instrumentFetch(metrics, async (input, init) =>
    emulator.fetch(new Request(input, init)),
  )
  const control = async (path: string, body?: unknown, method?: string): Promise<Json> => {
    const response = await emulator.fetch(
      new Request(`${BASE}/__emulator/${path}`, {
        method: method ?? (body === undefined ? 'GET' : 'POST'),
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    )
    return (await response.json()) as Json
  }
  await control('users', { email: USER, dc: 'us' })
  const server = await control('clients', {
    type: 'server',
    redirect_uris: [`${PUBLIC_URL}/oauth/callback`],
    dcs: ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'],
  })
  const self = await control('clients', { type: 'self', dcs: ['us'] })
  const serverClient = {
    clientId: String(server.client_id),
    clientSecret: String(server.client_secret),
  }
  const store = options.store ?? new MemoryStore()
  const dataCenters = emulatorDataCenters(BASE)
  const manager = new TokenManager({
    store,
    client: serverClient,
    resolveClient: clientsFromStore(store),
    dataCenters,
    allowInsecureHTTP: true,
    fetch: fetchImpl,
  })
  const { logs, logger } = capturingLogger()
  const deps: BrokerDeps = {
    manager,
    store,
    settings: {
      publicUrl: PUBLIC_URL,
      redirectUri: `${PUBLIC_URL}/oauth/callback`,
      adminToken: ADMIN_TOKEN,
      defaultDc: 'us',
      defaultScopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ'],
      returnToOrigins: ['https://app.example.com'],
      maxBodyBytes: 1024 * 1024,
      ...options.settings,
    },
    client: serverClient,
    dataCenters,
    allowInsecureHTTP: true,
    secrets: brokerSecrets(KeyRing.parse(generateEncryptionKey())),
    now: Date.now,
    fetch: fetchImpl,
    logger,
    metrics,
    webhooks: null,
    ...options.deps,
  }
  const app = createBrokerApp(deps)
  return {
    emulator,
    deps,
    app,
    logs,
    serverClient,
    request: (path, init = {}) => {
      const headers = new Headers(init.headers)
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${ADMIN_TOKEN}`)
      return Promise.resolve(app.request(path, { ...init, headers }))
    },
    control,
    connect: async (id, scope) => {
      const { code } = await control('self-client/code', {
        client_id: self.client_id,
        scope:
          scope ?? 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ',
        email: USER,
      })
      await store.saveClient(
        {
          clientId: String(self.client_id),
          clientSecret: String(self.client_secret),
          dcSecrets: {},
        },
        Date.now(),
      )
      await manager.createFromCode({
        id,
        code: String(code),
        clientId: String(self.client_id),
      })
    },
    refreshes: () => emulator.stats().token_endpoint.refresh_token,
    close: async () => {
      await manager.close()
      await store.close()
    },
  }
}
