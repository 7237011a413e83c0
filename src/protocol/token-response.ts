/**
 * Reading a successful answer of Zoho's token endpoint. Nothing in it is used as sent until it
 * makes sense: a lifetime no longer than Zoho's hour (a missing or nonsense one keeps the token,
 * for a short while, rather than lose the grant), tokens that are one printable word, and an
 * `api_domain` that is an API host of the data centre asked (access tokens will be sent there).
 * An answer that fails arrives after Zoho may have spent a code, so its error says so.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
import { trustedApiDomain, zohoDataCenters, type DataCenterTable } from './data-centers.js'
import { UnexpectedResponseError } from './errors.js'
import { isLoopbackHost, type JSONObject } from './http.js'

/**
 * What Zoho hands out for a grant, normalised.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export interface TokenSet {
  accessToken: string
  /** Refresh grant: Zoho omits it, so this is the refresh token that was sent in. */
  refreshToken: string | undefined
  /** An API host of the DC asked (from the table when the DC is known), no trailing slash. */
  apiDomain: string
  /**
   * The `api_domain` the answer named when it was not an API host of the DC asked (another DC's,
   * another host, not a URL): never used, `apiDomain` is the table's. Set only then, for warnings.
   */
  untrustedApiDomain?: string
  tokenType: string
  /**
   * Whole seconds, 1 s to Zoho's hour; prefers `expires_in_sec` over a millisecond `expires_in`.
   * `UNSTATED_LIFETIME_SECONDS` when the answer stated no usable lifetime (see `lifetimeWarning`).
   */
  expiresInSeconds: number
  /**
   * Set when the answer's lifetime was not used as stated (missing, nonsense, or beyond an hour):
   * what it said and what is used instead, for a warning. The token itself is still good.
   */
  lifetimeWarning?: string
  /** From `scope` when Zoho sends it. */
  scopes: string[] | undefined
  idToken: string | undefined
}

/**
 * The data centre a token request is for, when the caller knows it: the answer's `api_domain`
 * must then be an API host of that DC in that table (the only way to hold an emulator's answer
 * to its DC). Without it, an answer from one of Zoho's own accounts servers is still held to
 * that server's DC.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface ExpectedDataCenter {
  table: DataCenterTable
  location: string
}

/**
 * What a token answer is checked against.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/multi-dc.html
 */
export interface TokenResponseChecks {
  /** Zoho's refresh answer has no refresh_token: this one is kept. */
  previousRefreshToken?: string | undefined
  /** An http:// api_domain is taken only with this, and only to a loopback host (the emulator). */
  allowInsecureHTTP?: boolean | undefined
  /** The accounts server that answered: when it is one of Zoho's, its DC's API host is required. */
  accountsServer?: string | undefined
  /** api_domain must be an API host of this DC of this table (wins over `accountsServer`). */
  expectedDataCenter?: ExpectedDataCenter | undefined
}

/**
 * Zoho's access tokens live one hour (docs/zoho-behaviour.md). A longer stated lifetime is not
 * believed: a token kept past its real expiry would be served stale until Zoho refused it.
 */
export const MAX_ACCESS_TOKEN_LIFETIME_SECONDS = 3600
/**
 * The lifetime of an access token whose answer stated none we can use. Zoho always states one,
 * so such an answer is unexpected; but a token was minted (and a code exchange has spent the
 * code), so refusing the answer would lose the grant. The token is kept, for a fraction of
 * Zoho's hour: never longer than it can live, and the next refresh comes soon and states one.
 */
export const UNSTATED_LIFETIME_SECONDS = 600
// No Zoho token or code lives a day (access tokens: 1 h); a larger `expires_in` can only be
// milliseconds, and a larger lifetime in seconds is nonsense a store should never hold.
const MAX_LIFETIME_SECONDS = 86_400
// One word of printable ASCII: what goes into an Authorization header and a shell's $(…).
const PRINTABLE_TOKEN = /^[\x21-\x7e]+$/

