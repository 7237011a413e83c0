/**
 * End-to-end tests drive a real emulator over a real socket, the way a user's process would meet
 * Zoho. This kit starts one and wraps its control API.
 */
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { emulatorDataCenters, type DataCenterTable } from '../../src/protocol/data-centers.js'

export type Json = Record<string, unknown>

export interface TestEmulator {
  url: string
  running: RunningEmulator
  dataCenters: DataCenterTable
  control(path: string, body?: unknown, method?: string): Promise<Json>
  client(options?: {
    type?: string
    dcs?: string[]
    redirect_uris?: string[]
    dc_secrets?: string[]
  }): Promise<TestClient>
  user(email: string, dc?: string): Promise<{ zuid: string; email: string; dc: string }>
  selfClientCode(options: {
    client_id: string
    scope: string
    email: string
    minutes?: number
  }): Promise<string>
  stats(): Promise<Stats>
  close(): Promise<void>
}

export interface TestClient {
  client_id: string
  client_secret: string
  dc_secrets?: Record<string, string>
}

export interface Stats {
  token_endpoint: Record<string, number>
  token_errors: Record<string, number>
  by_dc: Record<string, { token_endpoint: Record<string, number> }>
  by_client: Record<string, { token_endpoint: Record<string, number> }>
  [key: string]: unknown
}

export const REDIRECT_URI = 'http://localhost:3001/oauth/callback'

export async function startTestEmulator(settings: Json = {}): Promise<TestEmulator> {
  const running = await startEmulator({ port: 0, seed: 42 })
  const url = running.url
  const control = async (path: string, body?: unknown, method?: string): Promise<Json> => {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await response.json()) as Json
    if (!response.ok)
      throw new Error(`emulator control ${path}: HTTP ${response.status} ${JSON.stringify(json)}`)
    return json
  }
  if (Object.keys(settings).length > 0) await control('settings', settings)
  return {
    url,
    running,
    dataCenters: emulatorDataCenters(url),
    control,
    client: async (options = {}) =>
      (await control('clients', {
        type: options.type ?? 'server',
        redirect_uris: options.redirect_uris ?? [REDIRECT_URI],
        dcs: options.dcs ?? ['us'],
        ...(options.dc_secrets ? { dc_secrets: options.dc_secrets } : {}),
      })) as unknown as TestClient,
    user: async (email, dc = 'us') =>
      (await control('users', { email, dc })) as unknown as {
        zuid: string
        email: string
        dc: string
      },
    selfClientCode: async (options) =>
      (await control('self-client/code', { minutes: 3, ...options })).code as string,
    stats: async () => (await control('stats')) as unknown as Stats,
    close: () => running.close(),
  }
}

/** Follows an authorize URL headlessly (emulator_login) and returns the redirect it answers with. */
export async function approve(authorizeURL: URL, email: string, decision?: 'deny'): Promise<URL> {
  const url = new URL(authorizeURL)
  url.searchParams.set('emulator_login', email)
  if (decision) url.searchParams.set('emulator_decision', decision)
  const response = await fetch(url, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (!location)
    throw new Error(
      `authorize answered HTTP ${response.status} without a redirect: ${await response.text()}`,
    )
  return new URL(location)
}
