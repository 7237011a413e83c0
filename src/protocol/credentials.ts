/**
 * Checks for credentials people paste: a client id, a client secret, a refresh token or a grant
 * code. Surrounding whitespace is trimmed silently (terminals and editors add it); anything else
 * that is wrong — quotes, a header prefix, `NAME=`, a cut-off or swapped value — is refused with a
 * message saying what is wrong and what to do. Messages never repeat the value. A value that only
 * strays from Zoho's documented shape (length, case, alphabet) is refused too, but marked
 * `mayBeValid`, so a caller can warn and let Zoho decide rather than lock out a format Zoho changed.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth-setup.html
 */
import { CredentialFormatError } from './errors.js'

type Field = 'clientId' | 'clientSecret' | 'refreshToken' | 'grantCode'

const LABEL: Record<Field, string> = {
  clientId: 'client id',
  clientSecret: 'client secret',
  refreshToken: 'refresh token',
  grantCode: 'grant code',
}

const CLIENT_ID = /^100[04]\.[A-Z0-9]{30}$/
const CLIENT_SECRET = /^[0-9a-f]{42}$/i
// Tokens and codes: `1000.` + 32 hex + `.` + 32 hex; device clients' use `1004.`.
const TOKEN = /^100[04]\.[0-9a-f]{32}\.[0-9a-f]{32}$/i
const TOKEN_LENGTH = 70
const ZOHO_PREFIX = /^100[04]\./
// Zero-width characters and the BOM ride along with copies from web pages and chat apps.
const EDGE_SPACE = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g
const QUOTES = /^["'`\u2018\u2019\u201c\u201d]|["'`\u2018\u2019\u201c\u201d]$/
const AUTH_SCHEME = /^(Bearer|Zoho-oauthtoken)\b/i
const ASSIGNMENT = /^(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*[=:]/

const CONSOLE = 'the Zoho API console (api-console.zoho.com)'
const ID_SHAPE = '1000. followed by 30 capital letters and digits'
const SECRET_SHAPE = '42 hexadecimal characters, 0-9 and a-f'
const TOKEN_SHAPE = '1000. followed by two 32-character hex parts joined by a dot'

function fail(field: Field, message: string, remedy: string): never {
  throw new CredentialFormatError({ field, message, remedy })
}

/** A value of the wrong length or letters: wrong by Zoho's documented shape, which may change. */
function unusual(field: Field, message: string, remedy: string): never {
  throw new CredentialFormatError({ field, message, remedy, mayBeValid: true })
}

/** Trims the edges and refuses what no credential ever contains. */
function clean(field: Field, raw: string): string {
  const label = LABEL[field]
  const value = raw.replace(EDGE_SPACE, '')
  if (value === '') fail(field, `The ${label} is empty`, `Paste the ${label}.`)
  const match = AUTH_SCHEME.exec(value)
  if (match) {
    fail(
      field,
      `The ${label} starts with "${match[1]}"`,
      field === 'refreshToken'
        ? `Remove the "${match[1]}" prefix; note that an Authorization header carries an access token (valid 1 hour), not the refresh token.`
        : `Remove the "${match[1]}" prefix and paste only the value after it.`,
    )
  }
  if (/^https?:\/\//i.test(value) || /[?&#]code=/i.test(value)) {
    fail(
      field,
      `The ${label} is a whole URL`,
      field === 'grantCode'
        ? 'Paste only the value of its code parameter, and note its location parameter: the code must be exchanged in that data centre.'
        : `Paste only the ${label} itself.`,
    )
  }
  if (ASSIGNMENT.test(value)) {
    fail(
      field,
      `The ${label} includes a variable name before "=" or ":"`,
      `Paste only the value after the "=" (or ":"), without the name.`,
    )
  }
  if (QUOTES.test(value)) {
    fail(field, `The ${label} is wrapped in quotes`, 'Remove the quotes and paste the bare value.')
  }
  if (/\s/.test(value)) {
    fail(
      field,
      `The ${label} contains a space or line break`,
      'Copy it again as one unbroken line; editors and chat apps may wrap long values.',
    )
  }
  return value
}

/**
 * Checks an OAuth client id (`1000.` + 30 capital letters and digits; `1004.` for device clients)
 * and returns it trimmed, or throws CredentialFormatError saying what is wrong.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth-setup.html
 */
export function checkClientId(v: string): string {
  const value = clean('clientId', v)
  if (CLIENT_ID.test(value)) return value
  const fix = `Copy the Client ID from ${CONSOLE}: ${ID_SHAPE}.`
  if (TOKEN.test(value)) {
    fail('clientId', 'The client id looks like a token or grant code, not a client id', fix)
  }
  if (CLIENT_SECRET.test(value)) {
    fail(
      'clientId',
      'The client id looks like a client secret (42 hex characters)',
      `Use it as the client secret (ZOHO_CLIENT_SECRET), and copy the Client ID (${ID_SHAPE}) into ZOHO_CLIENT_ID.`,
    )
  }
  const prefix = ZOHO_PREFIX.exec(value)?.[0]
  const rest = prefix ? value.slice(prefix.length) : ''
  if (prefix && /^[A-Za-z0-9]+$/.test(rest) && rest !== rest.toUpperCase()) {
    unusual(
      'clientId',
      'The client id contains lower-case letters; Zoho client ids are all capitals',
      'Copy it again exactly as the API console shows it; something changed its case.',
    )
  }
  if (prefix && /^[A-Z0-9]*$/.test(rest)) {
    unusual(
      'clientId',
      rest.length < 30
        ? `The client id is too short: ${rest.length} of 30 characters after "${prefix}", so it looks cut off`
        : `The client id is too long: ${rest.length} characters after "${prefix}" where Zoho uses 30`,
      `Copy the whole Client ID, and nothing else, from ${CONSOLE}.`,
    )
  }
  unusual('clientId', `The client id does not look like a Zoho client id (${ID_SHAPE})`, fix)
}

/**
 * Checks an OAuth client secret (42 hex characters) and returns it trimmed, or throws
 * CredentialFormatError saying what is wrong.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth-setup.html
 */
export function checkClientSecret(v: string): string {
  const value = clean('clientSecret', v)
  if (CLIENT_SECRET.test(value)) return value
  const fix = `Copy the Client Secret from ${CONSOLE}: ${SECRET_SHAPE}.`
  if (CLIENT_ID.test(value)) {
    fail(
      'clientSecret',
      'The client secret looks like a client id (it starts with 1000.)',
      `Use it as the client id (ZOHO_CLIENT_ID), and copy the Client Secret (${SECRET_SHAPE}) into ZOHO_CLIENT_SECRET.`,
    )
  }
  if (TOKEN.test(value)) {
    fail('clientSecret', 'The client secret looks like a token or grant code', fix)
  }
  if (/^[0-9a-f]+$/i.test(value)) {
    unusual(
      'clientSecret',
      value.length < 42
        ? `The client secret is too short: ${value.length} of 42 characters, so it looks cut off`
        : `The client secret is too long: ${value.length} characters where Zoho uses 42`,
      `Copy the whole Client Secret, and nothing else, from ${CONSOLE}.`,
    )
  }
  unusual(
    'clientSecret',
    `The client secret does not look like a Zoho client secret (${SECRET_SHAPE})`,
    fix,
  )
}

function checkToken(field: 'refreshToken' | 'grantCode', v: string, fix: string): string {
  const label = LABEL[field]
  const value = clean(field, v)
  if (TOKEN.test(value)) return value
  if (CLIENT_ID.test(value)) fail(field, `The ${label} looks like a client id`, fix)
  if (CLIENT_SECRET.test(value)) fail(field, `The ${label} looks like a client secret`, fix)
  if (ZOHO_PREFIX.test(value)) {
    if (!/^[0-9a-f.]+$/i.test(value.slice(5))) {
      fail(
        field,
        `The ${label} contains characters Zoho ${label}s never have (only 0-9 and a-f around the dots)`,
        fix,
      )
    }
    if (value.length < TOKEN_LENGTH) {
      fail(
        field,
        `The ${label} is too short: ${value.length} of ${TOKEN_LENGTH} characters, so it looks cut off`,
        fix,
      )
    }
    if (value.length > TOKEN_LENGTH) {
      fail(
        field,
        `The ${label} is too long: ${value.length} characters where Zoho's have ${TOKEN_LENGTH}`,
        fix,
      )
    }
  }
  fail(field, `The ${label} does not look like a Zoho ${label} (${TOKEN_SHAPE})`, fix)
}

/**
 * Checks a refresh token (`1000.` + 32 hex + `.` + 32 hex) and returns it trimmed, or throws
 * CredentialFormatError. An access token or a grant code has the same shape, so a well-formed
 * value can still be the wrong kind: when Zoho has rejected it, pass `rejectedByZoho` to get an
 * error that says so.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token.html
 */
export function checkRefreshToken(v: string, o: { rejectedByZoho?: boolean } = {}): string {
  const value = checkToken(
    'refreshToken',
    v,
    `Copy the whole refresh_token (${TOKEN_SHAPE}) from the token response, or connect again to get a new one.`,
  )
  if (o.rejectedByZoho) {
    fail(
      'refreshToken',
      'Zoho rejected the refresh token although it is well-formed',
      'It may be an access token or a grant code, which look exactly alike (1000.<hex>.<hex>), a token that was revoked, or one from another data centre: paste the refresh_token value, not access_token, and check ZOHO_DC, or connect again.',
    )
  }
  return value
}

/**
 * Checks an authorization (grant) code, from a redirect or a Self Client, and returns it
 * trimmed, or throws CredentialFormatError.
 *
 * @see https://www.zoho.com/accounts/protocol/oauth/self-client/authorization-code-flow.html
 */
export function checkGrantCode(v: string): string {
  return checkToken(
    'grantCode',
    v,
    `Copy the whole code (${TOKEN_SHAPE}); it expires in minutes, so generate a new one if in doubt.`,
  )
}
