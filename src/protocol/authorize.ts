/**
 * The browser half of OAuth: authorization URLs for the code and implicit flows, PKCE, and
 * reading the redirect Zoho sends back. The callback's `accounts-server` is attacker-controlled
 * input, so it is only ever answered with a data centre from the trusted table.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 */
import { trustedApiDomain } from './data-centers.js'
import type { DataCenter, DataCenterLocation, DataCenterTable } from './data-centers.js'
import {
  CallbackError,
  ERR_INSECURE_URL,
  UntrustedAccountsServerError,
  ZohoAuthError,
  remedyFor,
} from './errors.js'
import { plausibleLifetime } from './token-response.js'

function authorizeEndpoint(accountsServer: string, path: string): URL {
  const url = `${accountsServer.trim().replace(/\/+$/, '')}${path}`
  if (URL.canParse(url)) return new URL(url)
  throw new ZohoAuthError(
    ERR_INSECURE_URL,
    `The accounts server "${accountsServer}" is not a URL`,
    {
      remedy:
        'Pass the accounts server of a data centre from the table (dataCenterTable()), e.g. https://accounts.zoho.com, or check ZOHO_EMULATOR_URL.',
    },
  )
}

/**
 * The URL that starts the authorization-code flow. Zoho sends a refresh token only with
 * `accessType: 'offline'`, and on re-consent only with `prompt: 'consent'` as well.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/authorization.html
 */
export function buildAuthorizationURL(p: {
  accountsServer: string
  clientId: string
  redirectURI: string
  scopes: string[]
  state: string
  accessType?: 'offline' | 'online'
  prompt?: 'consent'
  codeChallenge?: string
  codeChallengeMethod?: 'S256' | 'plain'
}): URL {
  const url = authorizeEndpoint(p.accountsServer, '/oauth/v2/auth')
  const q = url.searchParams
  q.set('client_id', p.clientId)
  q.set('response_type', 'code')
  q.set('redirect_uri', p.redirectURI)
  // Zoho separates scopes by commas, not the spaces of RFC 6749.
  q.set('scope', p.scopes.join(','))
  if (p.accessType) q.set('access_type', p.accessType)
  if (p.prompt) q.set('prompt', p.prompt)
  q.set('state', p.state)
  if (p.codeChallenge !== undefined) {
    q.set('code_challenge', p.codeChallenge)
    // Zoho defaults the method to `plain`: name S256 explicitly.
    q.set('code_challenge_method', p.codeChallengeMethod ?? 'S256')
  }
  return url
}

interface ImplicitParams {
  accountsServer: string
  clientId: string
  redirectURI: string
  scopes: string[]
  state: string
}

function implicitURL(path: string, p: ImplicitParams): URL {
  const url = authorizeEndpoint(p.accountsServer, path)
  const q = url.searchParams
  q.set('client_id', p.clientId)
  q.set('response_type', 'token')
  q.set('redirect_uri', p.redirectURI)
  q.set('scope', p.scopes.join(','))
  q.set('state', p.state)
  return url
}

/**
 * The implicit flow for client-based (browser) apps: the access token (1 h, no refresh token)
 * comes back in the redirect's fragment.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/javascript-applications.html
 */
export function buildImplicitAuthorizationURL(p: ImplicitParams): URL {
  return implicitURL('/oauth/v2/auth', p)
}

/**
 * A new implicit-flow access token by redirect, without the user acting — only while their Zoho
 * session lives and they granted session-long access.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/javascript-applications.html
 */
export function buildImplicitRefreshURL(p: ImplicitParams): URL {
  return implicitURL('/oauth/v2/auth/refresh', p)
}

function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/**
 * The S256 code challenge of a PKCE verifier: base64url(SHA-256(verifier)).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}

/**
 * A fresh PKCE pair: a 43-character base64url verifier from 32 random bytes and its S256
 * challenge. `randomBytes` is injectable for tests.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/mobile-and-desktop-apps/get-authorization-code.html
 */