// What an unusable answer means for what was sent, by the request that got it.
const AFTERMATH: Record<string, { consequence?: string; remedy: string }> = {
  'code exchange': {
    consequence: 'Zoho may already have spent the code',
    remedy: 'Mint a new code and exchange it again.',
  },
  refresh: { consequence: 'the refresh token is unaffected', remedy: 'Retry later.' },
  'device token poll': {
    consequence: 'Zoho may already have spent the device code',
    remedy: 'Start the device flow again.',
  },
  'device code request': { remedy: 'Start the device flow again.' },
}
// Answers to these mint nothing, whatever they hold; every other answer read here is a token's.
const MINTS_NOTHING = new Set(['device code request', 'user info'])
const IF_IT_REPEATS =
  'If it repeats, the accounts server (or a proxy in front of it) is not answering like Zoho: check ZOHO_DC, ZOHO_EMULATOR_URL and the network.'

/**
 * @internal A JSON answer that parsed but cannot be used. Names keys, never values: a malformed
 * success may still carry a live token.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/oauth-overview.html
 */
export function unusableAnswer(
  body: JSONObject,
  operation: string,
  problem: string,
): UnexpectedResponseError {
  const aftermath = AFTERMATH[operation] ?? { remedy: 'Retry later.' }
  return new UnexpectedResponseError({
    status: 200,
    contentType: 'application/json',
    body: `the answer had: ${Object.keys(body).join(', ') || 'nothing'}`,
    operation,
    problem: aftermath.consequence ? `${problem}; ${aftermath.consequence}` : problem,
    remedy: `${aftermath.remedy} ${IF_IT_REPEATS}`,
    mayHaveMinted: !MINTS_NOTHING.has(operation),
  })
}

function stringField(body: JSONObject, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined
}

/** A value for a message: short, and strings quoted so `""` and `" "` are visible. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value)
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

/**
 * @internal Whole seconds from a wire lifetime, or undefined when it is no lifetime at all
 * (not a finite number, under 1 s, over a day). With `millisecondsAllowed`, a value beyond a
 * day is read as milliseconds, as an old Zoho variant sent `expires_in`.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export function plausibleLifetime(
  value: unknown,
  millisecondsAllowed: boolean,
): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : NaN
  if (!Number.isFinite(n)) return undefined
  const seconds = Math.floor(millisecondsAllowed && n > MAX_LIFETIME_SECONDS ? n / 1000 : n)
  return seconds >= 1 && seconds <= MAX_LIFETIME_SECONDS ? seconds : undefined
}

/**
 * @internal Seconds from `expires_in_sec` / `expires_in`, whichever variant Zoho sent; `fallback`
 * when it sent neither. Nonsense is refused, not guessed at: a guess is a lifetime we would store.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export function expiresInSeconds(body: JSONObject, operation: string, fallback: number): number {
  // An old Zoho variant sent `expires_in` in milliseconds with `expires_in_sec` beside it.
  for (const [key, millisecondsAllowed] of [
    ['expires_in_sec', false],
    ['expires_in', true],
  ] as const) {
    const value = body[key]
    if (value === undefined || value === null) continue
    const seconds = plausibleLifetime(value, millisecondsAllowed)
    if (seconds !== undefined) return seconds
    throw unusableAnswer(
      body,
      operation,
      `${key} is ${shown(value)}, not a token lifetime (1 second to 1 day)`,
    )
  }
  return fallback
}

/**
 * @internal The lifetime of an access token from a token answer: `expires_in_sec` first, then
 * `expires_in`, at most Zoho's hour. Missing or nonsense is not a refusal (the token is good and
 * the grant must not be lost) but the short `UNSTATED_LIFETIME_SECONDS`, with a warning.
 */
export function accessTokenLifetime(body: JSONObject): { seconds: number; warning?: string } {
  const unstated = (said: string): { seconds: number; warning: string } => ({
    seconds: UNSTATED_LIFETIME_SECONDS,
    warning: `${said}; the access token is used for ${UNSTATED_LIFETIME_SECONDS} s, not Zoho's usual hour`,
  })
  for (const [key, millisecondsAllowed] of [
    ['expires_in_sec', false],
    ['expires_in', true],
  ] as const) {
    const value = body[key]
    if (value === undefined || value === null) continue
    const seconds = plausibleLifetime(value, millisecondsAllowed)
    if (seconds === undefined) {
      return unstated(`${key} is ${shown(value)}, not a token lifetime (1 second to 1 day)`)
    }
    if (seconds <= MAX_ACCESS_TOKEN_LIFETIME_SECONDS) return { seconds }
    return {
      seconds: MAX_ACCESS_TOKEN_LIFETIME_SECONDS,
      warning: `${key} is ${seconds} s, longer than Zoho's access tokens live; the access token is used for ${MAX_ACCESS_TOKEN_LIFETIME_SECONDS} s`,
    }
  }
  return unstated('the answer named no expires_in')
}

