/**
 * A broker on a real socket for end-to-end tests: the emulator on its own port (every DC under a
 * path), the broker app from `createBrokerApp` served by @hono/node-server on port 0, talking to
 * the emulator over HTTP with the platform's fetch, and the emulator's server client registered
 * with the broker's real redirect URI. A memory store unless one is passed.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { emulatorDataCenters } from '../../src/protocol/data-centers.js'
import { createBrokerApp } from '../../src/server/app.js'
import { brokerSecrets, clientsFromStore } from '../../src/server/broker.js'
import { capturingLogger } from '../../src/server/test-support.js'
import type { BrokerDeps, BrokerSettings, LogEntry } from '../../src/server/deps.js'
import { BrokerMetrics } from '../../src/server/ops/metrics.js'
import { KeyRing, generateEncryptionKey } from '../../src/stores/crypto.js'
import { MemoryStore } from '../../src/stores/memory.js'
import type { ConnectionStore } from '../../src/stores/store.js'
import { TokenManager } from '../../src/tokens/manager.js'

export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef0123'
export const E2E_USER = 'ada@example.com'

export interface RunningBroker {
  /** The broker's base URL (`http://127.0.0.1:PORT`), also its public URL. */
  url: string
  emulator: RunningEmulator
  deps: BrokerDeps
  /** Every log line the broker wrote. */
  logs: Array<LogEntry & { level: string }>
  serverClient: { clientId: string; clientSecret: string }
  close(): Promise<void>
}

async function control(
  emulator: RunningEmulator,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

/** Starts the emulator and a broker in front of it; `close()` stops both. */
export async function startBrokerServer(
  options: { store?: ConnectionStore; settings?: Partial<BrokerSettings> } = {},
): Promise<RunningBroker> {
  const emulator = await startEmulator({ seed: 7 })
  // The broker's port decides its redirect URI, so the app is plugged in once it is known.
  let handler: (request: Request) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 })
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: (request) => handler(request), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s),
    )
    s.once('error', reject)
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await control(emulator, 'users', { email: E2E_USER, dc: 'us' })
  const client = await control(emulator, 'clients', {
    type: 'server',
    redirect_uris: [`${url}/oauth/callback`],
    dcs: ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'uk', 'cn'],
  })
  const serverClient = {
    clientId: String(client.client_id),
    clientSecret: String(client.client_secret),
  }
  const store = options.store ?? new MemoryStore()
  const dataCenters = emulatorDataCenters(emulator.url)
  const manager = new TokenManager({
    store,
    client: serverClient,
    resolveClient: clientsFromStore(store),
    dataCenters,
    allowInsecureHTTP: true,
  })
  const { logs, logger } = capturingLogger()
  const deps: BrokerDeps = {
    manager,
    store,
    settings: {
      publicUrl: url,
      redirectUri: `${url}/oauth/callback`,
      adminToken: E2E_ADMIN_TOKEN,
      defaultDc: 'us',
      defaultScopes: ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ'],
      returnToOrigins: [],
      maxBodyBytes: 1024 * 1024,
      sandboxEmulatorUrl: emulator.url,
      ...options.settings,
    },
    client: serverClient,
    dataCenters,
    allowInsecureHTTP: true,
    secrets: brokerSecrets(KeyRing.parse(generateEncryptionKey())),
    now: Date.now,
    fetch: globalThis.fetch,
    logger,
    metrics: new BrokerMetrics(),
    webhooks: null,
  }
  const app = createBrokerApp(deps)
  handler = (request) => app.fetch(request)
  return {
    url,
    emulator,
    deps,
    logs,
    serverClient,
    close: async () => {
      await manager.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      await emulator.close()
      await store.close()
    },
  }
}