export async function generatePKCE(
  o: { randomBytes?: (length: number) => Uint8Array } = {},
): Promise<{ verifier: string; challenge: string; method: 'S256' }> {
  const bytes = o.randomBytes ? o.randomBytes(32) : crypto.getRandomValues(new Uint8Array(32))
  const verifier = base64url(bytes)
  return { verifier, challenge: await pkceChallenge(verifier), method: 'S256' }
}

/**
 * A redirect accepted from Zoho. `dataCenter` and `accountsServer` come from the trusted table,
 * never from the query string.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface AuthorizationCallback {
  code: string
  state: string | undefined
  dataCenter: DataCenter
  location: DataCenterLocation
  accountsServer: string
}

/**
 * Options for reading a redirect: the trusted DC table, and the state this login expects.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface CallbackOptions {
  dataCenters: DataCenterTable
  /** When set, a callback with any other `state` is refused. */
  expectedState?: string
  /** The DC to assume when Zoho names none (the DC the authorize request went to). */
  defaultLocation?: DataCenterLocation
}

function toURL(url: string | URL): URL {
  if (url instanceof URL) return url
  try {
    return new URL(url)
  } catch {
    // A bare query (`?code=…`) or path pasted by a person.
    return new URL(url, 'http://callback.invalid/')
  }
}

function refusedOrFailed(params: URLSearchParams): void {
  const error = params.get('error')
  if (!error) return
  if (error === 'access_denied') {
    throw new CallbackError({
      reason: 'access_denied',
      error,
      message:
        'Zoho did not grant access: the user declined, or the client asked for too many codes',
      remedy: remedyFor('access_denied'),
    })
  }
  throw new CallbackError({
    reason: 'zoho_error',
    error,
    message: `Zoho redirected back with error "${error}"`,
    remedy: remedyFor(error),
  })
}

function checkState(params: URLSearchParams, expected: string | undefined): string | undefined {
  const state = params.get('state') ?? undefined
  if (expected !== undefined && state !== expected) {
    throw new CallbackError({
      reason: 'state_mismatch',
      message:
        state === undefined
          ? 'The callback carries no state'
          : 'The callback state does not match this login',
      remedy:
        'Start the login again from this application, in the same browser; an old or forged link cannot be completed.',
    })
  }
  return state
}

function unknownLocation(message: string): CallbackError {
  return new CallbackError({
    reason: 'unknown_location',
    message,
    remedy:
      'Start the login again; if it repeats, the data centre table (or ZOHO_EMULATOR_URL) does not match where Zoho sent the user.',
  })
}

/** The DC a redirect names, checked against the table: never a host the table does not hold. */
function resolveDataCenter(params: URLSearchParams, o: CallbackOptions): DataCenter {
  const accountsServer = params.get('accounts-server')?.trim() || undefined
  const location = params.get('location')?.trim() || undefined
  const byLocation = location === undefined ? undefined : o.dataCenters.byLocation(location)
  if (location !== undefined && byLocation === undefined) {
    throw unknownLocation(`The callback names an unknown data centre location "${location}"`)
  }
  if (accountsServer !== undefined) {
    const dc = o.dataCenters.byAccountsServer(accountsServer)
    if (dc === undefined) throw new UntrustedAccountsServerError(accountsServer)
    if (byLocation !== undefined && byLocation !== dc) {
      throw unknownLocation(
        `The callback's location "${location}" does not match its accounts server ${dc.accountsServer} (${dc.location})`,
      )
    }
    return dc
  }
  if (byLocation !== undefined) return byLocation
  const fallback =
    o.defaultLocation === undefined ? undefined : o.dataCenters.byLocation(o.defaultLocation)
  if (fallback !== undefined) return fallback
  throw unknownLocation('The callback names no data centre (no location or accounts-server)')
}

