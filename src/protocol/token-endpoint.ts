/**
 * Zoho's token endpoints: code exchange, refresh, client credentials, revoke, the device flow
 * and user info. Each function builds one request and reads its answer by hand.
 *
 * `accountsServer` is an origin plus optional path (`https://accounts.zoho.eu`, or an emulator's
 * `http://127.0.0.1:PORT/eu/accounts`); endpoint paths are appended to it. Pass the accounts
 * server of the user's data centre, taken from a trusted table, never from a callback as is.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
import { isDataCenterLocation } from './data-centers.js'
import type { DataCenterLocation } from './data-centers.js'
import { UnexpectedResponseError, ZohoOAuthError } from './errors.js'
import {
  readJSONObject,
  requestJSON,
  sendRequest,
  throwIfOAuthError,
  type JSONObject,
  type RequestOptions,
} from './http.js'
import {
  expiresInSeconds,
  parseTokenResponse,
  unusableAnswer,
  type ExpectedDataCenter,
  type TokenResponseChecks,
  type TokenSet,
} from './token-response.js'

function endpoint(accountsServer: string, path: string): string {
  return `${accountsServer.trim().replace(/\/+$/, '')}${path}`
}

function numberField(body: JSONObject, key: string): number | undefined {
  const value = body[key]
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined
}

function stringField(body: JSONObject, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function checksFor(
  p: { accountsServer: string; expectedDataCenter?: ExpectedDataCenter | undefined },
  o: RequestOptions | undefined,
  previousRefreshToken?: string,
): TokenResponseChecks {
  return {
    accountsServer: p.accountsServer,
    expectedDataCenter: p.expectedDataCenter,
    allowInsecureHTTP: o?.allowInsecureHTTP,
    previousRefreshToken,
  }
}

/**
 * Exchanges an authorization code (from the redirect, or minted by a Self Client) for tokens.
 * Send it to the accounts server of the user's DC (the callback's `location`): another DC
 * answers `invalid_code` or `invalid_client`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export async function exchangeAuthorizationCode(
  p: {
    accountsServer: string
    clientId: string
    clientSecret: string
    code: string
    /** Omit for a Self Client code. */
    redirectURI?: string
    codeVerifier?: string
    expectedDataCenter?: ExpectedDataCenter
  },
  o?: RequestOptions,
): Promise<TokenSet> {
  const form: Record<string, string> = {
    grant_type: 'authorization_code',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    code: p.code,
  }
  if (p.redirectURI !== undefined) form.redirect_uri = p.redirectURI
  if (p.codeVerifier !== undefined) form.code_verifier = p.codeVerifier
  const operation = 'code exchange'
  const url = endpoint(p.accountsServer, '/oauth/v2/token')
  const body = await requestJSON({ method: 'POST', url, form, operation }, o)
  return parseTokenResponse(body, operation, checksFor(p, o))
}

/**
 * Mints a new access token from a refresh token. Zoho allows 10 per refresh token per 10
 * minutes (then `Access Denied`) and keeps 15 active; a revoked token answers `invalid_code`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 */
export async function refreshAccessToken(
  p: {
    accountsServer: string
    clientId: string
    clientSecret: string
    refreshToken: string
    expectedDataCenter?: ExpectedDataCenter
  },
  o?: RequestOptions,
): Promise<TokenSet> {
  const form = {
    grant_type: 'refresh_token',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    refresh_token: p.refreshToken,
  }
  const operation = 'refresh'
  const url = endpoint(p.accountsServer, '/oauth/v2/token')
  const body = await requestJSON({ method: 'POST', url, form, operation }, o)
  return parseTokenResponse(body, operation, checksFor(p, o, p.refreshToken))
}

/**
 * Client-credentials grant (Self Client only): an access token for an organisation, no refresh
 * token. `soid` is `ZohoCRM.<orgId>`; without it Zoho answers `missing_org_info`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/self-client/client-credentials-flow.html
 */
export async function requestClientCredentialsToken(
  p: {
    accountsServer: string
    clientId: string
    clientSecret: string
    scopes: string[]
    soid: string
    expectedDataCenter?: ExpectedDataCenter
  },
  o?: RequestOptions,
): Promise<TokenSet> {
  const form = {
    grant_type: 'client_credentials',
    client_id: p.clientId,
    client_secret: p.clientSecret,
    scope: p.scopes.join(','),
    soid: p.soid,
  }
  const operation = 'client credentials grant'
  const url = endpoint(p.accountsServer, '/oauth/v2/token')
  const body = await requestJSON({ method: 'POST', url, form, operation }, o)
  return parseTokenResponse(body, operation, checksFor(p, o))
}

/**
 * Revokes a refresh token (and with it every access token minted from it) or an access token.
 * Zoho answers `{"status":"success"}`, and HTTP 400 for a token it does not know.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/revoke-tokens.html
 */
export async function revokeToken(
  p: { accountsServer: string; token: string },
  o?: RequestOptions,
): Promise<void> {
  const operation = 'revoke'
  const url = `${endpoint(p.accountsServer, '/oauth/v2/token/revoke')}?${new URLSearchParams({
    token: p.token,
  })}`
  const response = await sendRequest({ method: 'POST', url, operation }, o)
  const unexpected = (): UnexpectedResponseError =>
    new UnexpectedResponseError({
      status: response.status,
      contentType: response.contentType,
      body: response.text,
      operation,
    })
  let body: JSONObject
  try {
    body = readJSONObject(response, operation)
  } catch {
    // Only Zoho's own JSON says what happened to the token: a proxy's HTML 400 or an empty
    // answer must not pass for "already revoked" (the grant would stay live at Zoho).
    throw unexpected()
  }
  if (response.status === 400) {
    if (typeof body.error === 'string' && body.error !== '') {
      throw new ZohoOAuthError({ error: body.error, status: 400, operation })
    }
    throw unexpected()
  }
  throwIfOAuthError(response.status, body, operation)
  // Zoho answers a revoke with {"status":"success"}; an answer without it revoked nothing we know of.
  if (response.status < 200 || response.status >= 300 || body.status !== 'success') {
    throw unexpected()
  }
}

