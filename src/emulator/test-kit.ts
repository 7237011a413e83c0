/**
 * Helpers for the emulator's own tests: drive the control API and the token endpoint in-process.
 * @internal
 */
import type { Emulator } from './app.js'

export const BASE = 'http://emulator.test'

export type Json = Record<string, unknown>

let userCounter = 0

export async function control(
  emulator: Emulator,
  path: string,
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): Promise<Json> {
  const response = await emulator.fetch(
    new Request(`${BASE}/__emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
  return (await response.json()) as Json
}

export type Encoding = 'query' | 'urlencoded' | 'multipart'

export async function post(
  emulator: Emulator,
  url: string,
  params: Record<string, string>,
  encoding: Encoding = 'urlencoded',
): Promise<{ status: number; body: Json }> {
  let request: Request
  if (encoding === 'query') {
    request = new Request(`${url}?${new URLSearchParams(params)}`, { method: 'POST' })
  } else if (encoding === 'urlencoded') {
    request = new Request(url, { method: 'POST', body: new URLSearchParams(params) })
  } else {
    const form = new FormData()
    for (const [k, v] of Object.entries(params)) form.append(k, v)
    request = new Request(url, { method: 'POST', body: form })
  }
  const response = await emulator.fetch(request)
  return { status: response.status, body: (await response.json()) as Json }
}

export function tokenURL(dc: string): string {
  return `${BASE}/${dc}/accounts/oauth/v2/token`
}

export interface Registered {
  client_id: string
  client_secret: string
  dc_secrets?: Record<string, string>
}

export async function selfClientTokens(
  emulator: Emulator,
  options: { dc?: string; email?: string; scope?: string } = {},
): Promise<{ client: Registered; tokens: Json }> {
  const dc = options.dc ?? 'us'
  const email = options.email ?? `dev-${++userCounter}@example.com`
  await control(emulator, 'users', { email, dc })
  const client = (await control(emulator, 'clients', { type: 'self', dcs: [dc] })) as Json &
    Registered
  const { code } = await control(emulator, 'self-client/code', {
    client_id: client.client_id,
    scope: options.scope ?? 'ZohoCRM.users.READ',
    minutes: 3,
    email,
  })
  const { body } = await post(emulator, tokenURL(dc), {
    grant_type: 'authorization_code',
    client_id: client.client_id,
    client_secret: client.client_secret,
    code: String(code),
  })
  return { client, tokens: body }
}
