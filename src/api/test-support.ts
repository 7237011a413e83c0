/**
 * @internal The API client's unit tests run against the emulator in-process: a real TokenManager
 * on a memory store, a connection made from a Self Client code, and a fetch that hands every
 * request to `emulator.fetch` (counting them, and letting a test answer some itself).
 */
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js'
import { emulatorDataCenters } from '../protocol/data-centers.js'
import { MemoryStore } from '../stores/memory.js'
import { TokenManager } from '../tokens/manager.js'
import { ZohoApiClient, type ZohoApiClientOptions } from './client.js'

// Loopback, so the protocol layer allows plain http; never dialled: emulator.fetch answers.
export const BASE = 'http://127.0.0.1:9'

export type Json = Record<string, unknown>

/** Answers a request instead of the emulator; return undefined to let the emulator answer. */
export type Intercept = (
  request: Request,
  nth: number,
) => Promise<Response | undefined> | Response | undefined

export interface Harness {
  emulator: Emulator
  manager: TokenManager
  client: ZohoApiClient
  /** Every API request (not token requests) the client sent, in order. */
  apiRequests: Request[]
  /** Set to answer API requests before the emulator does. */
  intercept: Intercept | undefined
  fetch: typeof fetch
  control(path: string, body?: unknown, method?: string): Promise<Json>
  refreshes(): number
  /** Makes the emulator's clock pass the token's life: Zoho refuses it, the client still trusts it. */
  expireTokenAtZoho(): Promise<void>
  newClient(options?: Partial<ZohoApiClientOptions>): ZohoApiClient
  close(): Promise<void>
}

export async function apiHarness(
  options: {
    scope?: string
    emulator?: EmulatorOptions
    client?: Partial<ZohoApiClientOptions>
  } = {},
): Promise<Harness> {
  const emulator = createEmulator({ seed: 11, ...options.emulator })
  const apiRequests: Request[] = []
  const harness = { intercept: undefined as Intercept | undefined }
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    if (new URL(request.url).pathname.includes('/api/')) {
      apiRequests.push(request.clone())
      const answer = await harness.intercept?.(request, apiRequests.length)
      if (answer !== undefined) return answer
    }
    return emulator.fetch(request)
  }
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
  await control('users', { email: 'ada@example.com', dc: 'us' })
  const registered = await control('clients', { type: 'self', dcs: ['us'] })
  const { code } = await control('self-client/code', {
    client_id: registered.client_id,
    scope:
      options.scope ??
      'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.READ,ZohoCRM.org.READ,ZohoInvoice.fullaccess.all',
    email: 'ada@example.com',
  })
  const manager = new TokenManager({
    store: new MemoryStore(),
    client: {
      clientId: String(registered.client_id),
      clientSecret: String(registered.client_secret),
    },
    dataCenters: emulatorDataCenters(BASE),
    allowInsecureHTTP: true,
    fetch: fetchImpl,
  })
  await manager.createFromCode({ id: 'default', code: String(code) })
  await control('stats/reset', {})
  // Creating the connection asked CRM who granted it; tests count only their own calls.
  apiRequests.length = 0
  const newClient = (extra: Partial<ZohoApiClientOptions> = {}): ZohoApiClient =>
    new ZohoApiClient({
      manager,
      connectionId: 'default',
      fetch: fetchImpl,
      allowInsecureHTTP: true,
      sleep: async () => undefined,
      ...options.client,
      ...extra,
    })
  return Object.assign(harness, {
    emulator,
    manager,
    client: newClient(),
    apiRequests,
    fetch: fetchImpl,
    control,
    refreshes: () => emulator.stats().token_endpoint.refresh_token,
    expireTokenAtZoho: async () => {
      await control('clock', { advance_seconds: 3700 })
    },
    newClient,
    close: () => manager.close(),
  })
}

/** A CRM-shaped JSON answer. */
export function crmAnswer(
  status: number,
  body: Json,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}