/**
 * Reads Zoho's redirect to the app: `?code=…&location=in&accounts-server=…&state=…`. Throws
 * CallbackError (`access_denied`, `missing_code`, `state_mismatch`, `unknown_location`,
 * `zoho_error`) and UntrustedAccountsServerError when `accounts-server` is not in the table.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export function parseAuthorizationCallback(
  url: string | URL,
  o: CallbackOptions,
): AuthorizationCallback {
  // Real US callbacks end with a stray `&`; URLSearchParams skips the empty pair.
  const params = toURL(url).searchParams
  refusedOrFailed(params)
  const code = params.get('code')?.trim()
  if (!code) {
    throw new CallbackError({
      reason: 'missing_code',
      message: 'The callback carries no authorization code',
      remedy:
        'Open the authorization URL again and approve access; the redirect must reach this application unchanged.',
    })
  }
  const state = checkState(params, o.expectedState)
  const dataCenter = resolveDataCenter(params, o)
  return {
    code,
    state,
    dataCenter,
    location: dataCenter.location,
    accountsServer: dataCenter.accountsServer,
  }
}

/**
 * What an implicit-flow redirect carries, with its DC from the trusted table.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/javascript-applications.html
 */
export interface ImplicitCallback {
  accessToken: string
  expiresInSeconds: number
  state: string | undefined
  dataCenter: DataCenter
  apiDomain: string
}

/**
 * Reads the implicit flow's redirect: `#access_token=…&expires_in=…&api_domain=…&state=…`. The
 * `api_domain` must belong to a DC of the table (the token will be sent there).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/javascript-applications.html
 */
export function parseImplicitCallback(url: string | URL, o: CallbackOptions): ImplicitCallback {
  const parsed = toURL(url)
  const params = new URLSearchParams(parsed.hash.replace(/^#/, ''))
  // A refusal may come in the query instead of the fragment.
  refusedOrFailed(params)
  refusedOrFailed(parsed.searchParams)
  const accessToken = params.get('access_token')?.trim()
  if (!accessToken) {
    throw new CallbackError({
      reason: 'missing_code',
      message: 'The callback carries no access token in its fragment',
      remedy:
        'Open the authorization URL again and approve access; the client must be registered as a client-based app for the implicit flow.',
    })
  }
  // One word of printable ASCII: it goes into an Authorization header as is.
  if (!/^[\x21-\x7e]+$/.test(accessToken)) {
    throw unusableFragment("The callback's access_token is not a single printable token")
  }
  const state = checkState(params, o.expectedState)
  const rawApiDomain = params.get('api_domain')?.trim()
  let dataCenter: DataCenter
  let apiDomain: string
  if (rawApiDomain) {
    const dc = o.dataCenters.byApiDomain(rawApiDomain)
    // The token is sent to this host: hand on the table's spelling, never the fragment's.
    const trusted = dc && trustedApiDomain(o.dataCenters, dc.location, rawApiDomain)
    if (dc === undefined || trusted === undefined) {
      throw unknownLocation(`The callback's api_domain "${rawApiDomain}" is not a Zoho data centre`)
    }
    dataCenter = dc
    apiDomain = trusted
    if (params.has('location') || params.has('accounts-server')) {
      if (resolveDataCenter(params, o) !== dc) {
        throw unknownLocation(`The callback's api_domain does not match its location`)
      }
    }
  } else {
    dataCenter = resolveDataCenter(params, o)
    apiDomain = dataCenter.apiDomain
  }
  return { accessToken, expiresInSeconds: implicitLifetime(params), state, dataCenter, apiDomain }
}

function unusableFragment(message: string): CallbackError {
  return new CallbackError({
    reason: 'zoho_error',
    message,
    remedy:
      'Sign in again; if it repeats, something between Zoho and this page is changing the redirect.',
  })
}

/** Same rule as the token endpoint: `expires_in_sec` first; beyond a day is milliseconds. */
function implicitLifetime(params: URLSearchParams): number {
  for (const [key, millisecondsAllowed] of [
    ['expires_in_sec', false],
    ['expires_in', true],
  ] as const) {
    const value = params.get(key)
    if (value === null) continue
    const seconds = plausibleLifetime(value, millisecondsAllowed)
    if (seconds !== undefined) return seconds
    throw unusableFragment(
      `The callback's ${key} "${value.slice(0, 40)}" is not a token lifetime (1 second to 1 day)`,
    )
  }
  return 3600
}