function token(body: JSONObject, key: string, operation: string): string | undefined {
  const value = stringField(body, key)
  if (value === undefined || PRINTABLE_TOKEN.test(value)) return value
  throw unusableAnswer(
    body,
    operation,
    `${key} is not a single printable token (it holds spaces, line breaks or other characters no token has)`,
  )
}

interface ApiDomainReading {
  value: string
  /** What the answer named instead, when it was not an API host of the expected DC. */
  untrusted?: string
}

function apiDomain(
  body: JSONObject,
  operation: string,
  checks: TokenResponseChecks,
): ApiDomainReading {
  const raw = stringField(body, 'api_domain')
  const inferred =
    checks.accountsServer === undefined
      ? undefined
      : zohoDataCenters.byAccountsServer(checks.accountsServer)
  const expected =
    checks.expectedDataCenter ??
    (inferred ? { table: zohoDataCenters, location: inferred.location } : undefined)
  const tableHost = expected?.table.byLocation(expected.location)?.apiDomain
  if (expected !== undefined && tableHost !== undefined) {
    const trusted =
      raw === undefined ? undefined : trustedApiDomain(expected.table, expected.location, raw)
    if (trusted !== undefined) return { value: trusted }
    // The DC is known, so its API host is too: access tokens go there and nowhere the answer
    // names. Refusing the answer instead would throw away a grant whose code Zoho has spent.
    return { value: tableHost, untrusted: raw ?? '(none)' }
  }
  if (raw === undefined) throw unusableAnswer(body, operation, 'no api_domain')
  const refuse = (why: string): never => {
    throw unusableAnswer(body, operation, `api_domain ${shown(raw)} ${why}`)
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('is not an https:// URL')
  }
  const loopbackHTTP =
    url.protocol === 'http:' && checks.allowInsecureHTTP === true && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHTTP) refuse('is not an https:// URL')
  if (url.username || url.password || url.search || url.hash) {
    refuse('carries credentials, a query or a fragment')
  }
  return { value: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}

/** Zoho separates scopes by commas in requests but may answer with spaces. */
function parseScopes(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string')
  if (typeof value !== 'string') return undefined
  return value.split(/[\s,]+/).filter((s) => s !== '')
}

/**
 * Reads a successful token answer. An answer without an access token is not a success, whatever
 * its status: storing an empty token is the classic failure of clients that trust HTTP 200.
 * A string as third argument is the previous refresh token (the older form of `checks`).
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export function parseTokenResponse(
  body: JSONObject,
  operation: string,
  checks: TokenResponseChecks | string = {},
): TokenSet {
  const c = typeof checks === 'string' ? { previousRefreshToken: checks } : checks
  const accessToken = token(body, 'access_token', operation)
  if (accessToken === undefined) {
    const keys = Object.keys(body).join(', ') || 'nothing'
    throw unusableAnswer(body, operation, `no access_token (the answer had: ${keys})`)
  }
  const domain = apiDomain(body, operation, c)
  const lifetime = accessTokenLifetime(body)
  return {
    accessToken,
    // Zoho's refresh answer has no refresh_token: the one sent in stays valid.
    refreshToken: token(body, 'refresh_token', operation) ?? c.previousRefreshToken,
    apiDomain: domain.value,
    ...(domain.untrusted !== undefined ? { untrustedApiDomain: domain.untrusted } : {}),
    tokenType: stringField(body, 'token_type') ?? 'Bearer',
    expiresInSeconds: lifetime.seconds,
    ...(lifetime.warning !== undefined ? { lifetimeWarning: lifetime.warning } : {}),
    scopes: parseScopes(body.scope),
    idToken: stringField(body, 'id_token'),
  }
}