/**
 * The device flow's first step: a code for the user to enter at `verificationURL`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/initiation-request.html
 */
export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  verificationURL: string
  intervalSeconds: number
  expiresInSeconds: number
}

// Zoho: user_code lives 5 minutes; poll at most once per 30 s.
const DEVICE_CODE_SECONDS = 300
const DEVICE_INTERVAL_SECONDS = 30

/**
 * Starts the device flow. `accessType` defaults to `offline`, so approval yields a refresh token.
 * Device flow clients have ids starting `1004.`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/initiation-request.html
 */
export async function requestDeviceCode(
  p: {
    accountsServer: string
    clientId: string
    scopes: string[]
    accessType?: 'offline' | 'online'
  },
  o?: RequestOptions,
): Promise<DeviceAuthorization> {
  const form = {
    client_id: p.clientId,
    grant_type: 'device_request',
    scope: p.scopes.join(','),
    access_type: p.accessType ?? 'offline',
  }
  const operation = 'device code request'
  const url = endpoint(p.accountsServer, '/oauth/v3/device/code')
  const body = await requestJSON({ method: 'POST', url, form, operation }, o)
  const deviceCode = stringField(body, 'device_code')
  const userCode = stringField(body, 'user_code')
  // RFC 8628 names it verification_uri; Zoho documents verification_url.
  const verificationURL =
    stringField(body, 'verification_url') ?? stringField(body, 'verification_uri')
  if (deviceCode === undefined || userCode === undefined || verificationURL === undefined) {
    const keys = Object.keys(body).join(', ') || 'nothing'
    throw unusableAnswer(
      body,
      operation,
      `no device_code, user_code or verification_url (the answer had: ${keys})`,
    )
  }
  return {
    deviceCode,
    userCode,
    verificationURL,
    intervalSeconds: numberField(body, 'interval') ?? DEVICE_INTERVAL_SECONDS,
    expiresInSeconds: expiresInSeconds(body, operation, DEVICE_CODE_SECONDS),
  }
}

/**
 * One poll of the device token endpoint. `access_denied` and `expired` are thrown as
 * ZohoOAuthError; the states a poller loops on are results.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/polling-request.html
 */
export type DevicePollResult =
  | { status: 'approved'; tokens: TokenSet }
  | { status: 'pending' }
  | { status: 'slow_down' }
  /** The user approved in another DC: poll that DC's accounts server. */
  | { status: 'other_dc'; location: DataCenterLocation }

/**
 * Polls once for the device flow's tokens. Wait `intervalSeconds` between polls (Zoho: at least
 * 30 s, else `slow_down`).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/devices/polling-request.html
 */
export async function pollDeviceToken(
  p: {
    accountsServer: string
    clientId: string
    clientSecret: string
    deviceCode: string
    expectedDataCenter?: ExpectedDataCenter
  },
  o?: RequestOptions,
): Promise<DevicePollResult> {
  const form = {
    client_id: p.clientId,
    client_secret: p.clientSecret,
    grant_type: 'device_token',
    code: p.deviceCode,
  }
  const operation = 'device token poll'
  const url = endpoint(p.accountsServer, '/oauth/v3/device/token')
  const response = await sendRequest({ method: 'POST', url, form, operation }, o)
  const body = readJSONObject(response, operation)
  if (body.error === 'authorization_pending') return { status: 'pending' }
  if (body.error === 'slow_down') return { status: 'slow_down' }
  // Zoho: {"error":"other_dc","user_location":"eu"} — the user's account lives in another DC.
  if (body.error === 'other_dc') {
    const location = stringField(body, 'user_location')?.toLowerCase()
    if (location === undefined || !isDataCenterLocation(location)) {
      throw unusableAnswer(body, operation, 'other_dc without a known user_location')
    }
    return { status: 'other_dc', location }
  }
  throwIfOAuthError(response.status, body, operation)
  if (response.status < 200 || response.status > 299) {
    throw new UnexpectedResponseError({
      status: response.status,
      contentType: response.contentType,
      body: response.text,
      operation,
    })
  }
  return { status: 'approved', tokens: parseTokenResponse(body, operation, checksFor(p, o)) }
}

/**
 * The Zoho user behind an access token.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
export interface ZohoUser {
  zuid: string
  email: string
  displayName: string | undefined
}

/**
 * Who the access token belongs to. Needs scope `AaaServer.profile.READ`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-server-applications.html
 */
export async function fetchUserInfo(
  p: { accountsServer: string; accessToken: string },
  o?: RequestOptions,
): Promise<ZohoUser> {
  const operation = 'user info'
  const url = endpoint(p.accountsServer, '/oauth/user/info')
  const headers = { authorization: `Zoho-oauthtoken ${p.accessToken}` }
  const body = await requestJSON({ method: 'GET', url, headers, operation }, o)
  const rawZUID = body.ZUID ?? body.zuid
  const zuid =
    typeof rawZUID === 'number' && Number.isSafeInteger(rawZUID) ? String(rawZUID) : rawZUID
  const email = stringField(body, 'Email') ?? stringField(body, 'email')
  if (typeof zuid !== 'string' || zuid === '' || email === undefined) {
    throw unusableAnswer(body, operation, 'no ZUID or Email')
  }
  return {
    zuid,
    email,
    displayName: stringField(body, 'Display_Name') ?? stringField(body, 'display_name'),
  }
}
