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

export const REDIRECT = 'http://localhost:3001/oauth/callback'

export async function serverClient(
  emulator: Emulator,
  options: { dcs?: string[]; dc_secrets?: string[]; type?: string } = {},
): Promise<Registered> {
  return (await control(emulator, 'clients', {
    type: options.type ?? 'server',
    redirect_uris: [REDIRECT],
    dcs: options.dcs ?? ['us'],
    ...(options.dc_secrets ? { dc_secrets: options.dc_secrets } : {}),
  })) as Json & Registered
}

/** GET the authorize URL and return the redirect's Location (or the page's status). */
export async function authorize(
  emulator: Emulator,
  dc: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; location: string; cookie: string; text: string }> {
  const response = await emulator.fetch(
    new Request(`${BASE}/${dc}/accounts/oauth/v2/auth?${new URLSearchParams(params)}`, {
      headers,
    }),
  )
  return {
    status: response.status,
    location: response.headers.get('location') ?? '',
    cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    text: await response.text(),
  }
}

/** Runs the code flow headlessly and exchanges the code where the callback says. */
export async function codeFlowTokens(
  emulator: Emulator,
  client: Registered,
  email: string,
  extra: Record<string, string> = {},
): Promise<Json> {
  const { location } = await authorize(emulator, 'us', {
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'ZohoCRM.users.READ,AaaServer.profile.READ',
    access_type: 'offline',
    emulator_login: email,
    ...extra,
  })
  const callback = new URL(location)
  const dc = callback.searchParams.get('location') ?? ''
  const { body } = await post(emulator, tokenURL(dc), {
    grant_type: 'authorization_code',
    client_id: client.client_id,
    client_secret: client.dc_secrets?.[dc] ?? client.client_secret,
    redirect_uri: REDIRECT,
    code: callback.searchParams.get('code') ?? '',
  })
  return body
}
